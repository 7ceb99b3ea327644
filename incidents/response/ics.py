"""Calendar feeds of open deadlines (one incident, or all the actor may see)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session

from incidents.config import get_settings
from incidents.people.models import User
from incidents.response.calendar import Deadline, feed
from incidents.i18n import translate
from incidents.response.labels import STEP_ROLES, step_title
from incidents.response.service import open_deadlines
from incidents.types import utcnow


def calendar_for(session: Session, *, actor: User, incident_id: int | None = None) -> bytes:
    settings = get_settings()
    host = urlsplit(settings.base_url).hostname or "incidents"
    base = settings.base_url.rstrip("/")
    loc = actor.locale
    items = []
    for step, incident in open_deadlines(session, actor=actor, incident_id=incident_id):
        items.append(Deadline(
            uid=f"incident-{incident.id}-step-{step.id}@{host}", incident_id=incident.id,
            title=f"#{incident.id} {step_title(step.kind, step.recipient_address, loc)}", due_at=step.due_at,
            description=incident.title + "\n" + translate("Who acts: %(role)s", loc,
                                                          role=STEP_ROLES.label(step.role, loc)),
            url=f"{base}/incidents/{incident.id}",
        ))
    name = translate("Incident #%(id)s deadlines", loc, id=incident_id) if incident_id \
        else translate("Incident response deadlines", loc)
    return feed(items, name=name, now=utcnow())


def _mac(feed_key: str) -> str:
    import base64
    import hashlib
    import hmac

    digest = hmac.new(get_settings().resolved_secret_key().encode(), b"calendar-feed:" + feed_key.encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def feed_token(user: User) -> str:
    """A secret token for calendar clients that cannot send a login (subscribe by URL): the person's random feed
    handle and a MAC keyed with the service's secret. It names no one and carries nothing of the password; it
    changes when the person's password changes or they are deactivated."""
    return f"{user.feed_key}.{_mac(user.feed_key)}"


def user_for_feed(session: Session, token: str) -> User:
    import hmac

    from sqlalchemy import select

    from incidents.errors import NotFound

    key, _, mac = token.partition(".")
    if not key or not mac or len(token) > 200 or not hmac.compare_digest(mac, _mac(key)):
        raise NotFound("no such calendar feed")
    user = session.execute(select(User).where(User.feed_key == key)).scalar_one_or_none()
    if user is None or not user.active:
        raise NotFound("no such calendar feed")
    return user
