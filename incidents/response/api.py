"""The response over HTTP: assessment, steps, decision, deletion, apology, bulk, calendar, overdue,
in-app notifications and the delivery log. Parse, call the service, shape the response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from incidents.config import get_settings
from incidents.api_deps import CurrentUser, SessionDep
from incidents.errors import InvalidInput
from incidents.notify import service as notify
from incidents.cases.access import visible_incident
from incidents.response import actions, service
from incidents.response.actions import BulkResult
from incidents.response.assessment import AssessmentWithObligations
from incidents.response.ics import calendar_for, feed_token, user_for_feed
from incidents.response.service import StepPublic
from incidents.types import MAX_INT

router = APIRouter(tags=["response"])
ICS = "text/calendar; charset=utf-8"


class NoteIn(BaseModel):
    note: str = Field(default="", max_length=4000)


class DecisionIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


class WaiveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class ConfirmIn(BaseModel):
    recipient: str = Field(max_length=320)
    opened: Literal["yes", "no", "unknown"]
    note: str = Field(default="", max_length=4000)


class RequestIn(BaseModel):
    recipient: str | None = Field(default=None, max_length=320)
    all: bool = False
    note: str = Field(default="", max_length=4000)


class ApologyIn(BaseModel):
    recipient: str = Field(max_length=320)
    channel: Literal["phone", "letter", "email"]
    note: str = Field(default="", max_length=4000)


class MarkSentIn(BaseModel):
    kind: Literal["deletion", "apology"]
    channel: Literal["letter", "email"] = "email"


class StepCounts(BaseModel):
    counts: dict[str, dict[str, int]]
    blocking: list[str]


class OverdueStep(StepPublic):
    incident_id: int
    incident_title: str


class NotificationOut(BaseModel):
    id: int
    event: str
    title: str
    body: str
    link: str | None
    incident_id: int | None
    created_at: datetime
    read_at: datetime | None


class DeliveryOut(BaseModel):
    id: int
    channel: str
    target: str
    event: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def _pub(step, user) -> StepPublic:
    return service.to_public(step, locale=user.locale)


@router.get("/incidents/{incident_id}/assessment", response_model=AssessmentWithObligations)
def get_assessment(incident_id: int, session: SessionDep, user: CurrentUser):
    return service.get_assessment(session, actor=user, incident_id=incident_id)


@router.get("/incidents/{incident_id}/steps", response_model=list[StepPublic])
def list_steps(incident_id: int, session: SessionDep, user: CurrentUser, kind: str | None = None,
               status: str | None = None, all: bool = False, limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
               offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0):
    rows = service.list_steps(session, actor=user, incident_id=incident_id, kind=kind, status=status,
                              include_not_applicable=all, limit=limit, offset=offset)
    return [_pub(s, user) for s in rows]


@router.get("/incidents/{incident_id}/steps/summary", response_model=StepCounts)
def step_summary(incident_id: int, session: SessionDep, user: CurrentUser):
    counts = service.step_counts(session, actor=user, incident_id=incident_id)
    return StepCounts(counts=counts, blocking=actions.blocking_steps(session, incident_id))


@router.post("/incidents/{incident_id}/steps/{key}/done", response_model=StepPublic)
def step_done(incident_id: int, key: str, body: NoteIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.complete_step(session, actor=user, incident_id=incident_id, key=key, note=body.note), user)


@router.post("/incidents/{incident_id}/steps/{key}/waive", response_model=StepPublic)
def step_waive(incident_id: int, key: str, body: WaiveIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.waive_step(session, actor=user, incident_id=incident_id, key=key, reason=body.reason), user)


@router.post("/incidents/{incident_id}/decision", response_model=StepPublic)
def decide(incident_id: int, body: DecisionIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.decide(session, actor=user, incident_id=incident_id, note=body.note), user)


@router.post("/incidents/{incident_id}/acknowledge", response_model=StepPublic)
def acknowledge(incident_id: int, body: NoteIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.acknowledge(session, actor=user, incident_id=incident_id, note=body.note), user)


@router.post("/incidents/{incident_id}/deletions/confirm", response_model=StepPublic)
def confirm_deletion(incident_id: int, body: ConfirmIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.confirm_deletion(session, actor=user, incident_id=incident_id, address=body.recipient,
                                         opened=body.opened, note=body.note), user)


@router.post("/incidents/{incident_id}/deletions/request", response_model=BulkResult)
def request_deletion(incident_id: int, body: RequestIn, session: SessionDep, user: CurrentUser):
    if bool(body.recipient) == body.all:
        raise InvalidInput("give either recipient or all=true")
    if body.all:
        return actions.mark_all_sent(session, actor=user, incident_id=incident_id, kind="deletion")
    actions.send_deletion_request(session, actor=user, incident_id=incident_id, address=body.recipient, note=body.note)
    return BulkResult(updated=1)


@router.post("/incidents/{incident_id}/deletions/import", response_model=BulkResult)
async def import_confirmations(incident_id: int, request: Request, session: SessionDep, user: CurrentUser):
    """Body: CSV text (text/csv) with the columns address, opened[, confirmed_at, note]."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the CSV must be UTF-8") from None
    return actions.import_confirmations(session, actor=user, incident_id=incident_id, csv_text=text)


