"""The audit trail in words, for people: who (their name), what (the event's label in the reader's language),
what changed (each changed field by its label, before → after, values as labels and local times), when (the
organisation's zone). Filtered by kind of event, person and dates, and paged in the database.

Two readers: an incident's timeline (whoever may see the incident) and the organisation's whole trail
(privacy officers and administrators), which also shows whether the chain is intact (`audit verify`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit.labels import AUDIT_ACTIONS
from incidents.audit.models import AuditEvent
from incidents.cases.access import visible_incident
from incidents.cases.labels import FIELD_NAMES
from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.i18n import LabelTable, get_locale, label
from incidents.i18n import gettext as _
from incidents.people.access import require_role
from incidents.people.models import User

PER_PAGE = 50
MAX_LISTED = 5  # addresses named in an event about many recipients; the rest counted

# The fields events record, as a person calls them (incident facts are cases' FIELD_NAMES).
CHANGED_FIELDS = LabelTable("audit_field", {
    "status": "Status", "note": "Note", "reason": "Reason", "waive_reason": "Reason for waiving",
    "opened": "Opened", "request_sent_at": "Deletion requested", "confirmed_at": "Deletion confirmed",
    "phone_at": "Apology by phone", "written_at": "Apology in writing", "written_channel": "Written by",
    "channel": "Channel", "count": "Number", "confirmed": "Confirmed", "errors": "Lines not taken",
    "recipients": "Recipients", "added": "Added", "skipped_duplicates": "Duplicates skipped",
    "action": "What was done", "kind": "Kind", "lang": "Language", "recipient": "Recipient", "title": "Title",
    "due": "Due", "owner": "Owner", "description": "Description", "locale": "Language", "roles": "Roles",
    "display_name": "Name", "email": "Address", "domain": "Domain", "organization": "Organisation",
    "address": "Address", "name": "Name", "field": "Field", "step_id": "Step", "reference": "Reference",
    "text": "Text", "at": "Date", "to": "To", "created": "Created", "retired": "No longer needed",
    "reopened": "Reopened", "due_moved": "Deadlines moved", "ip": "IP address", "user_agent": "Browser",
    "method": "How", "department": "Department", "manager": "Manager", "sessions_ended": "Sessions ended",
    "confirmed_count": "Confirmed", "merge": "In one file", "output": "File", "exposure": "Exposure",
})
# Which label table says a field's codes (by field name).
VALUE_TABLES = {"action": "work_action", "opened": "opened", "written_channel": "apology_channel", "channel": "apology_channel",
                "mistake_type": "mistake_type", "discovery_method": "discovery_method", "protection": "protection",
                "data_items": "data_item", "jurisdictions": "jurisdiction", "field": "recipient_field",
                "lang": "locale", "locale": "locale", "roles": "role"}
STATUS_TABLES = {"response_step": "step_status", "incident": "incident_status", "countermeasure": "countermeasure_status",
                 "nearmiss_case": "publication_status", "obligation": "obligation_status"}
NOISE = {"key", "step_id", "keys"}  # internal keys: the subject already says which step
SYSTEM_ACTORS = LabelTable("audit_actor", {"system": "The system", "operator": "An operator (command line)",
                                           "scheduler": "The scheduler"})


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # an audit action, or a family ("deletion" for deletion.*)
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None
    incident_id: int | None = None

    @property
    def active(self) -> bool:
        return any((self.action, self.actor_id, self.since, self.until, self.incident_id))


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    seq: int
    at: datetime
    who: str
    what: str
    subject: str
    incident_id: int | None
    changes: list[Change] = field(default_factory=list)


@dataclass
class Trail:
    items: list[Entry]
    total: int
    page: int
    pages: int
    actions: list[tuple[str, str]]  # (action, label) present, for the filter
    people: list[tuple[int, str]]  # (user id, name) present, for the filter


def _bounds(f: AuditFilter) -> list:
    tz = get_settings().tz
    conds = []
    if f.action:
        conds.append(AuditEvent.action == f.action if "." in f.action else AuditEvent.action.like(f"{f.action}.%"))
    if f.actor_id:
        conds.append(AuditEvent.actor_id == f.actor_id)
    if f.since:
        conds.append(AuditEvent.at >= datetime.combine(f.since, time(), tz))
    if f.until:
        conds.append(AuditEvent.at < datetime.combine(f.until + timedelta(days=1), time(), tz))
    if f.incident_id:
        conds.append(AuditEvent.incident_id == f.incident_id)
    return conds


def _trail(session: Session, scope: list, f: AuditFilter, page: int, per_page: int) -> Trail:
    if f.since and f.until and f.since > f.until:
        raise InvalidInput("the first day comes after the last day", field="since")
    conds = [*scope, *_bounds(f)]
    total = session.execute(select(func.count()).select_from(AuditEvent).where(*conds)).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id).where(*conds)
        .order_by(AuditEvent.seq.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    actions = sorted({a for (a,) in session.execute(select(AuditEvent.action).where(*scope).distinct())})
    people = session.execute(
        select(User.id, User.display_name).where(User.id.in_(
            select(AuditEvent.actor_id).where(*scope, AuditEvent.actor_id.is_not(None)).distinct()))
        .order_by(User.display_name)).all()
    return Trail(items=[describe(ev, name) for ev, name in rows], total=total, page=page, pages=pages,
                 actions=[(a, AUDIT_ACTIONS.label(a)) for a in actions], people=[(i, n) for i, n in people])


def incident_timeline(session: Session, *, actor: User, incident_id: int, filters: AuditFilter | None = None,
                      page: int = 1, per_page: int = PER_PAGE) -> Trail:
    """The incident's events, newest first, for someone who may see the incident."""
    visible_incident(session, actor, incident_id)
    f = filters or AuditFilter()
    return _trail(session, [AuditEvent.incident_id == incident_id], f, page, per_page)


