"""Reading a field of the incident the same way whether it is the typed record (IncidentRecord and its
parts: attributes) or plain data shaped like the JSON contract (samples, previews: mappings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    value = obj.get(key, default) if isinstance(obj, Mapping) else getattr(obj, key, default)
    return default if value is None else value
