"""Writing and verifying the audit trail. Every change in every domain goes through `record`."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session

from incidents.audit.labels import VERIFY_PROBLEMS
from incidents.audit.models import AuditEvent, AuditEventPublic, VerifyResult
from incidents.types import utcnow

GENESIS = "0" * 64
_ADVISORY_KEY = 7_243_001  # serialises appends to the chain on PostgreSQL


def _plain(value: Any) -> Any:
    """Make before/after JSON-safe and stable."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _at_text(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(ev: AuditEvent) -> str:
    payload = {
        "seq": ev.seq,
        "at": _at_text(ev.at),
        "actor_id": ev.actor_id,
        "actor": ev.actor,
        "action": ev.action,
        "incident_id": ev.incident_id,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "before": ev.before,
        "after": ev.after,
        "prev_hash": ev.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor.id, actor.email


def record(
    session: Session,
    *,
    actor: Any,
    action: str,
    incident_id: int | None = None,
    entity: str | None = None,
    entity_id: Any = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    tail = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    actor_id, actor_label = _actor_fields(actor)
    ev = AuditEvent(
        seq=(tail[0] + 1) if tail else 1,
        at=utcnow(),
        actor_id=actor_id,
        actor=actor_label,
        action=action,
        incident_id=incident_id,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_plain(before),
        after=_plain(after),
        prev_hash=tail[1] if tail else GENESIS,
    )
    ev.hash = compute_hash(ev)
    session.add(ev)
    session.flush()
    return ev


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first event that was edited, removed or reordered."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for ev in rows:
            kind = None
            if ev.seq != expected_seq:
                kind = "removed"
            elif compute_hash(ev) != ev.hash:
                kind = "edited"
            elif ev.prev_hash != prev_hash:
                kind = "reordered"
            if kind:
                return VerifyResult(ok=False, checked=checked, first_bad_seq=ev.seq, first_bad_id=ev.id,
                                    problem=VERIFY_PROBLEMS.label(kind, "en") % {"seq": ev.seq, "expected": expected_seq},
                                    problem_kind=kind, expected_seq=expected_seq if kind == "removed" else None)
            prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            checked += 1
        session.expunge_all()


def timeline(session: Session, *, incident_id: int) -> list[AuditEventPublic]:
    rows = session.execute(
        select(AuditEvent).where(AuditEvent.incident_id == incident_id).order_by(AuditEvent.seq)
    ).scalars().all()
    return [
        AuditEventPublic(
            seq=r.seq, at=r.at, actor=r.actor, action=r.action, entity=r.entity,
            entity_id=r.entity_id, before=r.before, after=r.after,
        )
        for r in rows
    ]
