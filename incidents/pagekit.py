"""What every domain's pages.py builds on: one sandboxed, autoescaping Jinja environment; the page user;
CSRF for forms; formatting; the sections of the incident page."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from incidents import i18n
from incidents.api_deps import CSRF_FIELD, csrf_token, optional_user
from incidents.config import get_settings
from incidents.errors import DomainError, Forbidden
from incidents.i18n import N_
from incidents.people.models import User

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class LoginRequired(DomainError):
    status_code = 401
    code = "login_required"


def _local(value: datetime | None, fmt: str | None = None) -> str:
    if value is None:
        return ""
    local = value.astimezone(get_settings().tz)
    if fmt:
        return local.strftime(fmt)
    if i18n.get_locale() == "ja":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return local.strftime("%d %b %Y %H:%M")


def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s, **kw: i18n.gettext(s, **kw), lambda s, p, n, **kw: i18n.ngettext(s, p, n, **kw), newstyle=True
    )
    env.globals["_"] = i18n.gettext
    env.globals["label"] = i18n.label
    env.filters["local"] = _local
    return env


env = _env()


def accepted_locale(header: str) -> str | None:
    """The first of our languages the browser asks for (Accept-Language, by its q-values), or None."""
    wanted = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in i18n.LOCALES and q > 0:
            wanted.append((-q, i, lang))
    return min(wanted)[2] if wanted else None


def page_locale(request: Request, user) -> str:
    """The page's language: chosen on the page (?lang=, its cookie), else the user's, else the browser's
    (Accept-Language, before signing in), else the organisation's."""
    wanted = request.query_params.get("lang") or request.cookies.get("lang")
    if wanted in i18n.LOCALES:
        return i18n.set_locale(wanted)
    if user:
        return i18n.set_locale(user.locale)
    browser = accepted_locale(request.headers.get("accept-language", ""))
    return i18n.set_locale(browser or get_settings().default_locale)


def _unread(user) -> int:
    """The user's unread in-app notifications (the header's count)."""
    if user is None or getattr(user, "id", None) is None:
        return 0
    from sqlalchemy import func, select

    from incidents.db import session_scope
    from incidents.notify.models import InAppNotification

    with session_scope(write=False) as s:
        return s.execute(select(func.count()).select_from(InAppNotification).where(
            InAppNotification.user_id == user.id, InAppNotification.read_at.is_(None))).scalar_one()


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    user = getattr(request.state, "viewer", None)
    locale = page_locale(request, user)
    token = csrf_token(request)
    ctx = {
        "request": request,
        "user": user,
        "locale": locale,
        "org_name": get_settings().org_name if locale == "ja" else get_settings().org_name_en,
        "csrf_token": token,
        "csrf_input": lambda: Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
        "flashes": request.session.pop("flash", []) if "flash" in request.session else [],
        "unread": _unread(user),
        **(context or {}),
    }
    html = env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie("lang", request.query_params["lang"], samesite="lax", httponly=True,
                            secure=get_settings().cookie_secure, max_age=365 * 86400)
    return response


async def page_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    # async: runs in the request's own context, so the locale set here reaches the handler (sync handlers run
    # in a worker thread with a copy of this context; a sync dependency's context would be lost).
    if user is None:
        raise LoginRequired(request.url.path)
    page_locale(request, user)
    return user


async def verify_csrf(request: Request) -> None:
    """For HTML form posts: the hidden field (or the header) must match the session's token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        form = await request.form()
        sent = str(form.get(CSRF_FIELD, ""))
    expected = request.session.get("csrf", "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise Forbidden("the form has expired or did not come from this site; reload the page and try again",
                        code="csrf")


PageUser = Annotated[User, Depends(page_user)]


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message shown once, on the next page this browser renders (after the redirect of a form post)."""
    request.session["flash"] = [*request.session.get("flash", []), {"text": text[:2000], "kind": kind}][-5:]


def done(request: Request, url: str, text: str | None = None) -> RedirectResponse:
    """Post/redirect/get: back to `url` (with its filters and #anchor, so the page opens where the person was),
    saying what was done."""
    if text:
        flash(request, text)
    return RedirectResponse(url, status_code=303)
CsrfChecked = Depends(verify_csrf)


# ---- the incident page is assembled from sections that domains contribute ------------------------
# A domain's pages.py calls `incident_section(order, template)(fn)`; fn(session=, user=, incident=) returns
# a context dict (or None to hide the section) and `template` (e.g. "pages/response/_checklist.html")
# is included in the incident page with that context under the name `section`.
_sections: list[tuple[int, str, Any]] = []


def incident_section(order: int, template: str):
    def decorator(fn):
        _sections.append((order, template, fn))
        _sections.sort(key=lambda s: s[0])
        return fn

    return decorator


def incident_sections(*, session, user, incident) -> list[dict[str, Any]]:
    out = []
    for _order, template, fn in _sections:
        ctx = fn(session=session, user=user, incident=incident)
        if ctx is not None:
            out.append({"template": template, "section": ctx})
    return out


# ---- error pages: every error a person can meet, as a page in their language --------------------------
# JSON {"error", "detail"} stays for /api/ and for clients that do not take HTML (Accept: application/json).

