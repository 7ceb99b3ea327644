"""Users, departments, passwords and API tokens. `actor=None` is the operator at the console."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from incidents.i18n import gettext as _
from incidents.people.access import require_admin
from incidents.people.models import ApiToken, Department, Role, TokenPublic, User, UserPublic
from incidents.people.security import hash_password, new_token, token_digest, verify_password
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
    dept = department(session, department_name)
    user = User(
        email=email, display_name=display_name.strip(), department_id=dept.id,
        manager_id=manager.id if manager else None, roles=role_text, locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    record(session, actor=_audit_actor(actor), action="user.added", entity="user", entity_id=user.id,
           after={"email": email, "display_name": user.display_name, "roles": role_text,
                  "department": dept.name, "manager": manager.email if manager else None})
    return user


def set_password(session: Session, *, actor: User | None, email: str, password: str) -> None:
    user = user_by_email(session, email)
    if actor is not None and actor.id != user.id:
        require_may_manage(actor, user)
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters")
    user.password_hash = hash_password(password)
    session.add(user)
    record(session, actor=_audit_actor(actor), action="user.password_set", entity="user", entity_id=user.id)


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


def authenticate(session: Session, *, email: str, password: str) -> User:
    try:
        user = user_by_email(session, email)
    except NotFound:
        verify_password(None, password)
        raise Unauthorized("wrong email or password") from None
    if not user.active or not verify_password(user.password_hash, password):
        raise Unauthorized("wrong email or password")
    return user


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


def revoke_token(session: Session, *, actor: User | None, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or (actor is not None and row.user_id != actor.id and not actor.is_admin):
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is not None:
        raise Conflict(f"token {token_id} is already revoked")
    row.revoked_at = utcnow()
    session.add(row)
    record(session, actor=_audit_actor(actor), action="token.revoked", entity="api_token", entity_id=row.id)
    return row


def list_tokens(session: Session, *, actor: User | None) -> list[TokenPublic]:
    q = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    if actor is not None and not actor.is_admin:
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
