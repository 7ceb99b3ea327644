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


_FEED_SALT = "incidents.calendar-feed"


def _serializer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(get_settings().resolved_secret_key(), salt=_FEED_SALT)


def feed_token(user: User) -> str:
    """A secret, signed token for calendar clients that cannot send a login (subscribe by URL).
    It stops working when the user is deactivated or changes their password."""
    return _serializer().dumps({"u": user.id, "v": (user.password_hash or "")[-16:]})


def user_for_feed(session: Session, token: str) -> User:
    from itsdangerous import BadSignature

    from incidents.errors import NotFound

    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise NotFound("no such calendar feed") from None
    user = session.get(User, data.get("u"))
    if user is None or not user.active or (user.password_hash or "")[-16:] != data.get("v"):
        raise NotFound("no such calendar feed")
    return user