def organisation_trail(session: Session, *, actor: User, filters: AuditFilter | None = None, page: int = 1,
                       per_page: int = PER_PAGE) -> Trail:
    """Every event of the organisation, newest first: privacy officers and administrators only."""
    require_role(actor, "officer", "admin")
    return _trail(session, [], filters or AuditFilter(), page, per_page)


# ---- one event in words ------------------------------------------------------------------------------

def who(actor: str, name: str | None) -> str:
    if name:
        return name
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS.label(actor)
    return actor


def _local(value: datetime) -> str:
    local = value.astimezone(get_settings().tz)
    if get_locale() == "ja":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return local.strftime("%d %b %Y %H:%M")


def value_text(name: str, value: Any, entity: str | None = None) -> str:
    """A recorded value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "status" and entity in STATUS_TABLES:
        return label(STATUS_TABLES[entity], value)
    table = VALUE_TABLES.get(name)
    if isinstance(value, list):
        if name == "recipients" and value and isinstance(value[0], str):
            shown = ", ".join(value[:MAX_LISTED])
            more = len(value) - MAX_LISTED
            count = f"{more:,}"
            return shown + (" " + _("and %(n)s more", n=count) if more > 0 else "")
        if table:
            return ("、" if get_locale() == "ja" else ", ").join(label(table, v) for v in value)
        return f"{len(value):,}"  # a list of internal codes: how many
    if isinstance(value, dict):
        return f"{len(value):,}"
    if table:
        return label(table, value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return _local(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def field_label(name: str) -> str:
    if name in FIELD_NAMES:
        return FIELD_NAMES.label(name)
    return CHANGED_FIELDS.label(name)


def changes(ev: AuditEvent) -> list[Change]:
    before = ev.before if isinstance(ev.before, dict) else {}
    after = ev.after if isinstance(ev.after, dict) else {}
    out = []
    for name in list(before) + [k for k in after if k not in before]:
        if name in NOISE:
            continue
        old, new = before.get(name), after.get(name)
        if old == new or (isinstance(new, dict) and not before):
            continue
        out.append(Change(field=field_label(name), before=value_text(name, old, ev.entity) if name in before else "",
                          after=value_text(name, new, ev.entity) if name in after else "—"))
    return out


def _subject(ev: AuditEvent) -> str:
    after = ev.after if isinstance(ev.after, dict) else {}
    key = after.get("key")
    if ev.entity == "response_step" and isinstance(key, str):
        from incidents.response.service import step_titles

        kind, _sep, recipient = key.partition(":")
        ja, en = step_titles(kind, recipient or None)
        return ja if get_locale() == "ja" else en
    return ""


def describe(ev: AuditEvent, actor_name: str | None = None) -> Entry:
    if ev.action in ("incident.reported",):
        found: list[Change] = []  # the whole first record: its facts are on the page itself
    else:
        found = changes(ev)
    return Entry(seq=ev.seq, at=ev.at, who=who(ev.actor, actor_name), what=AUDIT_ACTIONS.label(ev.action),
                 subject=_subject(ev), incident_id=ev.incident_id, changes=found)
