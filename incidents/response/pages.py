"""The response on the incident page (checklist with countdowns, assessment, per-recipient table)
and its forms, plus the user's in-app notifications page. Thin: services do the work."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.notify import service as notify
from incidents.response import actions, service
from incidents.times import format_datetime, format_span
from incidents.types import utcnow
from incidents.pagekit import CsrfChecked, PageUser, incident_section, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 200


def countdown(due: datetime | None, now: datetime, locale: str) -> tuple[str, str]:
    """('あと3時間' | '2日超過', css class)."""
    if due is None:
        return "", ""
    if due >= now:
        left = format_span(due - now, locale)
        return _("%(span)s left", span=left), ("soon" if (due - now).total_seconds() < 86400 else "")
    return _("%(span)s overdue", span=format_span(now - due, locale)), "overdue"


@incident_section(20, "pages/response/_section.html")
def response_section(*, session, user, incident):
    locale, now = get_locale(), utcnow()
    steps = service.list_steps(session, actor=user, incident_id=incident.id)
    general = [s for s in steps if not s.recipient_address]
    per_recipient = [s for s in steps if s.recipient_address]
    by_address: dict[str, dict] = {}
    for s in per_recipient:
        row = by_address.setdefault(s.recipient_address, {"address": s.recipient_address})
        row[s.kind] = s
    rows = list(by_address.values())
    assessment = service.assessment_of(session, incident)

    def view(s):
        text, css = countdown(s.due_at if s.status == "pending" else None, now, locale)
        pub = service.to_public(s, now=now, locale=locale)
        return {"step": pub, "countdown": text, "css": css,
                "due": format_datetime(s.due_at)}

    return {
        "steps": [view(s) for s in general],
        "recipients": rows[:PER_PAGE],
        "recipients_total": len(rows),
        "counts": service.step_counts(session, actor=user, incident_id=incident.id),
        "assessment": assessment,
        "decided": actions.decided(session, incident.id),
        "blocking": actions.blocking_steps(session, incident.id),
        "fmt": lambda d: format_datetime(d) if d else "-",
        "open": incident.status == "open",
        "deliveries": notify.deliveries(session, incident_id=incident.id, limit=10),
    }


def _back(incident_id: int) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}#response", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/incidents/{incident_id}/response/steps/{key}/done", dependencies=[CsrfChecked])
async def step_done(incident_id: int, key: str, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.complete_step(session, actor=user, incident_id=incident_id, key=key, note=form.get("note", ""))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/steps/{key}/waive", dependencies=[CsrfChecked])
async def step_waive(incident_id: int, key: str, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.waive_step(session, actor=user, incident_id=incident_id, key=key, reason=form.get("reason", ""))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/decision", dependencies=[CsrfChecked])
async def decide(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.decide(session, actor=user, incident_id=incident_id, note=form.get("note", ""))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/deletion", dependencies=[CsrfChecked])
async def deletion(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    address = form.get("recipient", "")
    if form.get("action") == "request":
        actions.send_deletion_request(session, actor=user, incident_id=incident_id, address=address)
    else:
        actions.confirm_deletion(session, actor=user, incident_id=incident_id, address=address,
                                 opened=form.get("opened", ""), note=form.get("note", ""))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/apology", dependencies=[CsrfChecked])
async def apology(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.record_apology(session, actor=user, incident_id=incident_id, address=form.get("recipient", ""),
                           channel=form.get("channel", ""), note=form.get("note", ""))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/bulk", dependencies=[CsrfChecked])
async def bulk(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.mark_all_sent(session, actor=user, incident_id=incident_id, kind=form.get("kind", ""),
                          channel=form.get("channel", "email"))
    return _back(incident_id)


@router.post("/incidents/{incident_id}/response/import", dependencies=[CsrfChecked])
async def import_csv(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    upload = (await request.form()).get("file")
    raw = await upload.read() if hasattr(upload, "read") else b""
    actions.import_confirmations(session, actor=user, incident_id=incident_id,
                                 csv_text=raw.decode("utf-8-sig", errors="replace"))
    return _back(incident_id)


@router.get("/notifications")
def notifications_page(request: Request, session: SessionDep, user: PageUser):
    items = [{"n": n, "at": format_datetime(n.created_at)}
             for n in notify.inbox(session, user_id=user.id, limit=100)]
    return render(request, "pages/response/notifications.html", {"items": items})


@router.post("/notifications/read", dependencies=[CsrfChecked])
def notifications_read(session: SessionDep, user: PageUser):
    notify.mark_read(session, user_id=user.id)
    return RedirectResponse("/notifications", status_code=303)
