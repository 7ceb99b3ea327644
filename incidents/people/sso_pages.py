"""Single sign-on in the browser: off to the provider, and back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.errors import Forbidden
from incidents.people import oidc, sso
from incidents.people.signin import Client
from incidents.pagekit import render

router = APIRouter(include_in_schema=False)
PENDING = "oidc"


def _client(request: Request) -> Client:
    return Client(ip=request.client.host if request.client else "", user_agent=request.headers.get("user-agent", "")[:300])


def _refused(request: Request, message: str, status_code: int):
    from incidents.people.pages import login_page_context

    return render(request, "pages/login.html", {**login_page_context(), "next": "/", "error": "other",
                                                "message": message}, status_code=status_code)


@router.get("/auth/oidc/login")
def sso_start(request: Request, next: str | None = None):
    from incidents.people.pages import safe_next

    if not oidc.configured():
        return RedirectResponse("/login", status_code=303)
    try:
        started = oidc.start(safe_next(next))
    except oidc.SsoRefused as exc:
        return _refused(request, exc.message(), 503)
    request.session[PENDING] = started.pending
    return RedirectResponse(started.url, status_code=303)


@router.get("/auth/oidc/callback")
def sso_callback(request: Request):
    from incidents.db import session_scope
    from incidents.people.pages import after_sign_in
    from incidents.people.signin import audit_attempt

    pending = request.session.pop(PENDING, None)
    params = {k: v[:4000] for k, v in request.query_params.items() if k in ("code", "state", "error", "iss")}
    try:
        claims, id_token = oidc.finish(pending, params=params)
    except oidc.SsoRefused as exc:
        with session_scope() as s:
            audit_attempt(s, action="login.sso_refused", client=_client(request), reason=str(exc.params.get("reason")))
        return _refused(request, exc.message(), 400)
    try:
        done = sso.sign_in(claims=claims, id_token=id_token, client=_client(request))
    except Forbidden as exc:
        return _refused(request, exc.message(), 403)
    return after_sign_in(request, done, pending.get("next") or "/")
