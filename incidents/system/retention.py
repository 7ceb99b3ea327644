"""Data kept only as long as needed: retention (`incidents purge`) and erasure of one recipient's data.

- Retention: an incident closed more than INCIDENTS_RETENTION_YEARS years ago is deleted with everything that
  hangs on it (recipients, steps, documents and their PDFs, letter files on disk, notifications, analysis), its
  audit events keep their place in the chain but lose their content (the chain keeps their body hashes), and a
  tombstone stays: the incident's number, when it was reported, closed and purged, how many recipients it had.
- Erasure (a recipient asks for their data to be deleted): the recipient's address, name and organisation are
  replaced by a keyed hash, the letters addressed to them are deleted, and every audit event of the incident
  that carried the address or name carries the hash instead. Removing a recipient erases the same way.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlmodel import Session

from incidents.audit import service as audit
from incidents.audit.erasure import address_hash, erase_person
from incidents.audit.models import AuditEvent
from incidents.cases.models import Incident, IncidentStatus, Recipient
from incidents.config import get_settings
from incidents.documents.models import Document
from incidents.errors import InvalidInput, NotFound
from incidents.people.access import require_role
from incidents.people.models import User
from incidents.system.models import IncidentTombstone
from incidents.types import utcnow

ERASED = "[erased]"


class PurgeCandidate(BaseModel):
    incident_id: int
    reported_at: datetime
    closed_at: datetime
    recipients_count: int


class PurgeReport(BaseModel):
    retention_years: int
    cutoff: datetime | None
    dry_run: bool
    incidents: list[PurgeCandidate]
    deferred: list[int] = []  # SQLite reuses the highest id: the newest incident waits until a newer one exists
    files_removed: int = 0


class ErasureReport(BaseModel):
    incident_id: int
    recipient_id: int
    address_hash: str
    documents_removed: int
    audit_events_redacted: int


# ---- retention -------------------------------------------------------------------------------------------


def cutoff(now: datetime | None = None) -> datetime | None:
    years = get_settings().retention_years
    if years <= 0:
        return None
    now = now or utcnow()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def due(session: Session, *, now: datetime | None = None) -> list[PurgeCandidate]:
    limit = cutoff(now)
    if limit is None:
        return []
    rows = session.execute(select(Incident).where(
        Incident.status == IncidentStatus.closed, Incident.closed_at.is_not(None), Incident.closed_at < limit,
    ).order_by(Incident.id)).scalars().all()
    return [PurgeCandidate(incident_id=r.id, reported_at=r.reported_at, closed_at=r.closed_at,
                           recipients_count=r.recipients_count) for r in rows]


def _remove_letter_files(session: Session, incident_id: int) -> int:
    from incidents.documents.jobs import job_dir
    from incidents.jobs.models import Job

    removed = 0
    for job in session.execute(select(Job).where(Job.incident_id == incident_id)).scalars():
        folder = job_dir(job)
        if folder.exists():
            removed += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def _blank(value: Any) -> Any:
    return None if value is None else {"erased": "retention"}


def purge(session: Session, *, actor: Any = "operator", dry_run: bool = False,
          now: datetime | None = None) -> PurgeReport:
    """Delete every incident past its retention period (see the module's text); `dry_run` only lists them."""
    years = get_settings().retention_years
    if years <= 0:
        raise InvalidInput("no retention period is set: nothing is ever purged", code="no_retention")
    report = PurgeReport(retention_years=years, cutoff=cutoff(now), dry_run=dry_run, incidents=due(session, now=now))
    if session.get_bind().dialect.name == "sqlite":
        newest = session.execute(select(func.max(Incident.id))).scalar_one()
        report.deferred = [c.incident_id for c in report.incidents if c.incident_id == newest]
        report.incidents = [c for c in report.incidents if c.incident_id != newest]
    if dry_run:
        return report
    for c in report.incidents:
        report.files_removed += _remove_letter_files(session, c.incident_id)
        events = session.execute(select(AuditEvent).where(AuditEvent.incident_id == c.incident_id)
                                 .order_by(AuditEvent.seq)).scalars().all()
        audit.redact(session, actor=actor, events=events, replace=_blank, reason="retention",
                     incident_id=c.incident_id)
        session.execute(delete(Incident).where(Incident.id == c.incident_id))
        session.add(IncidentTombstone(incident_id=c.incident_id, reported_at=c.reported_at, closed_at=c.closed_at,
                                      purged_at=utcnow(), retention_years=years,
                                      recipients_count=c.recipients_count))
        session.flush()
        audit.record(session, actor=actor, action="incident.purged", incident_id=c.incident_id,
                     entity="incident", entity_id=c.incident_id,
                     after={"closed_at": c.closed_at, "retention_years": years,
                            "recipients_count": c.recipients_count})
    session.expunge_all()
    return report


def tombstones(session: Session) -> list[IncidentTombstone]:
    return list(session.execute(select(IncidentTombstone).order_by(IncidentTombstone.incident_id)).scalars())


# ---- erasure ---------------------------------------------------------------------------------------------


def erase_recipient(session: Session, *, actor: User | None, incident_id: int, recipient_id: int) -> ErasureReport:
    """A recipient's right to erasure: officers (or the operator) only, whether the incident is open or closed."""
    if actor is not None:
        require_role(actor, "officer")
    row = session.get(Recipient, recipient_id)
    if row is None or row.incident_id != incident_id or session.get(Incident, incident_id) is None:
        raise NotFound("recipient %(id)s not found", id=recipient_id)
    if row.address.startswith("h:"):
        raise InvalidInput("this recipient's data was already erased", code="already_erased")
    address, name, token = row.address, row.name, address_hash(row.address)
    docs = session.execute(delete(Document).where(
        Document.incident_id == incident_id, func.lower(Document.recipient_address) == address.lower()))
    row.address, row.name, row.organization = token, None, None
    session.add(row)
    from incidents.response.models import Step

    for step in session.execute(select(Step).where(
            Step.incident_id == incident_id, func.lower(Step.recipient_address) == address.lower())).scalars():
        step.key = step.key.replace(step.recipient_address, token)
        step.recipient_address = token
        session.add(step)
    _erase_confirmations(session, incident_id=incident_id, recipient_id=recipient_id, token=token)
    session.flush()
    redacted = erase_person(session, actor=actor or "operator", incident_id=incident_id, address=address,
                                name=name, reason="erasure")
    audit.record(session, actor=actor or "operator", action="recipient.erased", incident_id=incident_id,
                 entity="recipient", entity_id=recipient_id, after={"address_hash": token})
    return ErasureReport(incident_id=incident_id, recipient_id=recipient_id, address_hash=token,
                         documents_removed=docs.rowcount or 0, audit_events_redacted=redacted)


def _erase_confirmations(session: Session, *, incident_id: int, recipient_id: int, token: str) -> None:
    """What the online deletion confirmations hold about the reader: the address their request went to, and
    the name, organisation, message, network address and browser of their answers. The link stops working."""
    from incidents.confirmations.models import ConfirmationAnswer, ConfirmationToken, DeletionBounce, DeletionRequest

    requests = session.execute(select(DeletionRequest).where(
        DeletionRequest.incident_id == incident_id, DeletionRequest.recipient_id == recipient_id)).scalars().all()
    ids = [r.id for r in requests]
    for request in requests:
        request.address, request.subject, request.delivery_key = token, "", ""
        session.add(request)
    if not ids:
        return
    for answer in session.execute(select(ConfirmationAnswer).where(ConfirmationAnswer.request_id.in_(ids))).scalars():
        answer.name = answer.organization = answer.message = answer.remote_address = answer.user_agent = ""
        session.add(answer)
    for bounce in session.execute(select(DeletionBounce).where(DeletionBounce.request_id.in_(ids))).scalars():
        bounce.subject = bounce.summary = bounce.message_id = ""
        session.add(bounce)
    for link in session.execute(select(ConfirmationToken).where(ConfirmationToken.request_id.in_(ids))).scalars():
        link.revoked_at = link.revoked_at or utcnow()
        session.add(link)