@router.post("/incidents/{incident_id}/apologies", response_model=StepPublic)
def record_apology(incident_id: int, body: ApologyIn, session: SessionDep, user: CurrentUser):
    return _pub(actions.record_apology(session, actor=user, incident_id=incident_id, address=body.recipient,
                                       channel=body.channel, note=body.note), user)


@router.post("/incidents/{incident_id}/bulk/mark-sent", response_model=BulkResult)
def mark_all_sent(incident_id: int, body: MarkSentIn, session: SessionDep, user: CurrentUser):
    return actions.mark_all_sent(session, actor=user, incident_id=incident_id, kind=body.kind, channel=body.channel)


@router.get("/incidents/{incident_id}/calendar.ics", response_class=Response)
def incident_calendar(incident_id: int, session: SessionDep, user: CurrentUser):
    return Response(calendar_for(session, actor=user, incident_id=incident_id), media_type=ICS)


@router.get("/calendar.ics", response_class=Response)
def my_calendar(session: SessionDep, user: CurrentUser):
    return Response(calendar_for(session, actor=user), media_type=ICS)


@router.get("/calendar/feed-url")
def calendar_feed_url(request: Request, user: CurrentUser):
    """A URL to subscribe to in a calendar client (it carries a secret token: keep it private). Built from the
    configured base URL, never from the request's Host header (which the client chooses)."""
    path = request.app.url_path_for("calendar_feed", token=feed_token(user))
    return {"url": get_settings().base_url.rstrip("/") + path}


@router.get("/calendar/feed/{token}.ics", response_class=Response, name="calendar_feed")
def calendar_feed(token: str, session: SessionDep):
    return Response(calendar_for(session, actor=user_for_feed(session, token)), media_type=ICS)


@router.get("/overdue", response_model=list[OverdueStep])
def overdue(session: SessionDep, user: CurrentUser):
    return [OverdueStep(**_pub(s, user).model_dump(), incident_id=i.id, incident_title=i.title)
            for s, i in service.overdue(session, actor=user)]


@router.get("/notifications", response_model=list[NotificationOut])
def notifications(session: SessionDep, user: CurrentUser, unread: bool = False,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50):
    return [NotificationOut.model_validate(n, from_attributes=True)
            for n in notify.inbox(session, user_id=user.id, unread_only=unread, limit=limit)]


@router.post("/notifications/read")
def notifications_read(session: SessionDep, user: CurrentUser):
    return {"marked": notify.mark_read(session, user_id=user.id)}


@router.get("/incidents/{incident_id}/deliveries", response_model=list[DeliveryOut])
def deliveries(incident_id: int, session: SessionDep, user: CurrentUser, status: str | None = None):
    """The delivery log of the incident's notifications (failed ones stay visible here)."""
    visible_incident(session, user, incident_id)
    return [DeliveryOut.model_validate(d, from_attributes=True)
            for d in notify.deliveries(session, incident_id=incident_id, status=status)]
