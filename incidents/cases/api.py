"""The incident record over HTTP. Parse, call the service, shape the response: no rules here."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from incidents.api_deps import CurrentUser, SessionDep
from incidents.audit.models import AuditEventPublic
from incidents.cases import record, service
from incidents.cases.recipients_csv import parse_recipients_csv
from incidents.cases.queries import IncidentFilter
from incidents.cases.schemas import (
    IncidentCreate,
    IncidentPublic,
    IncidentSummary,
    IncidentUpdate,
    Page,
    RecipientIn,
    RecipientOut,
    RecipientsAdded,
    RecipientUpdate,
)
from incidents.errors import InvalidInput
from incidents.system import retention
from incidents.system.retention import ErasureReport

router = APIRouter(tags=["incidents"])
_recipient_list = TypeAdapter(list[RecipientIn])


class StatusChange(BaseModel):
    reason: str = Field(default="", max_length=2000)


@router.post("/incidents", response_model=IncidentPublic, status_code=201)
def report_incident(body: IncidentCreate, session: SessionDep, user: CurrentUser):
    incident = service.report(session, actor=user, data=body)
    return service.to_public(session, incident)


@router.get("/incidents", response_model=Page[IncidentSummary])
def list_incidents(
    session: SessionDep,
    user: CurrentUser,
    status: str | None = None,
    mistake_type: str | None = None,
    department: str | None = None,
    period: Annotated[str | None, Query(description="YYYY or YYYY-MM, on discovered_at")] = None,
    period_from: Annotated[str | None, Query(alias="from", description="ISO date/time, on discovered_at")] = None,
    period_to: Annotated[str | None, Query(alias="to", description="ISO date/time (a date is inclusive)")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
):
    f = IncidentFilter(status=status, mistake_type=mistake_type, department=department, period=period,
                       period_from=period_from, period_to=period_to, q=q)
    return service.list_incidents(session, actor=user, filters=f, page=page, per_page=per_page)


@router.get("/incidents/{incident_id}", response_model=IncidentPublic)
def read_incident(incident_id: int, session: SessionDep, user: CurrentUser, recipients: bool = True):
    rec = record.load(session, actor=user, incident_id=incident_id, recipients=record.ALL if recipients else 0)
    return service.public(rec)


@router.patch("/incidents/{incident_id}", response_model=IncidentPublic)
def correct_incident(incident_id: int, body: IncidentUpdate, session: SessionDep, user: CurrentUser):
    incident = service.update(session, actor=user, incident_id=incident_id, data=body)
    return service.to_public(session, incident)


@router.post("/incidents/{incident_id}/close", response_model=IncidentPublic)
def close_incident(incident_id: int, session: SessionDep, user: CurrentUser, body: StatusChange | None = None):
    incident = service.set_status(session, actor=user, incident_id=incident_id, status="closed",
                                  reason=body.reason if body else "")
    return service.to_public(session, incident, with_recipients=False)


@router.post("/incidents/{incident_id}/reopen", response_model=IncidentPublic)
def reopen_incident(incident_id: int, session: SessionDep, user: CurrentUser, body: StatusChange | None = None):
    incident = service.set_status(session, actor=user, incident_id=incident_id, status="open",
                                  reason=body.reason if body else "")
    return service.to_public(session, incident, with_recipients=False)


@router.get("/incidents/{incident_id}/recipients", response_model=Page[RecipientOut])
def list_recipients(
    incident_id: int, session: SessionDep, user: CurrentUser,
    kind: str | None = None, field: str | None = None, q: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1, per_page: Annotated[int, Query(ge=1, le=500)] = 100,
):
    return service.list_recipients(session, actor=user, incident_id=incident_id, page=page, per_page=per_page,
                                   kind=kind, field=field, q=q)


async def _recipients_from_request(request: Request) -> list[RecipientIn]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("send the CSV as a form field named 'file'")
        return await run_in_threadpool(parse_recipients_csv, await upload.read())
    body = await request.body()
    if ctype in ("text/csv", "application/csv", "text/plain"):
        return await run_in_threadpool(parse_recipients_csv, body)
    return await run_in_threadpool(_recipients_from_json, body)


def _recipients_from_json(body: bytes) -> list[RecipientIn]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput("the request body is not valid JSON", code="malformed_json") from None
    if isinstance(data, dict) and "recipients" in data:
        data = data["recipients"]
    try:
        return _recipient_list.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise InvalidInput(f"recipients.{loc}: {err['msg']}" + (
            f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else "")) from None


@router.post("/incidents/{incident_id}/recipients", response_model=RecipientsAdded, status_code=201,
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/RecipientIn"}}},
                 "text/csv": {"schema": {"type": "string"}},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
             }, "required": True}})
async def add_recipients(incident_id: int, request: Request, session: SessionDep, user: CurrentUser):
    # the body is read here; parsing and the database work (50,000 recipients take seconds) run in a worker
    # thread, so the event loop keeps answering other requests meanwhile
    recipients = await _recipients_from_request(request)
    return await run_in_threadpool(service.add_recipients, session, actor=user, incident_id=incident_id,
                                   recipients=recipients)


@router.post("/incidents/{incident_id}/recipients/{recipient_id}/erase", response_model=ErasureReport)
def erase_recipient(incident_id: int, recipient_id: int, session: SessionDep, user: CurrentUser):
    """A recipient's request for erasure (privacy officers): address, name and organisation become a keyed hash,
    their letters are deleted, and the audit trail keeps the hash instead of the address."""
    return retention.erase_recipient(session, actor=user, incident_id=incident_id, recipient_id=recipient_id)


@router.patch("/incidents/{incident_id}/recipients/{recipient_id}", response_model=RecipientOut)
def correct_recipient(incident_id: int, recipient_id: int, body: RecipientUpdate, session: SessionDep,
                      user: CurrentUser):
    return service.update_recipient(session, actor=user, incident_id=incident_id, recipient_id=recipient_id,
                                    data=body)


@router.delete("/incidents/{incident_id}/recipients/{recipient_id}", status_code=204)
def remove_recipient(incident_id: int, recipient_id: int, session: SessionDep, user: CurrentUser):
    service.remove_recipient(session, actor=user, incident_id=incident_id, recipient_id=recipient_id)


@router.get("/incidents/{incident_id}/timeline", response_model=list[AuditEventPublic], tags=["audit"])
def timeline(incident_id: int, session: SessionDep, user: CurrentUser):
    return service.timeline(session, actor=user, incident_id=incident_id)
