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
