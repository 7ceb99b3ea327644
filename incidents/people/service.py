"""Users, departments, passwords and API tokens. `actor=None` is the operator at the console."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from incidents.i18n import gettext as _
from incidents.people.access import require_admin
from incidents.people import sessions
from incidents.people.models import (ApiToken, Department, Role, SessionPublic, TokenPublic, User, UserPublic,
                                     UserSession)
from incidents.people.passwords import check_password
from incidents.people.security import hash_password, new_feed_key, new_token, token_digest, verify_password
from incidents.types import utcnow
from incidents.validation import check_address

LOCALES = ("ja", "en")


def _audit_actor(actor: User | None):
    return actor if actor is not None else "operator"


def parse_roles(roles: str | list[str]) -> str:
    items = roles.split(",") if isinstance(roles, str) else list(roles)
    clean: list[str] = []
    for r in (i.strip().lower() for i in items):
        if not r:
            continue
        if r not in Role.__members__:
            raise InvalidInput(f"unknown role {r!r} (choose from {', '.join(Role)})")
        if r not in clean:
            clean.append(r)
    if not clean:
        raise InvalidInput("a user needs a role")
    return ",".join(clean)


def require_may_grant(actor: User | None, role_text: str) -> None:
    """Roles cannot be climbed: granting `officer` (who reads every incident) needs an officer. An administrator
    manages accounts, but cannot make anyone, themself included, an officer."""
    if actor is None:
        return
    if Role.officer in role_text.split(",") and not actor.is_officer:
        raise Forbidden(_("only a privacy officer may grant the officer role"))


def require_may_manage(actor: User | None, target: User) -> None:
    """An administrator may not take over (password, roles, sign-in state) an account that holds a role they
    lack: that would let them act as that person."""
    if actor is None:
        return
    require_admin(actor)
    if target.is_officer and not actor.is_officer:
        raise Forbidden(_("only a privacy officer may manage an officer's account"))


def department(session: Session, name: str, *, create: bool = True) -> Department:
    name = name.strip()
    if not name:
        raise InvalidInput("department name is empty")
    dept = session.execute(select(Department).where(Department.name == name)).scalar_one_or_none()
    if dept is None:
        if not create:
            raise NotFound(f"department {name!r} not found")
        dept = Department(name=name)
        session.add(dept)
        session.flush()
    return dept


def user_by_email(session: Session, email: str) -> User:
    user = session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise NotFound(f"user {email} not found")
    return user


def add_user(
    session: Session,
    *,
    actor: User | None,
    email: str,
    display_name: str,
    roles: str | list[str],
    department_name: str,
    manager_email: str | None = None,
    password: str | None = None,
    locale: str = "ja",
) -> User:
    require_admin(actor)
    try:
        email = check_address(email)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not display_name.strip():
        raise InvalidInput("display name is empty")
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}")
    role_text = parse_roles(roles)
    require_may_grant(actor, role_text)
    if session.execute(select(User.id).where(func.lower(User.email) == email.lower())).first():
        raise Conflict(f"user {email} already exists")
    manager = user_by_email(session, manager_email) if manager_email else None
    if password:
        check_password(password, email=email, display_name=display_name)
    dept = department(session, department_name)
    user = User(
        email=email, display_name=display_name.strip(), department_id=dept.id,
        manager_id=manager.id if manager else None, roles=role_text, locale=locale,
        password_hash=hash_password(password) if password else None, feed_key=new_feed_key(), updated_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(session, actor=_audit_actor(actor), action="user.added", entity="user", entity_id=user.id,
           after={"email": email, "display_name": user.display_name, "roles": role_text,
                  "department": dept.name, "manager": manager.email if manager else None})
    return user


def set_password(session: Session, *, actor: User | None, email: str, password: str,
                 keep_session_id: int | None = None) -> None:
    """Set a password; every session of the person ends (but the one they changed it from) and their calendar
    feed gets a new address."""
    user = user_by_email(session, email)
    if actor is not None and actor.id != user.id:
        require_may_manage(actor, user)
    check_password(password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(password)
    user.feed_key = new_feed_key()
    user.updated_at = utcnow()
    session.add(user)
    ended = sessions.revoke_all(session, user_id=user.id, reason="password_changed", keep_id=keep_session_id)
    record(session, actor=_audit_actor(actor), action="user.password_set", entity="user", entity_id=user.id,
           after={"sessions_ended": ended})


def change_own_password(session: Session, *, actor: User, current: str, new: str, session_id: int | None) -> None:
    if not verify_password(actor.password_hash, current):
        raise InvalidInput(_("the current password is not right"))
    set_password(session, actor=actor, email=actor.email, password=new, keep_session_id=session_id)


def set_roles(session: Session, *, actor: User | None, user: User, roles: str | list[str]) -> bool:
    """Change a person's roles (the next request of their sessions gets a new identifier). True if changed."""
    require_may_manage(actor, user)
    role_text = parse_roles(roles)
    if role_text == user.roles:
        return False
    added = set(role_text.split(",")) - user.role_set
    require_may_grant(actor, ",".join(added))
    before = user.roles
    user.roles = role_text
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    record(session, actor=_audit_actor(actor), action="user.roles_changed", entity="user", entity_id=user.id,
           before={"roles": before}, after={"roles": role_text})
    return True


