"""How an audit event is hashed, and moving a chain to a (new) key.

An event's hash is HMAC-SHA256(key, its header fields + prev_hash + body_hash), where body_hash is the SHA-256
of its before/after. The chain covers body_hash, not the body itself, so personal data in a body can be erased
(the body replaced, redacted_at set, an `audit.redacted` event naming it) and the chain still verifies.

Functions here take plain rows (anything with the column attributes), so the migration that keys existing
chains uses them on its own table definition.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from incidents.audit.keys import AuditKey

GENESIS = "0" * 64


def at_text(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def body_hash(before: Any, after: Any) -> str:
    return hashlib.sha256(_canonical({"before": before, "after": after})).hexdigest()


def legacy_hash(ev: Any) -> str:
    """The unkeyed SHA-256 of events written before the chain had a key."""
    payload = {"seq": ev.seq, "at": at_text(ev.at), "actor_id": ev.actor_id, "actor": ev.actor,
               "action": ev.action, "incident_id": ev.incident_id, "entity": ev.entity,
               "entity_id": ev.entity_id, "before": ev.before, "after": ev.after, "prev_hash": ev.prev_hash}
    return hashlib.sha256(_canonical(payload)).hexdigest()


def keyed_hash(ev: Any, key: AuditKey, *, body: str | None = None, prev_hash: str | None = None) -> str:
    payload = {"seq": ev.seq, "at": at_text(ev.at), "actor_id": ev.actor_id, "actor": ev.actor,
               "action": ev.action, "incident_id": ev.incident_id, "entity": ev.entity,
               "entity_id": ev.entity_id, "body": body if body is not None else ev.body_hash,
               "prev_hash": prev_hash if prev_hash is not None else ev.prev_hash, "key": key.id}
    return key.mac(_canonical(payload))


def rekey_rows(rows: list[Any], key: AuditKey, ring: dict[str, AuditKey]) -> tuple[list[dict], int | None]:
    """New (id, prev_hash, hash, key_id, body_hash) for every row, in seq order, after checking the chain as it
    stands (unkeyed events by their SHA-256, keyed ones by the key they name). Returns the updates and the seq
    of the first event that does not verify (None: all did; then the updates may be written)."""
    updates, prev_old, prev_new, expected = [], GENESIS, GENESIS, 1
    for ev in rows:
        if ev.key_id is None:
            good = ev.hash == legacy_hash(ev)
        else:
            old = ring.get(ev.key_id)
            good = (old is not None and ev.hash == keyed_hash(ev, old)
                    and (ev.redacted_at is not None or ev.body_hash == body_hash(ev.before, ev.after)))
        if ev.seq != expected or ev.prev_hash != prev_old or not good:
            return updates, ev.seq
        body = ev.body_hash if ev.key_id is not None else body_hash(ev.before, ev.after)
        new = keyed_hash(ev, key, body=body, prev_hash=prev_new)
        updates.append({"id": ev.id, "prev_hash": prev_new, "hash": new, "key_id": key.id, "body_hash": body})
        prev_old, prev_new, expected = ev.hash, new, ev.seq + 1
    return updates, None
