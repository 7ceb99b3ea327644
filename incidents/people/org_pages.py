"""The administrator's page for the org chart from HR: upload, preview (nothing saved), import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from incidents.api_deps import SessionDep
from incidents.errors import InvalidInput
from incidents.people.access import require_admin
from incidents.people.labels import LOCALES, ORG_FIELDS, ROLES
from incidents.people.orgfile import MAX_BYTES, read_rows
from incidents.people.orgimport import import_org, summary
from incidents.pagekit import CsrfChecked, PageUser, render

router = APIRouter(include_in_schema=False)


def _value(field: str, value) -> str:
    if not value:
        return "—"
    if field == "roles":
        return ROLES.join(value.split(","))
    return LOCALES.label(value) if field == "locale" else str(value)


def _page(request: Request, status_code: int = 200, **ctx):
    return render(request, "pages/admin_org.html", {"field_label": ORG_FIELDS.label, "value": _value, **ctx},
                  status_code=status_code)


@router.get("/admin/org")
def org_page(request: Request, user: PageUser):
    require_admin(user)
    return _page(request)


@router.post("/admin/org", dependencies=[CsrfChecked])
def org_upload(request: Request, session: SessionDep, user: PageUser,
               file: Annotated[UploadFile, File()], dry_run: Annotated[str, Form(max_length=8)] = "",
               prune: Annotated[str, Form(max_length=8)] = ""):
    require_admin(user)
    try:
        rows = read_rows(file.file.read(MAX_BYTES + 1), file.filename or "")
        report = import_org(session, actor=user, rows=rows, prune=bool(prune), dry_run=bool(dry_run))
    except InvalidInput as exc:
        return _page(request, 422, error=exc.message(), prune=bool(prune))
    return _page(request, report=report, summary=summary(report), prune=bool(prune))
