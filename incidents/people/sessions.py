"""Browser sessions kept on the server. The cookie carries a random identifier and nothing else (no user id, no
part of a password hash); the row holds who signed in, how, from where, and until when.

A session ends when it has been idle for `session_idle_s`, `session_max_age_s` after sign-in, on sign-out, when
the person is deactivated or their password changes, and when an officer ends it. When a person's roles change,
their session is rotated: the next request gets a new identifier carrying the new roles.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.people.models import User, UserSession
from incidents.types import utcnow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often per session
STAGES = ("active", "mfa", "enrol")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clip(text: str | None, n: int) -> str:
    return (text or "")[:n]


def open_session(session: Session, *, user: User, method: str, ip: str, user_agent: str, stage: str = "active",
                 id_token: str | None = None) -> tuple[str, UserSession]:
    """A new session for `user`; returns the raw identifier (for the cookie) and the row."""
    assert stage in STAGES
    settings = get_settings()
    now = utcnow()
    raw = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=_digest(raw), stage=stage, method=method, roles=user.roles,
                      ip=_clip(ip, 64), user_agent=_clip(user_agent, 300), created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(seconds=settings.session_max_age_s), id_token=id_token)
    session.add(row)
    session.flush()
    return raw, row


def is_live(row: UserSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    idle = timedelta(seconds=get_settings().session_idle_s)
    return row.revoked_at is None and row.expires_at > now and row.last_seen_at + idle > now


def find(session: Session, raw: str | None, *, stage: str | None = "active") -> UserSession | None:
    """The live session with this identifier (and in this stage, unless stage=None), or None."""
    if not raw or len(raw) > 200:
        return None
    row = session.execute(select(UserSession).where(UserSession.token_hash == _digest(raw))).scalar_one_or_none()
    if row is None or not is_live(row) or (stage is not None and row.stage != stage):
        return None
    return row


@dataclass
class Resolved:
    user: User | None
    new_raw: str | None = None  # set when the session was rotated: the cookie must carry it


def resolve(session: Session, raw: str | None, *, in_write_transaction: bool) -> Resolved:
    """The signed-in person of a request. Writes (the idle clock, a rotation) go to the request's own unit of
    work when it writes anyway, else to a short one of their own (a read request never takes the write lock
    for long, and never while the request's own transaction waits for it)."""
    row = find(session, raw)
    if row is None:
        return Resolved(None)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return Resolved(None)
    now = utcnow()
    rotate = row.roles != user.roles
    if not rotate and now - row.last_seen_at < TOUCH_EVERY:
        return Resolved(user)
    if in_write_transaction:
        return Resolved(user, _touch_or_rotate(session, row.id, user, rotate, now))
    with session_scope() as own:
        new_raw = _touch_or_rotate(own, row.id, user, rotate, now)
    return Resolved(user, new_raw)


def _touch_or_rotate(session: Session, row_id: int, user: User, rotate: bool, now: datetime) -> str | None:
    row = session.get(UserSession, row_id)
    if row is None or row.revoked_at is not None:
        return None
    row.last_seen_at = now
    if not rotate:
        session.add(row)
        session.flush()
        return None
    return rotate_row(session, row, roles=user.roles, reason="roles_changed")


def rotate_row(session: Session, row: UserSession, *, roles: str | None = None, reason: str = "rotated",
               stage: str | None = None) -> str:
    """Replace the session's identifier (the old one stops working at once); returns the new raw identifier."""
    now = utcnow()
    raw = secrets.token_urlsafe(32)
    fresh = UserSession(user_id=row.user_id, token_hash=_digest(raw), stage=stage or row.stage, method=row.method,
                        roles=roles if roles is not None else row.roles, ip=row.ip, user_agent=row.user_agent,
                        created_at=row.created_at, last_seen_at=now, expires_at=row.expires_at, id_token=row.id_token)
    row.revoked_at = now
    row.revoked_reason = reason
    session.add_all([row, fresh])
    session.flush()
    return raw


def revoke(session: Session, row: UserSession, *, reason: str) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_reason = reason
        session.add(row)
        session.flush()


def revoke_all(session: Session, *, user_id: int, reason: str, keep_id: int | None = None) -> int:
    """End every live session of a person (deactivation, password change, an officer's decision)."""
    stmt = (update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason))
    if keep_id is not None:
        stmt = stmt.where(UserSession.id != keep_id)
    n = session.execute(stmt.execution_options(synchronize_session=False)).rowcount
    session.flush()
    return n or 0


def live_sessions(session: Session, *, user_id: int | None = None) -> list[tuple[UserSession, User]]:
    now = utcnow()
    idle_since = now - timedelta(seconds=get_settings().session_idle_s)
    q = (select(UserSession, User).join(User, User.id == UserSession.user_id)
         .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now, UserSession.last_seen_at > idle_since)
         .order_by(UserSession.last_seen_at.desc()))
    if user_id is not None:
        q = q.where(UserSession.user_id == user_id)
    return [(s, u) for s, u in session.execute(q).all()]
