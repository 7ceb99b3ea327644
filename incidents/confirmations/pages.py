"""The public confirmation page /c/<token> (no account), its letter download, and the incident page's
section (progress, a preview of one mail, sending, bounces). Thin: the services do the work.

The public page speaks Japanese or English (Accept-Language, then the mail's language; a switch), shows
only what the reader already has, and for any link that cannot be used (unknown, tampered, expired,
revoked) shows one neutral page with one status. Rate-limited per network address and per link.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from pydantic import ValidationError

from incidents import i18n
from incidents.api_deps import CSRF_FIELD, SessionDep, csrf_token
from incidents.config import get_settings
from incidents.confirmations import bounces, public, ratelimit, service
from incidents.confirmations import progress as progress_service
from incidents.confirmations.labels import BOUNCE_KINDS, MATCHED_BY
from incidents.db import session_scope
from incidents.errors import DomainError
from incidents.i18n import N_
from incidents.pagekit import CsrfChecked, PageUser, env, incident_section, verify_csrf
from incidents.response.actions import decided
from incidents.times import format_date, format_datetime
from incidents.types import utcnow

router = APIRouter(include_in_schema=False)
CHECKS = ("deleted_inbox", "deleted_trash", "deleted_files", "deleted_printouts", "not_forwarded")


def public_locale(request: Request, fallback: str | None = None) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get("lang")
    if wanted in i18n.LOCALES:
        return i18n.set_locale(wanted)
    best, best_q = None, -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        code = tag.strip().lower()[:2]
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if code in i18n.LOCALES and weight > best_q:
            best, best_q = code, weight
    return i18n.set_locale(best or fallback or get_settings().default_locale)


def _page(request: Request, template: str, ctx: dict[str, Any], *, status: int = 200, locale: str) -> HTMLResponse:
    token = csrf_token(request)
    settings = get_settings()
    html = env.get_template(template).render({
        "request": request, "locale": locale, "user": None,
        "org_name": settings.org_name_en if locale == "en" else settings.org_name,
        "csrf_input": lambda: Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
        **ctx})
    response = HTMLResponse(html, status_code=status, headers={"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"})
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie("lang", request.query_params["lang"], samesite="lax", httponly=True,
                            secure=bool(settings.cookie_secure), max_age=365 * 86400)
    return response


def _neutral(request: Request, status: int = 404) -> HTMLResponse:
    locale = public_locale(request)
    return _page(request, "confirm/neutral.html", {"limited": status == 429}, status=status, locale=locale)


def _limited(request: Request, token: str) -> bool:
    return not ratelimit.hit(address=request.client.host if request.client else "-", token=token)


def _form_view(request: Request, view: public.PublicView, *, locale: str, values: dict | None = None,
               errors: list[str] | None = None, status: int = 200) -> HTMLResponse:
    values = values or {"signed_on": utcnow().astimezone(get_settings().tz).date().isoformat()}
    return _page(request, "confirm/page.html", {
        "view": view, "values": values, "errors": errors or [], "checks": CHECKS,
        "sent_at": format_datetime(view.mail_sent_at, locale),
        "answered_at": format_datetime(view.answered_at, locale) if view.answered_at else "",
        "organisation": public.org_name(locale)}, status=status, locale=locale)


@router.get("/c/{token}", response_class=HTMLResponse)
def confirmation_page(token: str, request: Request, session: SessionDep):
    if _limited(request, token):
        return _neutral(request, 429)
    view = public.view_of(session, token)
    if view is None:
        return _neutral(request)
    return _form_view(request, view, locale=public_locale(request, view.lang))


@router.post("/c/{token}", response_class=HTMLResponse)
async def confirm(token: str, request: Request, session: SessionDep):
    if _limited(request, token):
        return _neutral(request, 429)
    view = public.view_of(session, token)
    if view is None:
        return _neutral(request)
    locale = public_locale(request, view.lang)
    try:
        await verify_csrf(request)
    except DomainError:
        return _form_view(request, view, locale=locale, status=403, errors=[
            i18n.gettext("The form has expired. Please send it again.")])
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    try:
        data = public.AnswerIn(**{**values, **{k: k in values for k in CHECKS}})
    except ValidationError as exc:
        return _form_view(request, view, locale=locale, values=values, status=422, errors=_errors(exc))
    public.answer(session, token=token, data=data, lang=locale,
                  remote_address=request.client.host if request.client else "",
                  user_agent=request.headers.get("user-agent", ""))
    return _page(request, "confirm/thanks.html", {"reference": view.reference, "corrected": view.answered_at is not None,
                                                  "organisation": public.org_name(locale)}, locale=locale)


_FIELDS = {"opened": N_("Whether you opened the mail"), "name": N_("Your name"), "signed_on": N_("Date"),
           "organization": N_("Organisation (if any)"), "message": N_("Message to us (optional)")}


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else ""
        out.append(i18n.gettext("Please check: %(field)s", field=i18n.gettext(_FIELDS.get(field, _FIELDS["message"]))))
    return list(dict.fromkeys(out))


@router.get("/c/{token}/letter.pdf")
def letter(token: str, request: Request):
    if _limited(request, token):
        return _neutral(request, 429)
    try:
        with session_scope() as session:
            found = public.letter(session, token)
    except DomainError:  # the sender may no longer issue letters: the reader sees the neutral page
        found = None
    if found is None:
        return _neutral(request)
    name, data = found
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Referrer-Policy": "no-referrer"})


# ---- the incident page -------------------------------------------------------------------------


@incident_section(25, "confirm/_section.html")
def confirmations_section(*, session, user, incident):
    p = progress_service.progress(session, actor=user, incident_id=incident.id)
    if not p.wrong:
        return None
    plan, why = None, ""
    try:
        plan = service.preview(session, actor=user, incident_id=incident.id, everyone=True, languages=False)
    except DomainError as exc:
        why = exc.message() if hasattr(exc, "message") else str(exc)
    rows = bounces.list_bounces(session, actor=user, incident_id=incident.id, limit=50)
    return {"p": p, "plan": plan, "why": why, "decided": decided(session, incident.id),
            "mail_on": bool(get_settings().smtp_host), "bounces": rows, "kinds": BOUNCE_KINDS,
            "matched": MATCHED_BY, "fmt": lambda d: format_date(d) if d else ""}


def _back(incident_id: int) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}#confirmations", status_code=303)


@router.post("/incidents/{incident_id}/confirmations/send", dependencies=[CsrfChecked])
async def send_requests(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    lang = str(form.get("lang") or "") or None
    service.send(session, actor=user, incident_id=incident_id, everyone=True, lang=lang)
    return _back(incident_id)


@router.post("/incidents/{incident_id}/confirmations/bounces", dependencies=[CsrfChecked])
async def upload_bounces(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    data = []
    for f in form.getlist("files"):
        if hasattr(f, "read"):
            data.append(await f.read(bounces.MAX_BYTES + 1))
    bounces.record_messages(session, actor=user, incident_id=incident_id, messages=[d for d in data if d])
    return _back(incident_id)

