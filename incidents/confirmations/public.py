"""What the reader of a deletion request does with their link, without an account: see what the link is
about (only what they already have), answer the 削除確認書's questions, correct an answer, fetch the
letter. An unknown, tampered, expired or revoked link is `None` everywhere: the page shows the same
neutral text for all of them.

    view = view_of(session, token, now=now)            # None → the neutral page
    answer(session, token=token, data=AnswerIn(...), remote_address=…, user_agent=…)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.models import Incident
from incidents.confirmations import tokens
from incidents.confirmations.mails import org_name
from incidents.confirmations.models import ConfirmationAnswer, DeletionRequest, RequestStatus
from incidents.errors import InvalidInput, NotFound
from incidents.response.models import Step, StepStatus
from incidents.response.playbook import step_key
from incidents.response.rules import Opened
from incidents.types import utcnow


@dataclass(frozen=True)
class PublicView:
    request_id: int
    lang: str
    reference: str
    organisation: str
    mail_subject: str
    mail_sent_at: datetime
    answered_at: datetime | None
    opened: str | None


def view_of(session: Session, token: str, *, now: datetime | None = None, lang: str | None = None) -> PublicView | None:
    request = tokens.valid_request(session, token, now=now or utcnow())
    if request is None:
        return None
    incident = session.get(Incident, request.incident_id)
    lang = lang or request.lang
    return PublicView(request_id=request.id, lang=request.lang, reference=request.reference,
                      organisation=org_name(lang), mail_subject=incident.subject, mail_sent_at=incident.sent_at,
                      answered_at=request.answered_at, opened=request.opened)


def _clean(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value.strip()


class AnswerIn(BaseModel):
    opened: str
    deleted_inbox: bool = False
    deleted_trash: bool = False
    deleted_files: bool = False
    deleted_printouts: bool = False
    not_forwarded: bool = False
    name: str = Field(min_length=1, max_length=200)
    organization: str = Field(default="", max_length=200)
    signed_on: date
    message: str = Field(default="", max_length=4000)

    @field_validator("opened")
    @classmethod
    def _opened(cls, v: str) -> str:
        if v not in Opened.__members__:
            raise ValueError("must be yes, no or unknown")
        return v

    @field_validator("name", "organization", "message", mode="before")
    @classmethod
    def _text(cls, v):
        return _clean(str(v or ""))


def answer(session: Session, *, token: str, data: AnswerIn, remote_address: str, user_agent: str,
           lang: str = "ja", now: datetime | None = None) -> ConfirmationAnswer:
    """Record the reader's confirmation on their deletion step, audit it, and recompute the legal
    assessment at once. A later answer replaces the earlier one (both stay in the audit trail)."""
    from incidents.response.service import sync_playbook

    now = now or utcnow()
    request = tokens.valid_request(session, token, now=now)
    if request is None:
        raise NotFound("no such confirmation link")
    step = session.execute(select(Step).where(Step.incident_id == request.incident_id,
                                              Step.key == step_key("deletion", request.address))).scalar_one_or_none()
    if step is None or step.status == StepStatus.not_applicable:
        raise InvalidInput("this recipient no longer needs to confirm a deletion")
    earlier = request.opened
    row = ConfirmationAnswer(request_id=request.id, incident_id=request.incident_id, lang=lang,
                             remote_address=(remote_address or "")[:64], user_agent=(user_agent or "")[:400],
                             created_at=now, **data.model_dump())
    session.add(row)
    correction = request.answered_at is not None
    session.execute(update(DeletionRequest).where(DeletionRequest.recipient_id == request.recipient_id,
                                                  DeletionRequest.incident_id == request.incident_id)
                    .values(status=RequestStatus.answered, answered_at=now, opened=data.opened,
                            next_reminder_at=None).execution_options(synchronize_session=False))
    before = {"opened": step.opened, "confirmed_at": step.confirmed_at, "status": step.status}
    step.opened, step.confirmed_at = data.opened, now
    if step.status == StepStatus.pending:
        step.status, step.done_at = StepStatus.done, now
    step.next_notify_at, step.updated_at = None, now
    session.add(step)
    session.flush()
    actor = f"reader:{request.reference}"
    record(session, actor=actor, action="deletion.corrected_online" if correction else "deletion.confirmed_online",
           incident_id=request.incident_id, entity="response_step", entity_id=step.id, before=before,
           after={"key": step.key, "reference": request.reference, "opened": data.opened, "earlier": earlier,
                  "answer_id": row.id, "remote_address": row.remote_address, "user_agent": row.user_agent,
                  "deleted": [k for k in ("deleted_inbox", "deleted_trash", "deleted_files", "deleted_printouts")
                              if getattr(data, k)], "not_forwarded": data.not_forwarded})
    sync_playbook(session, incident=session.get(Incident, request.incident_id), actor=actor, now=now)
    return row


def latest_answer(session: Session, request_id: int) -> ConfirmationAnswer | None:
    return session.execute(select(ConfirmationAnswer).where(ConfirmationAnswer.request_id == request_id)
                           .order_by(ConfirmationAnswer.id.desc()).limit(1)).scalar_one_or_none()


def letter(session: Session, token: str, *, now: datetime | None = None) -> tuple[str, bytes] | None:
    """The reader's letter of apology with the deletion form (PDF): rendered on first use and kept."""
    from incidents.documents import service as documents
    from incidents.documents.models import Document, DocumentContent
    from incidents.people.models import User

    request = tokens.valid_request(session, token, now=now or utcnow())
    if request is None:
        return None
    doc = session.execute(
        select(Document).where(Document.incident_id == request.incident_id, Document.kind == "apology_unintended",
                               Document.lang == request.lang,
                               func.lower(Document.recipient_address) == request.address)
        .order_by(Document.version.desc()).limit(1)).scalar_one_or_none()
    if doc is None:
        sender = session.get(User, request.created_by_id) if request.created_by_id else None
        if sender is None:
            return None
        doc = documents.generate(session, actor=sender, incident_id=request.incident_id, kind="apology_unintended",
                                 lang=request.lang, recipient=request.address)
    content = session.get(DocumentContent, doc.id)
    return f"{request.reference}.pdf", content.data
