"""Pages of the guided report (one question per screen) and its "what to do now" card.
Thin: the cases, intake and response services do the work."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.cases import labels
from incidents.cases.access import can_manage
from incidents.cases import service as cases
from incidents.cases.forms import FormInvalid
from incidents.config import get_settings
from incidents.errors import DomainError
from incidents.guided_report import form, reporter
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.intake import service as intake
from incidents.intake.parse import read_limited
from incidents.pagekit import CsrfChecked, PageUser, incident_sections, render
from incidents.people.models import User

router = APIRouter(include_in_schema=False)

# The form token: each report form carries one; the session remembers the last tokens filed (token -> incident
# id), so the same form sent twice (going back, then sending again) files one incident and shows it.
FILED_KEY = "filed_reports"
FILED_KEPT = 20


# The sections of the incident page the reporter follows or works in (the deletion confirmations coming back,
# the analysis of causes, the near-miss draft); the
# response, the regulators' duties and the letters are the manager's.
REPORTER_SECTIONS = ("confirm/_section.html", "pages/analysis/_section.html", "pages/nearmiss/_section.html")


def _filed(request: Request) -> dict[str, int]:
    kept = request.session.get(FILED_KEY)
    return dict(kept) if isinstance(kept, dict) else {}

# The screens of the guided report, in order, and the form fields each one asks.
SCREENS: list[tuple[str, tuple[str, ...]]] = [
    ("mail", ("mail",)),
    ("what", ("subject", "summary", "sender", "title")),
    ("whom", ("mistake_type", "unintended", "intended")),
    ("when", ("sent_at", "discovered_at")),
    ("how", ("discovery_method",)),
    ("data", ("data_items", "protection", "key_exposed", "improper_purpose")),
    ("people", ("affected_persons", "eu")),
    ("check", ()),
]


def _wizard(request: Request, user: User, values: dict[str, Any], errors: dict[str, str], status_code: int = 200):
    order = [f for _name, fields in SCREENS for f in fields]
    errors = dict(sorted(errors.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    first_error = next((name for name, fields in SCREENS if any(f in errors for f in fields)), "")
    return render(request, "pages/report_wizard.html", {
        "form": values, "errors": errors, "first_error": first_error, "screens": [s for s, _f in SCREENS],
        "max_mail_mb": intake.limits().max_bytes // (1024 * 1024), **labels.form_options(),
    }, status_code=status_code)


@router.get("/report")
def report_wizard(request: Request, user: PageUser):
    now = datetime.now(get_settings().tz).strftime("%Y-%m-%dT%H:%M")
    values = {k: "" for k in form.TEXT_FIELDS} | {"data_items": [], "discovered_at": now, "sender": user.email,
                                                   "affected_persons": "", "prefilled": False, "attachments_json": "",
                                                   "report_token": secrets.token_urlsafe(16)}
    return _wizard(request, user, values, {})


@router.post("/report", dependencies=[CsrfChecked])
async def report_submit(request: Request, session: SessionDep, user: PageUser):
    posted = await request.form()
    values = form.form_values(posted)
    filed = _filed(request)
    if values["report_token"] in filed:  # the same form sent again (back, then send): show what was filed
        return RedirectResponse(f"/report/{filed[values['report_token']]}/done?again=1", status_code=303)
    upload = posted.get("mail")
    draft = None
    if hasattr(upload, "read") and getattr(upload, "filename", ""):
        try:
            data = read_limited(upload.file, intake.limits().max_bytes)
            if data:
                draft = intake.preview(session, actor=user, data=data, filename=upload.filename)
        except DomainError as exc:
            message = getattr(exc, f"message_{get_locale()}", None) or exc.detail
            return _wizard(request, user, values, {"mail": f"{_('The mail could not be read.')} {message}"}, 422)
    try:
        checked = form.incident(values, draft)
    except FormInvalid as exc:
        errors = dict(exc.errors)
        if draft is not None:
            errors.setdefault("mail", _("Please add the mail again: files are not kept when a form comes back."))
        return _wizard(request, user, values, errors, 422)
    if draft is not None:
        incident = intake.import_mail(session, actor=user, draft=draft, data=checked, accepted=True)
    else:
        incident = cases.report(session, actor=user, data=checked)
    if values["report_token"]:
        filed[values["report_token"]] = incident.id
        request.session[FILED_KEY] = dict(list(filed.items())[-FILED_KEPT:])
    return RedirectResponse(f"/report/{incident.id}/done", status_code=303)


@router.get("/report/{incident_id}/done")
def report_done(request: Request, session: SessionDep, user: PageUser, incident_id: int):
    return reporter_page(request, session, user, incident_id, reported=True,
                         again=request.query_params.get("again") == "1")


def reporter_page(request: Request, session, user: User, incident_id: int, *, reported: bool = False,
                  again: bool = False):
    """The reporter's own view of their incident (also the final screen of the report)."""
    v = reporter.view(session, actor=user, incident_id=incident_id, locale=get_locale())
    incident = cases.get(session, actor=user, incident_id=incident_id)
    public = cases.to_public(session, incident, with_recipients=False)
    sections = [] if reported else [s for s in incident_sections(session=session, user=user, incident=incident)
                                    if s["template"] in REPORTER_SECTIONS]
    return render(request, "pages/reporter.html", {
        "v": v, "incident": public, "reported": reported, "again": again,
        "full_page": can_manage(session, user, incident), "sections": sections,
    })
