"""Sign-in methods an administrator chooses at run time: whether the password form is offered.

The environment (INCIDENTS_PASSWORD_LOGIN_ENABLED) gives the default and can switch passwords off for good; an
administrator may switch them off (and on again) on the page, but only while single sign-on is configured: the
password door never closes when it is the only one.
"""

from __future__ import annotations

from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.i18n import N_
from incidents.people.access import require_admin
from incidents.people.models import SiteSetting, User
from incidents.types import utcnow

PASSWORD_LOGIN = "password_login"


def sso_configured() -> bool:
    settings = get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def password_login_enabled(session: Session) -> bool:
    if not get_settings().password_login_enabled:
        return False
    if not sso_configured():
        return True
    row = session.get(SiteSetting, PASSWORD_LOGIN)
    return row is None or row.value != "off"


def set_password_login(session: Session, *, actor: User | None, enabled: bool) -> bool:
    """Offer the password form or not. True if it changed."""
    require_admin(actor)
    if not enabled and not sso_configured():
        raise InvalidInput(N_("passwords are the only way to sign in here; set up single sign-on first"))
    before = password_login_enabled(session)
    row = session.get(SiteSetting, PASSWORD_LOGIN) or SiteSetting(key=PASSWORD_LOGIN, value="on")
    row.value = "on" if enabled else "off"
    row.updated_at = utcnow()
    row.updated_by_id = actor.id if actor is not None else None
    session.add(row)
    session.flush()
    if before == enabled:
        return False
    record(session, actor=actor if actor is not None else "operator", action="settings.password_login_changed",
           entity="site_setting", entity_id=PASSWORD_LOGIN, before={"enabled": before}, after={"enabled": enabled})
    return True
