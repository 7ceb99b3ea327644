"""The incident record: report, read, correct, list, recipients. Services flush; callers commit."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from incidents import events
from incidents.audit import service as audit_trail
from incidents.audit.models import AuditEventPublic
from incidents.audit.erasure import erase_person
from incidents.audit.service import record
from incidents.cases.models import Attachment, Incident, IncidentStatus, Recipient
from incidents.cases.queries import IncidentFilter, apply_filter
from incidents.cases.record import ALL, IncidentRecord, RecipientRecord, as_given, facts, record_of
from incidents.cases.schemas import (
    AttachmentOut,
    IncidentCreate,
    IncidentPublic,
    IncidentSummary,
    IncidentUpdate,
    MessageOut,
    Page,
    RecipientIn,
    RecipientOut,
    RecipientsAdded,
    RecipientUpdate,
)
from incidents.config import get_settings
from incidents.db import bulk_insert
from incidents.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound, TooLarge
from incidents.cases.access import can_manage, incident_scope, require_incident_reader, visible_incident
from incidents.people.models import Department, User
from incidents.types import utcnow

FACT_FIELDS = ("title", "mistake_type", "discovery_method", "sent_at", "discovered_at", "data_items",
               "affected_persons", "protection", "key_exposed", "improper_purpose", "jurisdictions")


def _offset_min(value: datetime) -> int:
    off = value.utcoffset() or timedelta(0)
    return int(off.total_seconds() // 60)


def _set_time(incident: Incident, name: str, value: datetime) -> None:
    setattr(incident, name, value.astimezone(timezone.utc))
    setattr(incident, f"{name}_offset_min", _offset_min(value))


# ---- reading -----------------------------------------------------------------------------------


def get(session: Session, *, actor: User, incident_id: int) -> Incident:
    return visible_incident(session, actor, incident_id)


def timeline(session: Session, *, actor: User, incident_id: int) -> list[AuditEventPublic]:
    """Who did what, when, to an incident the actor may see."""
    visible_incident(session, actor, incident_id)
    return audit_trail.timeline(session, incident_id=incident_id)


def recipients_of(session: Session, incident_id: int) -> list[Recipient]:
    return list(session.execute(
        select(Recipient).where(Recipient.incident_id == incident_id).order_by(Recipient.position, Recipient.id)
    ).scalars())


def _recipient_out(r: Recipient | RecipientRecord) -> RecipientOut:
    return RecipientOut(id=r.id, address=r.address, name=r.name, organization=r.organization,
                        field=r.field, kind=r.kind)


def to_summary(incident: Incident, reporter_email: str, department: str) -> IncidentSummary:
    tz = get_settings().tz
    return IncidentSummary(
        id=incident.id, title=incident.title, mistake_type=incident.mistake_type,
        discovery_method=incident.discovery_method,
        sent_at=as_given(incident.sent_at, incident.sent_at_offset_min),
        discovered_at=as_given(incident.discovered_at, incident.discovered_at_offset_min),
        reported_at=incident.reported_at.astimezone(tz), affected_persons=incident.affected_persons,
        status=incident.status, reporter=reporter_email, department=department,
        recipients_count=incident.recipients_count,
    )


def public(rec: IncidentRecord) -> IncidentPublic:
    """The JSON contract of one incident (with the recipients the record holds)."""
    m = rec.message
    return IncidentPublic(
        id=rec.id, title=rec.title, mistake_type=rec.mistake_type, discovery_method=rec.discovery_method,
        sent_at=rec.sent_at, discovered_at=rec.discovered_at, reported_at=rec.reported_at_local,
        affected_persons=rec.affected_persons, status=rec.status, reporter=rec.reporter.email,
        department=rec.department.name, recipients_count=rec.counts.total,
        message=MessageOut(subject=m.subject, sender=m.sender, summary=m.summary,
                           attachments=[AttachmentOut(filename=a.filename, size_bytes=a.size_bytes, sha256=a.sha256,
                                                      content_type=a.content_type) for a in m.attachments]),
        recipients=[_recipient_out(r) for r in rec.recipients], data_items=list(rec.data_items),
        protection=rec.protection, key_exposed=rec.key_exposed, improper_purpose=rec.improper_purpose,
        jurisdictions=list(rec.jurisdictions), reporter_name=rec.reporter.display_name, updated_at=rec.updated_at,
        closed_at=rec.closed_at,
    )


def to_public(session: Session, incident: Incident, *, with_recipients: bool = True) -> IncidentPublic:
    """The JSON contract of an incident the caller already holds (access checked)."""
    return public(record_of(session, incident, recipients=ALL if with_recipients else 0))


def facts_of(session: Session, incident: Incident) -> dict[str, Any]:
    """The facts as plain data (for audit before/after)."""
    return facts(record_of(session, incident))


# ---- writing -----------------------------------------------------------------------------------


def _check_limit(n: int) -> None:
    limit = get_settings().max_recipients_per_request
    if n > limit:
        raise TooLarge(f"{n} recipients in one request; the limit is {limit}")


def _write_attachments(session: Session, incident_id: int, attachments: list) -> None:
    rows = [{"incident_id": incident_id, "position": i, **a.model_dump()} for i, a in enumerate(attachments)]
    bulk_insert(session, Attachment.__table__, rows)


def report(session: Session, *, actor: User, data: IncidentCreate) -> Incident:
    """File a new incident as the acting user; its reporter and department come from the actor."""
    require_incident_reader(actor)
    _check_limit(len(data.recipients))
    now = utcnow()
    incident = Incident(
        title=data.title, mistake_type=data.mistake_type, discovery_method=data.discovery_method,
        sent_at=now, discovered_at=now, reported_at=now, updated_at=now,
        subject=data.message.subject, sender=data.message.sender or "", summary=data.message.summary,
        data_items=list(data.data_items), affected_persons=data.affected_persons, protection=data.protection,
        key_exposed=data.key_exposed, improper_purpose=data.improper_purpose,
        jurisdictions=list(data.jurisdictions), status=IncidentStatus.open,
        reporter_id=actor.id, department_id=actor.department_id,
    )
    _set_time(incident, "sent_at", data.sent_at)
    _set_time(incident, "discovered_at", data.discovered_at)
    session.add(incident)
    session.flush()
    _write_attachments(session, incident.id, data.message.attachments)
    added, skipped = _insert_recipients(session, incident, data.recipients)
    record(session, actor=actor, action="incident.reported", incident_id=incident.id, entity="incident",
           entity_id=incident.id, after={**facts_of(session, incident), "recipients": _digest(data.recipients),
                                         "skipped_duplicates": skipped})
    events.publish("incident.created", session=session, incident=incident, actor=actor)
    return incident


def _open_for_changes(session: Session, actor: User, incident_id: int) -> Incident:
    """The incident, locked for a change of its facts: a closed record is final until it is reopened."""
    incident = visible_incident(session, actor, incident_id, for_update=True)
    if incident.status == IncidentStatus.closed:
        raise InvalidTransition("incident %(id)s is closed: its facts cannot change unless it is reopened",
                                id=incident_id)
    return incident


def update(session: Session, *, actor: User, incident_id: int, data: IncidentUpdate) -> Incident:
    """Correct facts. Only the fields given change; the audit event holds each field before and after."""
    incident = _open_for_changes(session, actor, incident_id)
    given = data.model_dump(exclude_unset=True)
    if not given:
        raise InvalidInput("nothing to change")
    before_all = facts_of(session, incident)
    sent = data.sent_at or as_given(incident.sent_at, incident.sent_at_offset_min)
    discovered = data.discovered_at or as_given(incident.discovered_at, incident.discovered_at_offset_min)
    if discovered < sent:
        raise InvalidInput("discovered_at must not be before sent_at")
    for name, value in given.items():
        if value is None:
            raise InvalidInput(f"{name} cannot be empty")
        if name in ("sent_at", "discovered_at"):
            _set_time(incident, name, getattr(data, name))
        elif name == "message":
            msg = data.message
            incident.subject, incident.sender, incident.summary = msg.subject, msg.sender or "", msg.summary
            if "attachments" in msg.model_fields_set:
                session.execute(delete(Attachment).where(Attachment.incident_id == incident.id))
                session.flush()
                _write_attachments(session, incident.id, msg.attachments)
        else:
            setattr(incident, name, list(value) if isinstance(value, list) else value)
    after_all = facts_of(session, incident)
    changed = [k for k in after_all if after_all[k] != before_all[k]]
    if not changed:
        return incident
    incident.updated_at = utcnow()
    session.add(incident)
    session.flush()
    record(session, actor=actor, action="incident.corrected", incident_id=incident.id, entity="incident",
           entity_id=incident.id, before={k: before_all[k] for k in changed},
           after={k: after_all[k] for k in changed})
    events.publish("incident.updated", session=session, incident=incident, actor=actor, changed=changed)
    return incident


def set_status(session: Session, *, actor: User, incident_id: int, status: str, reason: str = "") -> Incident:
    """Close or reopen. Other domains may veto closing (e.g. open steps) by raising in "incident.closing"."""
    incident = visible_incident(session, actor, incident_id, for_update=True)
    if status not in (IncidentStatus.open, IncidentStatus.closed):
        raise InvalidInput(f"unknown status {status!r}")
    if incident.status == status:
        raise Conflict(f"incident {incident_id} is already {status}")
    if not can_manage(session, actor, incident):
        raise Forbidden("only the manager of the department or a privacy officer may close or reopen an incident")
    if status == IncidentStatus.closed:
        events.publish("incident.closing", session=session, incident=incident, actor=actor)
    before = incident.status
    incident.status = status
    incident.closed_at = utcnow() if status == IncidentStatus.closed else None
    incident.updated_at = utcnow()
    session.add(incident)
    session.flush()
    record(session, actor=actor, action=f"incident.{'closed' if status == 'closed' else 'reopened'}",
           incident_id=incident.id, entity="incident", entity_id=incident.id,
           before={"status": before}, after={"status": status, "reason": reason or None})
    events.publish(f"incident.{status}", session=session, incident=incident, actor=actor)
    return incident


def list_incidents(session: Session, *, actor: User, filters: IncidentFilter, page: int = 1,
                   per_page: int = 50) -> Page[IncidentSummary]:
    scope = incident_scope(session, actor)
    per_page = max(1, min(per_page, get_settings().max_page_size))
    page = max(1, page)
    base = apply_filter(session, select(Incident.id), filters)
    if scope is not None:
        base = base.where(scope)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    q = (
        apply_filter(session, select(Incident, User.email, Department.name), filters)
        .join(User, User.id == Incident.reporter_id)
        .join(Department, Department.id == Incident.department_id)
        .order_by(Incident.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    if scope is not None:
        q = q.where(scope)
    items = [to_summary(i, email, dept) for i, email, dept in session.execute(q).all()]
    return Page[IncidentSummary](items=items, total=total, page=page, per_page=per_page,
                                 pages=max(1, math.ceil(total / per_page)))


# ---- recipients --------------------------------------------------------------------------------


def _digest(recipients: list[RecipientIn]) -> dict[str, Any]:
    h = hashlib.sha256()
    for r in recipients:
        h.update(f"{r.address}\t{r.field}\t{r.kind}\n".encode())
    return {"count": len(recipients), "sha256": h.hexdigest(), "first": [r.address for r in recipients[:10]]}


def _insert_recipients(session: Session, incident: Incident, recipients: list[RecipientIn]) -> tuple[int, int]:
    existing = set(session.execute(
        select(func.lower(Recipient.address), Recipient.kind).where(Recipient.incident_id == incident.id)
    ).all())
    start = session.execute(
        select(func.coalesce(func.max(Recipient.position), -1)).where(Recipient.incident_id == incident.id)
    ).scalar_one() + 1
    now = utcnow()
    rows, skipped = [], 0
    for r in recipients:
        key = (r.address.lower(), r.kind)
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        rows.append({"incident_id": incident.id, "position": start + len(rows), "address": r.address,
                     "name": r.name, "organization": r.organization, "field": r.field, "kind": r.kind,
                     "created_at": now})
    bulk_insert(session, Recipient.__table__, rows)  # thousands of rows without building ORM objects
    incident.recipients_count += len(rows)
    session.add(incident)
    session.flush()
    return len(rows), skipped


def add_recipients(session: Session, *, actor: User, incident_id: int,
                   recipients: list[RecipientIn]) -> RecipientsAdded:
    """Add recipients in bulk (a JSON list or a parsed CSV); duplicates of the same kind are skipped."""
    _check_limit(len(recipients))
    if not recipients:
        raise InvalidInput("no recipients given")
    incident = _open_for_changes(session, actor, incident_id)
    added, skipped = _insert_recipients(session, incident, recipients)
    incident.updated_at = utcnow()
    record(session, actor=actor, action="recipients.added", incident_id=incident.id, entity="incident",
           entity_id=incident.id, after={**_digest(recipients), "added": added, "skipped_duplicates": skipped})
    events.publish("recipients.added", session=session, incident=incident, actor=actor, added=added)
    return RecipientsAdded(added=added, skipped_duplicates=skipped, recipients_count=incident.recipients_count)


def list_recipients(session: Session, *, actor: User, incident_id: int, page: int = 1, per_page: int = 100,
                    kind: str | None = None, field: str | None = None, q: str | None = None) -> Page[RecipientOut]:
    visible_incident(session, actor, incident_id)
    per_page = max(1, min(per_page, get_settings().max_page_size))
    page = max(1, page)
    cond = [Recipient.incident_id == incident_id]
    if kind:
        cond.append(Recipient.kind == kind)
    if field:
        cond.append(Recipient.field == field)
    if q:
        like = f"%{q.lower()}%"
        cond.append(or_(func.lower(Recipient.address).like(like), func.lower(Recipient.name).like(like),
                        func.lower(Recipient.organization).like(like)))
    total = session.execute(select(func.count()).select_from(Recipient).where(*cond)).scalar_one()
    rows = session.execute(select(Recipient).where(*cond).order_by(Recipient.position, Recipient.id)
                           .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page[RecipientOut](items=[_recipient_out(r) for r in rows], total=total, page=page,
                              per_page=per_page, pages=max(1, math.ceil(total / per_page)))


def recipient(session: Session, *, actor: User, incident_id: int, address: str) -> Recipient:
    """One recipient of a visible incident, by address (case-insensitive)."""
    visible_incident(session, actor, incident_id)
    row = session.execute(select(Recipient).where(
        Recipient.incident_id == incident_id, func.lower(Recipient.address) == address.strip().lower()
    ).order_by(Recipient.id)).scalars().first()
    if row is None:
        raise NotFound(f"{address} is not a recipient of incident {incident_id}")
    return row


def update_recipient(session: Session, *, actor: User, incident_id: int, recipient_id: int,
                     data: RecipientUpdate) -> RecipientOut:
    incident = _open_for_changes(session, actor, incident_id)
    row = session.get(Recipient, recipient_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(f"recipient {recipient_id} not found")
    given = data.model_dump(exclude_unset=True)
    before = {k: getattr(row, k) for k in given}
    for k, v in given.items():
        if v is None and k in ("address", "field", "kind"):
            raise InvalidInput(f"{k} cannot be empty")
        setattr(row, k, v)
    session.add(row)
    session.flush()
    record(session, actor=actor, action="recipient.corrected", incident_id=incident.id, entity="recipient",
           entity_id=row.id, before=before, after=given)
    events.publish("incident.updated", session=session, incident=incident, actor=actor, changed=["recipients"])
    return _recipient_out(row)


def remove_recipient(session: Session, *, actor: User, incident_id: int, recipient_id: int) -> None:
    incident = _open_for_changes(session, actor, incident_id)
    row = session.get(Recipient, recipient_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(f"recipient {recipient_id} not found")
    before = _recipient_out(row).model_dump()
    events.publish("recipient.removing", session=session, incident=incident, actor=actor, recipient=row)
    session.delete(row)
    incident.recipients_count -= 1
    session.add(incident)
    session.flush()
    record(session, actor=actor, action="recipient.removed", incident_id=incident.id, entity="recipient",
           entity_id=recipient_id, before=before)
    events.publish("incident.updated", session=session, incident=incident, actor=actor, changed=["recipients"])
    # a removed recipient's address and name do not stay in the audit trail (nor in the events the removal
    # caused, such as their response steps): a keyed hash takes their place
    erase_person(session, actor=actor, incident_id=incident.id, address=before["address"], name=before.get("name"),
                 reason="recipient removed")
