"""What every domain's pages.py builds on: one sandboxed, autoescaping Jinja environment; the page user;
CSRF for forms; formatting; the sections of the incident page."""

from __future__ import annotations

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


def page_locale(request: Request, user) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get("lang")
    if wanted in i18n.LOCALES:
        return i18n.set_locale(wanted)
    return i18n.set_locale(user.locale if user else get_settings().default_locale)


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
