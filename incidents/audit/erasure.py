"""Erasing a person's data from the audit trail: their address (and name) replaced, in every event of the
incident, by a keyed hash. The chain keeps each event's body hash, so it still verifies; an `audit.redacted`
event names the events changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from incidents.audit.keys import current_key
from incidents.audit.models import AuditEvent
from incidents.audit.service import redact


def address_hash(address: str) -> str:
    """A keyed hash of an address: the same address gives the same value; without the key nobody can test a
    guess against it."""
    return "h:" + current_key().mac(b"address:" + address.strip().lower().encode())[:24]


def _replacer(needles: list[str], token: str):
    lowered = [n.lower() for n in needles if n]

    def replace(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, str):
            out = value
            for n in lowered:
                i = out.lower().find(n)
                while i >= 0:
                    out = out[:i] + token + out[i + len(n):]
                    i = out.lower().find(n, i + len(token))
            return out
        return value

    return replace


def erase_person(session: Session, *, actor: Any, incident_id: int, address: str, name: str | None,
                 reason: str) -> int:
    """Replace a recipient's address (and name) by the address's keyed hash in the incident's audit events.
    Returns the number of events changed."""
    token = address_hash(address)
    events = session.execute(select(AuditEvent).where(AuditEvent.incident_id == incident_id)
                             .order_by(AuditEvent.seq)).scalars().all()
    needles = [address.strip()] + ([name.strip()] if name and len(name.strip()) >= 2 else [])
    return redact(session, actor=actor, events=events, replace=_replacer(needles, token), reason=reason,
                  incident_id=incident_id)
