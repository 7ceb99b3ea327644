"""Writing and verifying the audit trail. Every change in every domain goes through `record`."""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session

from incidents.audit.chain import GENESIS, body_hash, keyed_hash, rekey_rows
from incidents.audit.keys import current_key, keyring
from incidents.audit.labels import VERIFY_PROBLEMS
from incidents.audit.models import AuditEvent, AuditEventPublic, VerifyResult
from incidents.types import utcnow
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
    key = current_key()
    ev.key_id = key.id
    ev.body_hash = body_hash(ev.before, ev.after)
    ev.hash = keyed_hash(ev, key)
    session.add(ev)
    session.flush()
    return ev


def _problem(ev: AuditEvent, kind: str, checked: int, expected_seq: int, **extra: Any) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_bad_seq=ev.seq, first_bad_id=ev.id,
                        problem=VERIFY_PROBLEMS.label(kind, "en") % {"seq": ev.seq, "expected": expected_seq},
                        problem_kind=kind, expected_seq=expected_seq if kind == "removed" else None, **extra)


def check_event(ev: AuditEvent, ring: dict, prev_hash: str, expected_seq: int) -> str | None:
    """What is wrong with one event in its place in the chain (a VERIFY_PROBLEMS kind), or None."""
    if ev.seq != expected_seq:
        return "removed"
    if ev.key_id is None:
        return "unkeyed"
    key = ring.get(ev.key_id)
    if key is None:
        return "unknown_key"
    if keyed_hash(ev, key) != ev.hash:
        return "edited"
    if ev.redacted_at is None and ev.body_hash != body_hash(ev.before, ev.after):
        return "edited"
    if ev.prev_hash != prev_hash:
        return "reordered"
    return None


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first event that was edited, removed, reordered, not keyed with this
    installation's key, or erased without a recorded erasure."""
    ring = keyring()
    prev_hash, expected_seq, checked, last_seq = GENESIS, 1, 0, 0
    redacted: dict[int, AuditEvent] = {}
    declared: set[int] = set()
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for ev in rows:
            kind = check_event(ev, ring, prev_hash, expected_seq)
            if kind:
                return _problem(ev, kind, checked, expected_seq)
            if ev.redacted_at is not None:
                redacted[ev.seq] = ev
            if ev.action == "audit.redacted" and isinstance(ev.after, dict):
                declared.update(int(x) for x in ev.after.get("seqs", []))
            prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            checked += 1
        session.expunge_all()
    for seq in sorted(set(redacted) - declared):
        return _problem(redacted[seq], "redaction_unrecorded", checked, seq)
    return VerifyResult(ok=True, checked=checked, head_seq=last_seq or None,
                        head_hash=prev_hash if last_seq else None)


def rekey(session: Session, *, actor: Any = "operator") -> int:
    """Move the whole chain to the current key (after checking it as it stands). Returns the events rehashed;
    raises InvalidInput naming the first event that does not verify (nothing is changed then)."""
    from incidents.errors import InvalidInput

    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    updates, bad = rekey_rows(rows, current_key(), keyring())
    if bad is not None:
        raise InvalidInput("the audit chain does not verify at seq %(seq)s; nothing was rekeyed",
                           code="audit_chain_broken", seq=bad)
    by_id = {ev.id: ev for ev in rows}
    for u in updates:
        ev = by_id[u["id"]]
        ev.prev_hash, ev.hash, ev.key_id, ev.body_hash = u["prev_hash"], u["hash"], u["key_id"], u["body_hash"]
    session.flush()
    record(session, actor=actor, action="audit.rekeyed", after={"events": len(updates), "key": current_key().id})
    return len(updates)


def redact(session: Session, *, actor: Any, events: list[AuditEvent], replace: Any, reason: str,
           incident_id: int | None = None) -> int:
    """Erase personal data from stored events: `replace(value)` maps before/after to what may stay. The chain
    keeps each event's body hash; an `audit.redacted` event names the erased events and the reason."""
    seqs = []
    for ev in events:
        before, after = replace(ev.before), replace(ev.after)
        if (before, after) == (ev.before, ev.after):
            continue
        ev.before, ev.after, ev.redacted_at = before, after, utcnow()
        seqs.append(ev.seq)
    if seqs:
        session.flush()
        record(session, actor=actor, action="audit.redacted", incident_id=incident_id,
               after={"seqs": seqs, "reason": reason})
    return len(seqs)


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
