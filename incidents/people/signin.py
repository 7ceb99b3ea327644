"""Signing in: the password, the second factor, signing out. Each step owns its short units of work.

The password is checked (argon2, deliberately slow) inside a read-only unit of work: on SQLite no write lock is
held while hashing, so parallel sign-ins never stall filing or fail with "database is locked". Only the result
(a session row, an audit event) is written, in a short write of its own.

Every attempt is audited with the address and the user agent: login.succeeded, login.failed, login.locked_out,
login.mfa_failed, login.sso_succeeded, login.sso_refused, logout.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import Forbidden, Unauthorized
from incidents.i18n import N_
from incidents.i18n import gettext as _
from incidents.people import mfa, sessions, site, throttle
from incidents.people.models import User
from incidents.people.security import verify_password

WRONG = N_("wrong email or password")


@dataclass(frozen=True)
class Client:
    """Where an attempt came from."""

    ip: str
    user_agent: str


@dataclass(frozen=True)
class SignedIn:
    raw: str  # the session identifier for the cookie
    stage: str  # active | mfa | enrol
    user_id: int
    locale: str


def audit_attempt(session: Session, *, action: str, client: Client, user: User | None = None, email: str = "",
                  **details) -> None:
    after = {"ip": client.ip, "user_agent": client.user_agent[:300], **details}
    if email and user is None:
        after["email"] = email[:320]
    record(session, actor=user if user is not None else "anonymous", action=action, entity="user",
           entity_id=user.id if user is not None else None, after=after)


def _find(session: Session, email: str) -> User | None:
    if not email or len(email) > 320:
        return None
    return session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()


def _locked_out(email: str, client: Client, user_id: int | None = None) -> None:
    try:
        throttle.check(account=email, address=client.ip)
    except throttle.TooManyAttempts:
        with session_scope() as s:
            user = s.get(User, user_id) if user_id else _find(s, email)
            audit_attempt(s, action="login.locked_out", client=client, user=user, email=email)
        raise


def password_sign_in(*, email: str, password: str, client: Client) -> SignedIn:
    with session_scope(write=False) as s:
        enabled = site.password_login_enabled(s)
    if not enabled:
        raise Forbidden(_("sign-in with a password is turned off here; use single sign-on"))
    _locked_out(email, client)
    with session_scope(write=False) as s:
        user = _find(s, email)
        user_id, stored, active = (user.id, user.password_hash, user.active) if user is not None else (None, None, False)
    # argon2 runs with no transaction and no pooled connection held: 40 parallel sign-ins neither hold the
    # write lock nor drain the connection pool while they hash
    ok = verify_password(stored, password) and user_id is not None and active
    if not ok:
        throttle.failed(account=email, address=client.ip)
        with session_scope() as s:
            audit_attempt(s, action="login.failed", client=client, user=s.get(User, user_id) if user_id else None,
                          email=email)
        raise Unauthorized(_(WRONG))
    with session_scope() as s:
        user = s.get(User, user_id)
        stage = "mfa" if user.mfa_enabled else ("enrol" if mfa.required_for(user) else "active")
        raw, _row = sessions.open_session(s, user=user, method="password", ip=client.ip,
                                          user_agent=client.user_agent, stage=stage)
        if stage == "mfa":
            audit_attempt(s, action="login.password_accepted", client=client, user=user)
        else:
            audit_attempt(s, action="login.succeeded", client=client, user=user, method="password")
    if stage != "mfa":
        throttle.succeeded(account=email)
    return SignedIn(raw=raw, stage=stage, user_id=user_id, locale=user.locale)


def second_factor(*, raw: str | None, code: str, client: Client) -> SignedIn:
    """Complete a sign-in waiting for its second factor; the session gets a new identifier."""
    with session_scope(write=False) as s:
        row = sessions.find(s, raw, stage="mfa")
        if row is None:
            raise Unauthorized(_("the sign-in has expired; sign in again"))
        user = s.get(User, row.user_id)
        email = user.email
    _locked_out(email, client, user.id)
    with session_scope() as s:
        row = sessions.find(s, raw, stage="mfa")
        user = s.get(User, row.user_id) if row is not None else None
        if row is None or user is None or not user.active:
            raise Unauthorized(_("the sign-in has expired; sign in again"))
        used = mfa.verify(s, user=user, code=code)
        if used is None:
            audit_attempt(s, action="login.mfa_failed", client=client, user=user)
        else:
            new_raw = sessions.rotate_row(s, row, stage="active", reason="second_factor")
            audit_attempt(s, action="login.succeeded", client=client, user=user, method="password", second_factor=used)
    if used is None:
        throttle.failed(account=email, address=client.ip)
        raise Unauthorized(_("that code is not right; enter the current code from your app, or a recovery code"))
    throttle.succeeded(account=email)
    return SignedIn(raw=new_raw, stage="active", user_id=user.id, locale=user.locale)


def sign_out(session: Session, *, raw: str | None, client: Client) -> str | None:
    """End the session; returns its ID token (for the provider's end-session endpoint), if any."""
    row = sessions.find(session, raw, stage=None)
    if row is None:
        return None
    sessions.revoke(session, row, reason="logout")
    audit_attempt(session, action="logout", client=client, user=session.get(User, row.user_id))
    return row.id_token
