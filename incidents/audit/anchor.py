"""Anchors: the head of the audit chain (sequence, hash, time) kept outside the database, signed with the
audit key. Checked against an anchor, the chain must still hold the anchored event with the anchored hash:
deleting the newest events, truncating the table or rebuilding the chain (even with the key, e.g. after a
restore) is found. An anchor proves the chain up to its event; events after it are covered by the next anchor
(the scheduler writes one a day into <data_dir>/anchors/).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlmodel import Session

from incidents.audit.chain import GENESIS, at_text
from incidents.audit.keys import current_key, keyring
from incidents.audit.labels import VERIFY_PROBLEMS
from incidents.audit.models import AuditEvent, VerifyResult
from incidents.audit.service import verify
from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.files import private_dir, write_private
from incidents.types import utcnow

KIND = "incidents-audit-anchor"


class Anchor(BaseModel):
    kind: str = KIND
    version: int = 1
    seq: int  # 0: the chain was empty
    hash: str
    event_at: str | None  # the anchored event's time (UTC)
    anchored_at: str
    key_id: str
    signature: str = ""

    def signed_part(self) -> bytes:
        data = self.model_dump(exclude={"signature"})
        return b"anchor:" + json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def make(session: Session) -> Anchor:
    head = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalars().first()
    key = current_key()
    anchor = Anchor(seq=head.seq if head else 0, hash=head.hash if head else GENESIS,
                    event_at=at_text(head.at) if head else None, anchored_at=at_text(utcnow()), key_id=key.id)
    anchor.signature = key.mac(anchor.signed_part())
    return anchor


def write(anchor: Anchor, path: Path) -> Path:
    return write_private(Path(path), (anchor.model_dump_json(indent=2) + "\n").encode())


def read(path: Path) -> Anchor:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        anchor = Anchor.model_validate(data)
    except FileNotFoundError:
        raise InvalidInput("no anchor file %(path)s", code="anchor_not_found", path=str(path)) from None
    except (OSError, ValueError, ValidationError):
        raise InvalidInput("%(path)s is not an audit anchor", code="anchor_unreadable", path=str(path)) from None
    if anchor.kind != KIND:
        raise InvalidInput("%(path)s is not an audit anchor", code="anchor_unreadable", path=str(path))
    return anchor


def signature_ok(anchor: Anchor) -> bool:
    key = keyring().get(anchor.key_id)
    import hmac as _hmac

    return key is not None and _hmac.compare_digest(key.mac(anchor.signed_part()), anchor.signature)


def _bad(kind: str, seq: int, checked: int, ev_id: int | None = None) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_bad_seq=seq, first_bad_id=ev_id, problem_kind=kind,
                        problem=VERIFY_PROBLEMS.label(kind, "en") % {"seq": seq, "expected": seq}, anchor_seq=seq)


def verify_with(session: Session, anchor: Anchor) -> VerifyResult:
    """The chain check, and the anchored event still there with the anchored hash."""
    if not signature_ok(anchor):
        return _bad("anchor_invalid", anchor.seq, 0)
    result = verify(session)
    result.anchor_seq = anchor.seq
    if not result.ok or anchor.seq == 0:
        return result
    ev = session.execute(select(AuditEvent).where(AuditEvent.seq == anchor.seq)).scalars().first()
    if ev is None:
        return _bad("anchor_missing", anchor.seq, result.checked)
    if ev.hash != anchor.hash:
        return _bad("anchor_mismatch", anchor.seq, result.checked, ev.id)
    return result


def anchors_dir() -> Path:
    return private_dir(Path(get_settings().data_dir) / "anchors")


def write_daily(session: Session, now: datetime | None = None) -> Path:
    """The scheduler's anchor of the day: <data_dir>/anchors/anchor-YYYY-MM-DD.json (and latest.json)."""
    anchor = make(session)
    day = (now or utcnow()).strftime("%Y-%m-%d")
    path = write(anchor, anchors_dir() / f"anchor-{day}.json")
    write(anchor, anchors_dir() / "latest.json")
    return path


def as_dict(anchor: Anchor) -> dict[str, Any]:
    return anchor.model_dump()
