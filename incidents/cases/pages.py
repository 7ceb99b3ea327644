"""Pages of the incident record: my incidents, report form, the incident page. Thin: services do the work."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.audit.pages import trail_context, trail_filter
from incidents.cases import labels, service
from incidents.cases.forms import FormInvalid, form_values, incident_from_form
from incidents.cases.queries import IncidentFilter
from incidents.cases.record import record_of
from incidents.config import get_settings
from incidents.control_room import audit_view
from incidents.i18n import gettext as _
from incidents.cases.access import can_manage
from incidents.people.access import managed_department_ids
from incidents.pagekit import CsrfChecked, PageUser, incident_sections, render
from incidents.response import worklist_pages

router = APIRouter(include_in_schema=False)
router.include_router(worklist_pages.router)


@router.get("/")
def home(request: Request, session: SessionDep, user: PageUser, status: str | None = "open", page: int = 1,
         q: str | None = None):
    if user.admin_only:
        return render(request, "pages/admin_home.html", {})
    f = IncidentFilter(status=status or None, q=q or None)
    result = service.list_incidents(session, actor=user, filters=f, page=page, per_page=25)
    scope = "all" if user.is_officer else ("department" if managed_department_ids(session, user) else "mine")
    return render(request, "pages/home.html", {"result": result, "status": status or "", "q": q or "",
                                                "scope": scope, **labels.form_options()})


@router.get("/incidents/new")
def report_form(request: Request, user: PageUser):
    now = datetime.now(get_settings().tz).strftime("%Y-%m-%dT%H:%M")
    return render(request, "pages/report.html", {"form": {"sender": user.email, "sent_at": now, "discovered_at": now},
                                                  "errors": [], **labels.form_options()})


@router.post("/incidents/new", dependencies=[CsrfChecked])
async def report_submit(request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    values = form_values(form)
    try:
        data = incident_from_form(values)
    except FormInvalid as exc:
        errors = exc.lines()
        return render(request, "pages/report.html", {"form": values, "errors": errors, **labels.form_options()},
                      status_code=422)
    incident = service.report(session, actor=user, data=data)
    return RedirectResponse(f"/report/{incident.id}/done", status_code=303)


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, session: SessionDep, user: PageUser, incident_id: int):
    incident = service.get(session, actor=user, incident_id=incident_id)
    if not can_manage(session, user, incident):  # the reporter: their own view, no manager controls
        from incidents.guided_report.pages import reporter_page

        return reporter_page(request, session, user, incident_id)
    public = service.public(record_of(session, incident))
    params = dict(request.query_params)
    work = worklist_pages.view(request, session, user, incident_id, is_open=incident.status == "open")
    tf, tpage = trail_filter(params)
    trail = audit_view.incident_timeline(session, actor=user, incident_id=incident_id, filters=tf, page=tpage)
    keep = {k: v for k, v in params.items() if k in worklist_pages.PARAMS}
    return render(request, "pages/incident.html", {
        "incident": public, "w": work,
        **trail_context(f"/incidents/{incident_id}", params, trail, tf, anchor="timeline", keep=keep),
        "can_manage": can_manage(session, user, incident), "reported": request.query_params.get("reported"),
        "sections": incident_sections(session=session, user=user, incident=incident), **labels.form_options(),
    })


__all__ = ["router", "_"]
