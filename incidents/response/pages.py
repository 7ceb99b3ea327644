"""The response on the incident page (checklist with countdowns, assessment, per-recipient table)
and its forms, plus the user's in-app notifications page. Thin: services do the work."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.i18n import ngettext
from incidents.notify import service as notify
from incidents.response import actions, legal_text, service, worklist_pages
from incidents.response.assessment import assess
from incidents.times import format_datetime, format_span
from incidents.types import utcnow
from incidents.pagekit import CsrfChecked, PageUser, done, incident_section, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 200


def _title(step) -> str:
    ja, en = service.step_titles(step.kind, step.recipient_address)
    return ja if get_locale() == "ja" else en


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
    general = service.list_steps(session, actor=user, incident_id=incident.id, general_only=True)
    facts = service.facts_for(session, incident)
    assessment = assess(facts, service.durations())

    def view(s):
        text, css = countdown(s.due_at if s.status == "pending" else None, now, locale)
        pub = service.to_public(s, now=now, locale=locale)
        return {"step": pub, "countdown": text, "css": css,
                "due": format_datetime(s.due_at)}

    return {
        "steps": [view(s) for s in general],
        "counts": service.step_counts(session, actor=user, incident_id=incident.id),
        "assessment": assessment,
        "legal": legal_text.explain(assessment, facts, locale),
        "decided": actions.decided(session, incident.id),
        "blocking": actions.blocking_steps(session, incident.id),
        "fmt": lambda d: format_datetime(d) if d else "-",
        "open": incident.status == "open",
        "deliveries": notify.deliveries(session, incident_id=incident.id, limit=10),
    }


def _back(incident_id: int, request: Request | None = None, text: str | None = None, anchor: str = "response"):
    """Back to where the person was on the incident page, saying what was done."""
    if request is None:
        return RedirectResponse(f"/incidents/{incident_id}#{anchor}", status_code=303)
    return done(request, f"/incidents/{incident_id}#{anchor}", text)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/incidents/{incident_id}/response/steps/{key}/done", dependencies=[CsrfChecked])
async def step_done(incident_id: int, key: str, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    step = actions.complete_step(session, actor=user, incident_id=incident_id, key=key, note=form.get("note", ""))
    return _back(incident_id, request, _("Recorded as done: %(step)s", step=_title(step)), f"step-{step.key}")


@router.post("/incidents/{incident_id}/response/steps/{key}/waive", dependencies=[CsrfChecked])
async def step_waive(incident_id: int, key: str, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    step = actions.waive_step(session, actor=user, incident_id=incident_id, key=key, reason=form.get("reason", ""))
    return _back(incident_id, request, _("Waived: %(step)s", step=_title(step)), f"step-{step.key}")


@router.post("/incidents/{incident_id}/response/decision", dependencies=[CsrfChecked])
async def decide(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.decide(session, actor=user, incident_id=incident_id, note=form.get("note", ""))
    return _back(incident_id, request, _("The organisation's decision is recorded."))


@router.post("/incidents/{incident_id}/response/deletion", dependencies=[CsrfChecked])
async def deletion(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    address = form.get("recipient", "")
    if form.get("action") == "request":
        actions.send_deletion_request(session, actor=user, incident_id=incident_id, address=address)
    else:
        actions.confirm_deletion(session, actor=user, incident_id=incident_id, address=address,
                                 opened=form.get("opened", ""), note=form.get("note", ""))
    return _back(incident_id, request, _("Recorded for %(address)s.", address=address), "recipients")


@router.post("/incidents/{incident_id}/response/apology", dependencies=[CsrfChecked])
async def apology(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    actions.record_apology(session, actor=user, incident_id=incident_id, address=form.get("recipient", ""),
                           channel=form.get("channel", ""), note=form.get("note", ""))
    return _back(incident_id, request, _("Recorded for %(address)s.", address=form.get("recipient", "")), "recipients")


@router.post("/incidents/{incident_id}/response/bulk", dependencies=[CsrfChecked])
async def bulk(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    result = actions.mark_all_sent(session, actor=user, incident_id=incident_id, kind=form.get("kind", ""),
                                   channel=form.get("channel", "email"))
    return _back(incident_id, request, ngettext("Recorded for %(num)s recipient.", "Recorded for %(num)s recipients.",
                                                result.updated), "recipients")


@router.post("/incidents/{incident_id}/response/import", dependencies=[CsrfChecked])
async def import_csv(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    return await worklist_pages.import_confirmations(incident_id, request, session, user)


@router.get("/notifications")
def notifications_page(request: Request, session: SessionDep, user: PageUser):
    items = [{"n": n, "at": format_datetime(n.created_at)}
             for n in notify.inbox(session, user_id=user.id, limit=100)]
    return render(request, "pages/response/notifications.html", {"items": items})


@router.post("/notifications/read", dependencies=[CsrfChecked])
def notifications_read(request: Request, session: SessionDep, user: PageUser):
    n = notify.mark_read(session, user_id=user.id)
    return done(request, "/notifications", ngettext("%(num)s notification marked read.",
                                                    "%(num)s notifications marked read.", n))