ERROR_TITLES = {
    400: N_("This request could not be handled"),
    401: N_("Please sign in"),
    403: N_("You cannot do this"),
    404: N_("This page does not exist"),
    405: N_("This page cannot be used this way"),
    409: N_("This cannot be done now"),
    413: N_("The file is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
ERROR_HINTS = {
    400: N_("Go back to the previous page, reload it and try again."),
    401: N_("Your session has ended. Sign in again to continue."),
    403: N_("If you think you should be able to, ask your supervisor or the privacy officer."),
    404: N_("The address may be mistyped, or the page may have been moved. Incidents of other departments are "
            "not shown to you."),
    405: N_("Use the links and buttons of the pages instead of typing this address."),
    409: N_("Someone may have changed it in the meantime. Reload the page to see its current state."),
    413: N_("Choose a smaller file, or send it in parts."),
    422: N_("Go back to the form: what you typed is still there. Correct the answer named above and send again."),
    429: N_("Wait a few minutes and try again."),
    500: N_("Nothing you did caused this. The error was recorded. Try again in a moment; if it happens again, tell "
            "the privacy officer what you were doing."),
}
CSRF_TITLE = N_("This form has expired")
CSRF_MESSAGE = N_("The page was open for a long time, or you signed in again in another tab, so the form could "
                  "not be accepted. Nothing was saved yet.")
# Posted fields never written back into a page.
SECRET_WORDS = ("password", "passcode", "secret", "totp")
SECRET_FIELDS = ("code", "otp", "token", "api_token")


def wants_html(request: Request) -> bool:
    """A browser (or any client that takes HTML) asking for a page, not the API."""
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "").lower()
    return not accept.strip() or "text/html" in accept or "*/*" in accept


# The fields of the pages' small forms a domain error may name (the report's own fields: "incident_field").
FORM_FIELDS = i18n.LabelTable("form_field", {
    "recipient": "Recipient", "opened": "Opened by the recipient", "channel": "How the apology was made",
    "note": "Note", "reason": "Reason", "kind": "Kind", "file": "File",
})


def _field_label(field: str | None) -> str:
    if not field:
        return ""
    if field in FORM_FIELDS:
        return FORM_FIELDS.label(field)
    table = i18n.TABLES.get("incident_field")
    return table.label(field) if table is not None and field in table else ""


# Fields a page fills itself (never shown back as "what you typed"); a value that reads like a code (a choice's
# value, a flag) is not shown either: what was typed is free text.
INTERNAL_FIELDS = ("next", "report_token", "prefilled", "attachments_json", "action")
CODE = re.compile(r"[a-z][a-z0-9_]*|[01]|on")


def _typed(name: str, value: str) -> bool:
    value = value.strip()
    return bool(value) and name not in INTERNAL_FIELDS and not CODE.fullmatch(value)


def _replay(form) -> list[tuple[str, str]]:
    """The text fields of a posted form, to send again (never a secret, never the old CSRF token)."""
    if form is None:
        return []
    out = []
    for name, value in form.multi_items():
        if not isinstance(value, str) or name == CSRF_FIELD:
            continue
        if name.lower() in SECRET_FIELDS or any(word in name.lower() for word in SECRET_WORDS):
            return []  # a form with a secret is typed again, never carried through a page
        out.append((name, value[:20_000]))
    return out


async def error_page(request: Request, status_code: int, *, error: DomainError | None = None,
                     code: str = "") -> HTMLResponse:
    """The error as a page in the reader's language. A form that was refused (its CSRF token expired, or a
    domain rule) is offered again with what was typed, so nothing is lost."""
    form = None
    if request.method == "POST" and (code == "csrf" or status_code in (400, 409, 422)):
        try:
            form = await request.form()
        except Exception:  # noqa: BLE001 - an unreadable body is simply not offered again
            form = None
    return render_error(request, status_code, error=error, code=code, form=form)


def readable(error: DomainError | None) -> str:
    """The error's message in the reader's language; nothing rather than English text to a Japanese reader
    (the page's title and hint say what happened and what to do)."""
    if error is None:
        return ""
    locale = i18n.get_locale()
    if locale != "en" and i18n.translations(locale).gettext(error.msgid) == error.msgid:
        return ""
    return error.message(locale)


def render_error(request: Request, status_code: int, *, error: DomainError | None = None, code: str = "",
                 form=None) -> HTMLResponse:
    page_locale(request, getattr(request.state, "viewer", None))
    csrf = code == "csrf"
    replay = _replay(form)
    signed_in = bool(request.session.get("sid")) if "session" in request.scope else False
    back = request.headers.get("referer", "")
    if not back.startswith(str(request.base_url)):
        back = ""
    return render(request, "pages/error.html", {
        "status": status_code,
        "title": i18n.gettext(CSRF_TITLE if csrf else ERROR_TITLES.get(status_code, ERROR_TITLES[400])),
        "message": i18n.gettext(CSRF_MESSAGE) if csrf else readable(error),
        "field_label": _field_label(error.field if error is not None else None),
        "hint": i18n.gettext(ERROR_HINTS.get(status_code, ERROR_HINTS[400])),
        "csrf": csrf, "replay": replay if csrf else [], "action": request.url.path, "signed_in": signed_in,
        "typed": [v for n, v in replay if _typed(n, v)],
        "back": back,
    }, status_code=status_code)


def server_error_page(scope) -> HTMLResponse | None:
    """The 500 page for a browser (None: answer in JSON). Never raises: the last line must hold."""
    try:
        request = Request(scope)
        if not wants_html(request):
            return None
        return render_error(request, 500)
    except Exception:  # noqa: BLE001 - the JSON answer is the fallback
        return None
