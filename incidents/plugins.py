"""Discovery of the domains: their tables, event hooks, API routers, pages and scheduled jobs.

A domain is a package under incidents/ with any of: models.py (tables), hooks.py (event subscribers,
imported for their side effect), api.py (`router`, mounted under /api/v1), pages.py (`router`, mounted at
/), scheduled.py (`register(scheduler)`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

import incidents

CORE_ORDER = ["people", "audit", "cases"]


@cache
def domains() -> list[str]:
    found = [m.name for m in pkgutil.iter_modules(incidents.__path__) if m.ispkg]
    return [d for d in CORE_ORDER if d in found] + sorted(d for d in found if d not in CORE_ORDER)


def modules(kind: str) -> list[ModuleType]:
    out = []
    for domain in domains():
        name = f"incidents.{domain}.{kind}"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            out.append(importlib.import_module(name))
    return out


@cache
def load() -> None:
    """Import every domain's tables and event hooks (idempotent)."""
    modules("models")
    modules("hooks")
