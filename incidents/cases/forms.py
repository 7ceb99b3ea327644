"""Reading the record's HTML form fields (shared by the plain report form and the guided report)."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any


def recipient_lines(text: str, kind: str) -> list[dict[str, Any]]:
    """One recipient per line: `address`, `address, name, organisation` or `Name <address>`."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        if "<" in parts[0]:
            name, address = parseaddr(parts[0])
        else:
            name, address = "", parts[0]
        out.append({"address": address or parts[0],
                    "name": name or (parts[1] if len(parts) > 1 else "") or None,
                    "organization": (parts[2] if len(parts) > 2 else "") or None,
                    "field": "to", "kind": kind})
    return out
