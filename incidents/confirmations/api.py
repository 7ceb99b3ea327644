"""Deletion requests by mail over HTTP: preview, send, progress, revoke, bounces. No rules here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from incidents.api_deps import CurrentUser, SessionDep
from incidents.confirmations import bounces, service
from incidents.confirmations import progress as progress_service
from incidents.errors import TooLarge

router = APIRouter(tags=["deletion confirmations"])


class RequestsIn(BaseModel):
    recipient: str | None = Field(default=None, max_length=320, description="One wrong recipient's address")
    all: bool = Field(default=False, description="Every wrong recipient not yet asked")
    lang: str | None = Field(default=None, pattern="^(ja|en)$", description="Force a language (default: the reader's)")


class PlanOut(BaseModel):
    count: int
    languages: dict[str, int]
    sample_address: str
    sample_subject: str
    sample_body: str


class SentOut(BaseModel):
    sending_id: int
    queued: int


class ProgressOut(BaseModel):
    wrong: int
    requested: int
    queued: int
    delivered: int
    bounced: int
    failed: int
    auto_replies: int
    reminders: int
    confirmed: int
    confirmed_no: int
    confirmed_yes: int
    confirmed_unknown: int
    not_answered: int
    not_a_leak: bool
    meaning: str


class RevokeIn(BaseModel):
    recipient: str = Field(max_length=320)


class RevokedOut(BaseModel):
    revoked: int


class BounceOut(BaseModel):
    kind: str
    request_id: int | None
    matched_by: str
    subject: str
    summary: str


@router.post("/incidents/{incident_id}/deletion-requests/preview", response_model=PlanOut)
def preview(incident_id: int, body: RequestsIn, session: SessionDep, user: CurrentUser):
    plan = service.preview(session, actor=user, incident_id=incident_id, address=body.recipient, everyone=body.all,
                           lang=body.lang)
    return PlanOut(**plan.__dict__)


@router.post("/incidents/{incident_id}/deletion-requests", response_model=SentOut, status_code=201)
def send(incident_id: int, body: RequestsIn, session: SessionDep, user: CurrentUser):
    result = service.send(session, actor=user, incident_id=incident_id, address=body.recipient, everyone=body.all,
                          lang=body.lang)
    return SentOut(sending_id=result.sending_id, queued=result.queued)


@router.get("/incidents/{incident_id}/deletion-requests/progress", response_model=ProgressOut)
def progress(incident_id: int, session: SessionDep, user: CurrentUser):
    p = progress_service.progress(session, actor=user, incident_id=incident_id)
    return ProgressOut(**p.__dict__, confirmed=p.confirmed, not_a_leak=p.not_a_leak, meaning=p.meaning())


@router.post("/incidents/{incident_id}/deletion-requests/revoke", response_model=RevokedOut)
def revoke(incident_id: int, body: RevokeIn, session: SessionDep, user: CurrentUser):
    return RevokedOut(revoked=service.revoke(session, actor=user, incident_id=incident_id, address=body.recipient))


@router.post("/incidents/{incident_id}/deletion-bounces", response_model=list[BounceOut])
async def upload_bounces(incident_id: int, session: SessionDep, user: CurrentUser,
                         files: Annotated[list[UploadFile], File(description="Bounces or automatic replies (.eml)")]):
    data = []
    for f in files[:bounces.MAX_MESSAGES + 1]:
        raw = await f.read(bounces.MAX_BYTES + 1)
        if len(raw) > bounces.MAX_BYTES:
            raise TooLarge("a message is larger than 5 MiB")
        data.append(raw)
    kept = bounces.record_messages(session, actor=user, incident_id=incident_id, messages=data)
    return [BounceOut(kind=m.kind, request_id=m.request_id, matched_by=m.matched_by, subject=m.subject,
                      summary=m.summary) for m in kept]
