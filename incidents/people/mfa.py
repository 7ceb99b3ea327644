"""Second factor for password accounts: TOTP (RFC 6238, with pyotp) and single-use recovery codes.

The shared secret is stored encrypted with a key derived from the service's secret key (a copy of the database
alone does not give anyone the codes); each time step is accepted once; recovery codes are stored hashed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.errors import Conflict, InvalidInput
from incidents.i18n import gettext as _
from incidents.people.models import RecoveryCode, User
from incidents.types import utcnow

ISSUER = "incidents"
RECOVERY_CODES = 10


def _fernet() -> Fernet:
    key = hashlib.sha256(("incidents.totp:" + get_settings().resolved_secret_key()).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _open(sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None  # the secret key changed: the person enrols again


def required_for(user: User) -> bool:
    roles = {r.strip() for r in get_settings().mfa_required_roles.split(",") if r.strip()}
    return bool(roles & user.role_set)


def start_enrolment(session: Session, *, actor: User) -> tuple[str, str]:
    """A new secret, pending until confirmed with a code. Returns (secret in base32, otpauth:// URI)."""
    if actor.mfa_enabled:
        raise Conflict(_("a second factor is already set up; turn it off first to set up a new one"))
    secret = pyotp.random_base32()
    actor.totp_secret = _seal(secret)
    actor.totp_last_step = None
    session.add(actor)
    session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=get_settings().org_name_en or ISSUER)
    return secret, uri


def pending_secret(actor: User) -> str | None:
    return None if actor.mfa_enabled else _open(actor.totp_secret)


def _totp_step(user: User, code: str, now: datetime | None = None) -> int | None:
    """The time step the code belongs to (now, or one step either side), if it has not been used yet."""
    secret = _open(user.totp_secret)
    code = "".join(ch for ch in code if ch.isdigit())
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > (user.totp_last_step or -1):
            return step
    return None


def _code_hash(code: str) -> str:
    clean = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(("incidents.recovery:" + clean).encode()).hexdigest()


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(6)).decode().lower().rstrip("=")[:10]
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)))
    session.flush()
    return codes


def confirm_enrolment(session: Session, *, actor: User, code: str) -> list[str]:
    """Turn the pending secret on with a first code; returns the recovery codes (shown once)."""
    if actor.mfa_enabled:
        raise Conflict(_("a second factor is already set up; turn it off first to set up a new one"))
    step = _totp_step(actor, code)
    if step is None:
        raise InvalidInput(_("that code is not right; check the time on your phone and enter the current code"))
    actor.totp_last_step = step
    actor.mfa_enabled_at = utcnow()
    actor.updated_at = utcnow()
    session.add(actor)
    codes = _new_recovery_codes(session, actor)
    record(session, actor=actor, action="user.mfa_enabled", entity="user", entity_id=actor.id)
    return codes


def verify(session: Session, *, user: User, code: str) -> str | None:
    """Check a second-factor code; returns "totp" or "recovery" (and uses it up), or None."""
    step = _totp_step(user, code)
    if step is not None:
        user.totp_last_step = step
        session.add(user)
        session.flush()
        return "totp"
    digest = _code_hash(code)
    row = session.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                     RecoveryCode.code_hash == digest,
                                                     RecoveryCode.used_at.is_(None))).scalar_one_or_none()
    if row is not None:
        row.used_at = utcnow()
        session.add(row)
        session.flush()
        return "recovery"
    return None


def remaining_recovery_codes(session: Session, user: User) -> int:
    return len(session.execute(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                              RecoveryCode.used_at.is_(None))).all())


def regenerate_recovery_codes(session: Session, *, actor: User) -> list[str]:
    if not actor.mfa_enabled:
        raise Conflict(_("set up a second factor first"))
    codes = _new_recovery_codes(session, actor)
    record(session, actor=actor, action="user.recovery_codes_renewed", entity="user", entity_id=actor.id)
    return codes


def disable(session: Session, *, actor: User | None, user: User) -> None:
    """Turn the second factor off (the person themself, or an administrator for someone who lost their phone)."""
    from incidents.people.service import require_may_manage

    if actor is None or actor.id != user.id:
        require_may_manage(actor, user)
    user.totp_secret = None
    user.totp_last_step = None
    user.mfa_enabled_at = None
    user.updated_at = utcnow()
    session.add(user)
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()
    record(session, actor=actor if actor is not None else "operator", action="user.mfa_disabled", entity="user",
           entity_id=user.id)


def qr_svg_data_uri(uri: str) -> str:
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
