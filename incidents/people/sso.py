"""Single sign-on, the people side: who the provider's person is here, and what they may do.

A person is found by the provider's subject, else by e-mail address (and linked: the subject is kept, so a later
change of address at the provider still finds them). Someone unknown is refused or created as configured
(INCIDENTS_OIDC_UNKNOWN_USERS = refuse | create). With a groups claim and INCIDENTS_GROUP_ROLES
("incident-officers=officer,managers=manager"), the roles follow the provider's groups at every sign-in; with
department and manager claims, so does the org chart. The provider's MFA stands: no second factor is asked here.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidInput
from incidents.i18n import N_
from incidents.people import service, sessions
from incidents.people.models import Role, User
from incidents.people.signin import Client, SignedIn, audit_attempt
from incidents.types import utcnow

ACTOR = "single sign-on"


def group_roles(text: str | None = None) -> dict[str, list[str]]:
    """INCIDENTS_GROUP_ROLES: "group=role,group=role+role" -> {group: [roles]} (unknown roles are ignored)."""
    text = get_settings().group_roles if text is None else text
    mapping: dict[str, list[str]] = {}
    for pair in text.split(","):
        group, _, roles = pair.partition("=")
        group = group.strip()
        wanted = [r.strip().lower() for r in roles.replace("|", "+").split("+") if r.strip().lower() in Role.__members__]
        if group and wanted:
            mapping.setdefault(group, [])
            mapping[group] += [r for r in wanted if r not in mapping[group]]
    return mapping


def roles_for_groups(groups, mapping: dict[str, list[str]]) -> str:
    """The roles a person's groups give, most powerful first; employee when none maps."""
    names = [groups] if isinstance(groups, str) else [str(g) for g in groups or []]
    found = {r for g in names for r in mapping.get(g, [])}
    order = [Role.admin, Role.officer, Role.manager, Role.employee]
    roles = [r.value for r in order if r.value in found]
    return ",".join(roles) or Role.employee.value


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip()[:320] if isinstance(value, (str, int)) else ""


def _refuse(s: Session, client: Client, claims: dict, why: str, user: User | None = None) -> None:
    audit_attempt(s, action="login.sso_refused", client=client, user=user,
                  email=_claim(claims, get_settings().oidc_email_claim), reason=why)


def _find_or_create(s: Session, claims: dict, client: Client) -> tuple[User | None, str]:
    settings = get_settings()
    subject = str(claims["sub"])[:255]
    email = _claim(claims, settings.oidc_email_claim)
    user = s.execute(select(User).where(User.sso_subject == subject)).scalar_one_or_none()
    if user is not None:
        return user, ""
    if not email:
        return None, "no_email"
    if claims.get("email_verified") is False:
        return None, "email_not_verified"
    user = s.execute(select(User).where(func.lower(User.email) == email.lower())).scalar_one_or_none()
    if user is not None:
        if user.sso_subject and user.sso_subject != subject:
            return None, "other_subject"
        user.sso_subject = subject
        s.add(user)
        record(s, actor=ACTOR, action="user.sso_linked", entity="user", entity_id=user.id, after={"subject": subject})
        return user, ""
    if settings.oidc_unknown_users != "create":
        return None, "unknown"
    mapping = group_roles()
    roles = roles_for_groups(claims.get(settings.oidc_groups_claim), mapping) if settings.oidc_groups_claim else "employee"
    name = _claim(claims, settings.oidc_name_claim) or email.split("@")[0]
    department = _claim(claims, settings.oidc_department_claim) or settings.oidc_default_department
    try:
        user = service.add_user(s, actor=None, email=email, display_name=name[:200], roles=roles,
                                department_name=department[:200], locale=settings.default_locale)
    except InvalidInput:
        return None, "invalid_claims"
    user.sso_subject = subject
    s.add(user)
    return user, ""


def _follow_provider(s: Session, user: User, claims: dict) -> None:
    """Roles from groups, department and manager from their claims, when configured and present."""
    settings = get_settings()
    if settings.oidc_groups_claim and settings.oidc_groups_claim in claims:
        roles = roles_for_groups(claims.get(settings.oidc_groups_claim), group_roles())
        if roles != user.roles:
            before = user.roles
            user.roles = roles
            record(s, actor=ACTOR, action="user.roles_changed", entity="user", entity_id=user.id,
                   before={"roles": before}, after={"roles": roles, "from": "groups"})
    department = _claim(claims, settings.oidc_department_claim)
    if department:
        dept = service.department(s, department[:200])
        if dept.id != user.department_id:
            record(s, actor=ACTOR, action="user.sso_updated", entity="user", entity_id=user.id,
                   after={"department": dept.name})
            user.department_id = dept.id
    manager_email = _claim(claims, settings.oidc_manager_claim)
    if manager_email:
        manager = s.execute(select(User).where(func.lower(User.email) == manager_email.lower())).scalar_one_or_none()
        if manager is not None and manager.id != user.id and manager.id != user.manager_id:
            record(s, actor=ACTOR, action="user.sso_updated", entity="user", entity_id=user.id,
                   after={"manager": manager.email})
            user.manager_id = manager.id
    user.updated_at = utcnow()
    s.add(user)


def sign_in(*, claims: dict, id_token: str, client: Client) -> SignedIn:
    """The provider vouched for this person: open a session (no second factor here), or refuse."""
    with session_scope() as s:
        user, why = _find_or_create(s, claims, client)
        if user is not None and not user.active:
            why = "deactivated"
        if why:
            _refuse(s, client, claims, why, user)
    if why == "unknown":
        raise Forbidden(N_("there is no account for you here yet; ask an administrator to add you"))
    if why:
        raise Forbidden(N_("single sign-on was refused for this account; ask an administrator"))
    with session_scope() as s:
        user = s.get(User, user.id)
        _follow_provider(s, user, claims)
        raw, _row = sessions.open_session(s, user=user, method="sso", ip=client.ip, user_agent=client.user_agent,
                                          id_token=id_token)
        audit_attempt(s, action="login.sso_succeeded", client=client, user=user, method="sso")
        return SignedIn(raw=raw, stage="active", user_id=user.id, locale=user.locale)
