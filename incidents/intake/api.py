"""Intake over HTTP: upload the sent mail, get the draft and the findings; create on the user's yes."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from incidents.api_deps import CurrentUser, SessionDep
from incidents.cases import service as cases
from incidents.cases.schemas import IncidentPublic
from incidents.errors import InvalidInput
from incidents.intake import service
from incidents.intake.parse import read_limited

router = APIRouter(prefix="/intake", tags=["intake"])
CSV_LIMIT = 25 * 1024 * 1024


class IntakeFindingOut(BaseModel):
    """A proposal with its reasons; extra keys depend on the type (addresses, intended_domain, ...)."""

    model_config = ConfigDict(extra="allow")
    type: str
    confidence: float
    evidence_ja: str
    evidence_en: str


class IntakeWarningOut(BaseModel):
    code: str
    message_ja: str
    message_en: str


class MailDraftOut(BaseModel):
    """The mail read as an incident draft (the incident JSON contract, mistake_type left to the user) and
    the proposals beside it. Nothing has been created."""

    model_config = ConfigDict(extra="allow")
    source: dict[str, Any]
    incident: dict[str, Any]
    suggested_mistake_type: str | None
    suggested_data_items: list[str]
    suggested_affected_persons: int | None
    suggested_protection: str | None
    findings: list[IntakeFindingOut]
    warnings: list[IntakeWarningOut]


class DomainIn(BaseModel):
    domain: str = Field(min_length=1, max_length=253)
    kind: str = Field(default="partner", pattern="^(internal|partner)$")
    organization: str = Field(default="", max_length=200)


class DomainOut(BaseModel):
    domain: str
    kind: str
    organization: str


def _read(upload: UploadFile | None, limit: int) -> bytes | None:
    if upload is None:
        return None
    return read_limited(upload.file, limit)


@router.post("/mail", response_model=MailDraftOut,
             summary="Read a sent mail (.eml/.msg): the incident draft and the findings; creates nothing")
def preview_mail(
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The sent mail, .eml or .msg")],
    recipients_csv: Annotated[UploadFile | None, File(description="CSV export of the list used (mass mail)")] = None,
    recipients_field: Annotated[str, Form(pattern="^(to|cc|bcc)$")] = "bcc",
    include_body: Annotated[bool, Form(description="Return the body text too (never stored)")] = False,
) -> dict[str, Any]:
    data = _read(file, service.limits().max_bytes)
    return service.preview(session, actor=user, data=data, filename=file.filename or "",
                           recipients_csv=_read(recipients_csv, CSV_LIMIT), recipients_field=recipients_field,
                           include_body=include_body)


@router.post("/mail/incident", response_model=IncidentPublic, status_code=201,
             summary="Create the incident from a sent mail (after the user has seen the findings)")
def create_from_mail(
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The sent mail, .eml or .msg")],
    discovery_method: Annotated[str, Form()],
    discovered_at: Annotated[str, Form(description="ISO 8601 with zone")],
    accept_findings: Annotated[bool, Form(description="Apply the proposed mistake type, data items, ...")] = True,
    overrides: Annotated[str | None, Form(description="JSON object of incident fields that win over the mail")] = None,
    recipients_csv: Annotated[UploadFile | None, File()] = None,
    recipients_field: Annotated[str, Form(pattern="^(to|cc|bcc)$")] = "bcc",
    keep_body: Annotated[bool, Form(description="Store the body as the summary (off by default)")] = False,
):
    extra = None
    if overrides:
        try:
            extra = json.loads(overrides)
        except json.JSONDecodeError:
            raise InvalidInput("overrides is not valid JSON") from None
        if not isinstance(extra, dict):
            raise InvalidInput("overrides must be a JSON object")
    incident = service.create_from_mail(
        session, actor=user, data=_read(file, service.limits().max_bytes), filename=file.filename or "",
        discovery_method=discovery_method, discovered_at=discovered_at, accept_findings=accept_findings,
        overrides=extra, recipients_csv=_read(recipients_csv, CSV_LIMIT), recipients_field=recipients_field,
        keep_body=keep_body,
    )
    return cases.to_public(session, incident)


@router.get("/domains", response_model=list[DomainOut])
def list_domains(session: SessionDep, user: CurrentUser):
    return [DomainOut(domain=d.domain, kind=d.kind, organization=d.organization)
            for d in service.list_domains(session, actor=user)]


@router.post("/domains", response_model=DomainOut, status_code=201)
def add_domain(body: DomainIn, session: SessionDep, user: CurrentUser):
    d = service.add_domain(session, actor=user, domain=body.domain, kind=body.kind, organization=body.organization)
    return DomainOut(domain=d.domain, kind=d.kind, organization=d.organization)


@router.delete("/domains/{domain}", status_code=204)
def remove_domain(domain: str, session: SessionDep, user: CurrentUser):
    service.remove_domain(session, actor=user, domain=domain)


@router.post("/addressbook", summary="Import a CSV address book (added to the book, or replacing it)")
def import_address_book(
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="CSV: address or domain, name, organization, kind")],
    replace: Annotated[bool, Form()] = False,
) -> dict[str, int]:
    return service.import_address_book(session, actor=user, data=_read(file, CSV_LIMIT), replace=replace)


@router.get("/addressbook")
def list_address_book(
    session: SessionDep,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    return service.list_contacts(session, actor=user, q=q, page=page, per_page=per_page)