def set_active(session: Session, *, actor: User | None, user: User, active: bool, reason: str = "") -> bool:
    """Deactivate (or reactivate) a person. A deactivated person keeps their history; every session and API token
    of theirs stops at once; the steps they were to take go to their manager (see incidents.response.sweep)."""
    require_may_manage(actor, user)
    if actor is not None and actor.id == user.id and not active:
        raise InvalidInput(_("you cannot deactivate your own account"))
    if user.active == active:
        return False
    user.active = active
    user.deactivated_at = None if active else utcnow()
    user.updated_at = utcnow()
    user.feed_key = new_feed_key()
    session.add(user)
    ended = 0 if active else sessions.revoke_all(session, user_id=user.id, reason="deactivated")
    session.flush()
    record(session, actor=_audit_actor(actor), action="user.activated" if active else "user.deactivated",
           entity="user", entity_id=user.id, after={"reason": reason, "sessions_ended": ended} if reason or ended
           else None)
    return True


def set_locale(session: Session, *, actor: User, locale: str) -> None:
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}")
    before = actor.locale
    actor.locale = locale
    session.add(actor)
    record(session, actor=actor, action="user.locale_set", entity="user", entity_id=actor.id,
           before={"locale": before}, after={"locale": locale})


def to_public(session: Session, user: User) -> UserPublic:
    dept = session.get(Department, user.department_id)
    manager = session.get(User, user.manager_id) if user.manager_id else None
    return UserPublic(
        id=user.id, email=user.email, display_name=user.display_name, department=dept.name if dept else "",
        manager=manager.email if manager else None, role=user.role, roles=sorted(user.role_set),
        locale=user.locale, active=user.active,
    )


def list_users(session: Session, *, actor: User | None) -> list[UserPublic]:
    require_admin(actor)
    users = session.execute(select(User).order_by(User.id)).scalars().all()
    return [to_public(session, u) for u in users]


# ---- API tokens --------------------------------------------------------------------------------


def create_token(session: Session, *, actor: User | None, email: str, name: str) -> tuple[str, ApiToken]:
    """A token acts as its owner, so a person creates tokens only for themself (an administrator may revoke
    anyone's token, never create one for someone else). `actor=None`, the operator at the console who holds
    the database itself, may create one for any user."""
    if actor is not None and email.strip().lower() != actor.email.lower():
        raise Forbidden(_("an API token can be created only for yourself"))
    user = user_by_email(session, email)
    token = new_token()
    row = ApiToken(user_id=user.id, name=name.strip() or "token", prefix=token[:10], token_hash=token_digest(token))
    session.add(row)
    session.flush()
    record(session, actor=_audit_actor(actor), action="token.created", entity="api_token", entity_id=row.id,
           after={"user": user.email, "name": row.name, "prefix": row.prefix})
    return token, row


def _oversees_access(actor: User | None) -> bool:
    """The operator, administrators and officers see and end anyone's sessions and tokens."""
    return actor is None or actor.is_admin or actor.is_officer


def revoke_token(session: Session, *, actor: User | None, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None or (row.user_id != getattr(actor, "id", None) and not _oversees_access(actor)):
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is not None:
        raise Conflict(f"token {token_id} is already revoked")
    row.revoked_at = utcnow()
    session.add(row)
    record(session, actor=_audit_actor(actor), action="token.revoked", entity="api_token", entity_id=row.id)
    return row


def list_tokens(session: Session, *, actor: User | None) -> list[TokenPublic]:
    q = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    if not _oversees_access(actor):
        q = q.where(ApiToken.user_id == actor.id)
    return [
        TokenPublic(id=t.id, name=t.name, prefix=t.prefix, user=email, created_at=t.created_at,
                    revoked_at=t.revoked_at, last_used_at=t.last_used_at)
        for t, email in session.execute(q).all()
    ]


def user_for_token(session: Session, token: str) -> User:
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("invalid or revoked API token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Unauthorized("invalid or revoked API token")
    return user


# ---- sessions ----------------------------------------------------------------------------------


def end_session(session: Session, *, actor: User | None, target: UserSession) -> None:
    """End one session: its owner, or an officer/administrator (e.g. a lost laptop)."""
    if target.user_id != getattr(actor, "id", None) and not _oversees_access(actor):
        raise NotFound(f"session {target.id} not found")
    sessions.revoke(session, target, reason="ended_by_owner" if getattr(actor, "id", None) == target.user_id
                    else "ended_by_officer")
    record(session, actor=_audit_actor(actor), action="session.ended", entity="user_session", entity_id=target.id,
           after={"user_id": target.user_id})


def live_sessions(session: Session, *, actor: User | None) -> list[SessionPublic]:
    if not _oversees_access(actor):
        raise Forbidden(_("only an officer or an administrator may list everyone's sessions"))
    return [SessionPublic(id=s.id, user=u.email, display_name=u.display_name, method=s.method, stage=s.stage,
                          ip=s.ip, user_agent=s.user_agent, created_at=s.created_at, last_seen_at=s.last_seen_at,
                          expires_at=s.expires_at)
            for s, u in sessions.live_sessions(session)]
