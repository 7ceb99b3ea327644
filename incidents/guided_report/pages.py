"""Pages of the guided report (one question per screen) and its "what to do now" card.
Thin: the cases, intake and response services do the work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.cases import labels
from incidents.cases import service as cases
from incidents.cases.forms import FormInvalid
from incidents.config import get_settings
from incidents.errors import DomainError
from incidents.guided_report import form
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.intake import service as intake
from incidents.intake.parse import read_limited
from incidents.pagekit import CsrfChecked, PageUser, render
from incidents.people.models import User
from incidents.response import service as response

router = APIRouter(include_in_schema=False)

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
                                                   "affected_persons": "", "prefilled": False, "attachments_json": ""}
    return _wizard(request, user, values, {})


@router.post("/report", dependencies=[CsrfChecked])
async def report_submit(request: Request, session: SessionDep, user: PageUser):
    posted = await request.form()
    values = form.form_values(posted)
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
    return RedirectResponse(f"/report/{incident.id}/done", status_code=303)


@router.get("/report/{incident_id}/done")
def report_done(request: Request, session: SessionDep, user: PageUser, incident_id: int):
    incident = cases.get(session, actor=user, incident_id=incident_id)
    reporter = session.get(User, incident.reporter_id)
    manager = session.get(User, reporter.manager_id) if reporter and reporter.manager_id else None
    mine = [s for s in response.list_steps(session, actor=user, incident_id=incident_id, status="pending")
            if s.role == "employee" and not s.recipient_address]
    locale = get_locale()
    public = cases.to_public(session, incident, with_recipients=False)
    sent = public.sent_at
    return render(request, "pages/report_done.html", {
        "incident": public, "manager": manager.display_name if manager else None,
        "steps": [{"title": response.step_titles(s.kind, None)[0 if locale == "ja" else 1], "due_at": s.due_at}
                  for s in mine],
        "sent": sent,
    })
