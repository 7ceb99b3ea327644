"""Calendar feeds of open deadlines (one incident, or all the actor may see)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session

from incidents.config import get_settings
from incidents.people.models import User
from incidents.response.calendar import Deadline, feed
from incidents.response.service import open_deadlines, step_titles
from incidents.types import utcnow


def calendar_for(session: Session, *, actor: User, incident_id: int | None = None) -> bytes:
    settings = get_settings()
    host = urlsplit(settings.base_url).hostname or "incidents"
    base = settings.base_url.rstrip("/")
    ja = actor.locale == "ja"
    items = []
    for step, incident in open_deadlines(session, actor=actor, incident_id=incident_id):
        title_ja, title_en = step_titles(step.kind, step.recipient_address)
        items.append(Deadline(
            uid=f"incident-{incident.id}-step-{step.id}@{host}", incident_id=incident.id,
            title=f"#{incident.id} {title_ja if ja else title_en}", due_at=step.due_at,
            description=f"{incident.title}\n{'担当' if ja else 'Role'}: {step.role}",
            url=f"{base}/incidents/{incident.id}",
        ))
    name = (f"インシデント #{incident_id} の期限" if ja else f"Incident #{incident_id} deadlines") if incident_id \
        else ("インシデント対応の期限" if ja else "Incident response deadlines")
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
