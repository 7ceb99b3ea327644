"""Reminders: those who have not answered N days after the request get the same personal link again
(at most M times; INCIDENTS_CONFIRM_REMINDER_DAYS, INCIDENTS_CONFIRM_REMINDERS_MAX). Run by the scheduler;
each reminder is one outbox delivery under its own key, so two schedulers never send it twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.models import Incident, IncidentStatus, Recipient
from incidents.config import get_settings
from incidents.confirmations import tokens
from incidents.confirmations.mails import MailFacts, compose
from incidents.confirmations.models import ConfirmationToken, DeletionRequest, RequestStatus
from incidents.confirmations.service import _delivery, delivery_key, link_for
from incidents.notify.service import insert_rows
from incidents.response.models import Step
from incidents.types import utcnow


def _confirmed():
    """A confirmation recorded on the step, online or from paper (CSV import, typed in)."""
    return (select(Step.id).where(Step.incident_id == DeletionRequest.incident_id, Step.kind == "deletion",
                                  Step.recipient_address == DeletionRequest.address, Step.confirmed_at.is_not(None))
            .exists())


def due(session: Session, *, now: datetime, limit: int = 500) -> list[int]:
    q = (select(DeletionRequest.id)
         .join(ConfirmationToken, ConfirmationToken.request_id == DeletionRequest.id)
         .join(Incident, Incident.id == DeletionRequest.incident_id)
         .where(DeletionRequest.next_reminder_at <= now, DeletionRequest.answered_at.is_(None),
                DeletionRequest.bounced_at.is_(None), ConfirmationToken.revoked_at.is_(None),
                Incident.status == IncidentStatus.open, ~_confirmed())
         .order_by(DeletionRequest.next_reminder_at, DeletionRequest.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=DeletionRequest)
    return list(session.execute(q).scalars())


def send_due(session: Session, *, now: datetime | None = None, limit: int = 500) -> int:
    """Queue the reminders that are due (the caller commits)."""
    settings = get_settings()
    now = now or utcnow()
    ids = due(session, now=now, limit=limit)
    if not ids:
        return 0
    rows = session.execute(
        select(DeletionRequest, ConfirmationToken, Recipient, Incident)
        .join(ConfirmationToken, ConfirmationToken.request_id == DeletionRequest.id)
        .join(Recipient, Recipient.id == DeletionRequest.recipient_id)
        .join(Incident, Incident.id == DeletionRequest.incident_id)
        .where(DeletionRequest.id.in_(ids))).all()
    deliveries, per_incident = [], {}
    expires = now + timedelta(days=settings.confirm_link_days)
    for request, token_row, recipient, incident in rows:
        n = request.reminders + 1
        token = tokens.token_for(request.id, token_row.nonce)
        facts = MailFacts(name=recipient.name, organization=recipient.organization, address=recipient.address,
                          reference=request.reference, link=link_for(token), mail_subject=incident.subject,
                          mail_sent_at=incident.sent_at, expires_at=max(expires, token_row.expires_at))
        subject, body = compose(facts, lang=request.lang, reminder=n)
        key = delivery_key(request.id, n)
        deliveries.append(_delivery(key, incident.id, recipient, subject, body, now))
        token_row.expires_at = max(expires, token_row.expires_at)
        request.reminders, request.delivery_key, request.last_mailed_at = n, key, now
        request.status = RequestStatus.queued
        request.next_reminder_at = (now + timedelta(days=settings.confirm_reminder_days)
                                    if n < settings.confirm_reminders_max else None)
        session.add_all([token_row, request])
        per_incident[incident.id] = per_incident.get(incident.id, 0) + 1
    session.flush()
    insert_rows(session, [], deliveries)
    for incident_id, count in per_incident.items():
        record(session, actor=None, action="deletion.reminders_mailed", incident_id=incident_id,
               entity="deletion_requests", entity_id=incident_id, after={"count": count})
    return len(deliveries)


def still_relevant(session: Session, delivery) -> bool:
    """The outbox asks before sending: not to someone who answered meanwhile, nor with a revoked link."""
    try:
        request_id = int(delivery.dedupe_key.split(":")[1])
    except (IndexError, ValueError):
        return True
    row = session.execute(select(DeletionRequest.answered_at, ConfirmationToken.revoked_at, _confirmed())
                          .join(ConfirmationToken, ConfirmationToken.request_id == DeletionRequest.id)
                          .where(DeletionRequest.id == request_id)).first()
    if row is None:
        return False
    answered, revoked, confirmed = row
    return revoked is None and answered is None and not confirmed
