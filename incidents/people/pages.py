"""Signing in and out (password, second factor, single sign-on button), language. The account and officer pages
live in account_pages.py and sessions_pages.py and are mounted here."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import OptionalUser, SessionDep, csrf_token
from incidents.db import session_scope
from incidents.errors import Forbidden, Unauthorized
from incidents.people import account_pages, oidc, org_pages, service, sessions, sessions_pages, signin, site, sso_pages
from incidents.people.throttle import TooManyAttempts
from incidents.pagekit import CsrfChecked, PageUser, render

router = APIRouter(include_in_schema=False)
router.include_router(account_pages.router)
router.include_router(sessions_pages.router)
router.include_router(org_pages.router)
router.include_router(sso_pages.router)


def safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000:
        return "/"
    return target


def client_of(request: Request) -> signin.Client:
    return signin.Client(ip=request.client.host if request.client else "", user_agent=request.headers.get(
        "user-agent", "")[:300])


def sso_available() -> bool:
    return oidc.configured()


def start_session(request: Request, raw: str) -> None:
    """A new identifier in the cookie (session rotation on sign-in); the form token goes on."""
    csrf = request.session.get("csrf")
    request.session.clear()
    request.session.update({"sid": raw, "csrf": csrf or csrf_token(request)})


def after_sign_in(request: Request, done: signin.SignedIn, next_path: str) -> RedirectResponse:
    start_session(request, done.raw)
    if done.stage == "mfa":
        return RedirectResponse(f"/login/mfa?next={next_path}", status_code=303)
    if done.stage == "enrol":
        return RedirectResponse("/account/security?required=1", status_code=303)
    return RedirectResponse(next_path, status_code=303)


def login_page_context() -> dict:
    with session_scope(write=False) as session:
        return {"password_login": site.password_login_enabled(session), "sso": sso_available()}


def _login_page(request: Request, status_code: int = 200, **ctx):
    return render(request, "pages/login.html", {**login_page_context(), **ctx}, status_code=status_code)


@router.get("/login")
def login_page(request: Request, session: SessionDep, user: OptionalUser, next: str | None = None):
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    pending = sessions.find(session, request.session.get("sid"), stage=None)
    if pending is not None and pending.stage == "mfa":
        return RedirectResponse(f"/login/mfa?next={safe_next(next)}", status_code=303)
    if pending is not None and pending.stage == "enrol":
        return RedirectResponse("/account/security?required=1", status_code=303)
    return _login_page(request, next=safe_next(next))


# Sign-ins run in their own few threads. A sign-in may wait for the database's write lock (SQLite) to audit
# the attempt; if a crowd of them took every thread of the shared pool, the request holding the lock could not
# get a thread to finish and commit, and everyone would wait until the lock timed out.
_SIGN_IN_THREADS: RunVar[anyio.CapacityLimiter] = RunVar("sign_in_threads")


def _sign_in_threads() -> anyio.CapacityLimiter:
    """One limiter per event loop (a limiter belongs to the loop that first used it)."""
    try:
        return _SIGN_IN_THREADS.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(8)
        _SIGN_IN_THREADS.set(limiter)
        return limiter


@router.post("/login", dependencies=[CsrfChecked])
async def login(request: Request, email: Annotated[str, Form(max_length=320)],
                password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form(max_length=2000)] = "/"):
    return await anyio.to_thread.run_sync(partial(_login, request, email, password, next), limiter=_sign_in_threads())


def _login(request: Request, email: str, password: str, next: str):
    # No SessionDep here: signin owns short units of work, so no write lock is held while the password hashes.
    target = safe_next(next)
    try:
        done = signin.password_sign_in(email=email, password=password, client=client_of(request))
    except TooManyAttempts as exc:
        response = _login_page(request, 429, next=target, error="locked", message=exc.detail, email=email)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Unauthorized:
        return _login_page(request, 401, next=target, error="wrong", email=email)
    except Forbidden as exc:
        return _login_page(request, 403, next=target, error="other", message=exc.detail)
    return after_sign_in(request, done, target)


@router.get("/login/mfa")
def mfa_page(request: Request, session: SessionDep, next: str | None = None):
    if sessions.find(session, request.session.get("sid"), stage="mfa") is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "pages/login_mfa.html", {"next": safe_next(next)})


@router.post("/login/mfa", dependencies=[CsrfChecked])
def mfa_submit(request: Request, code: Annotated[str, Form(max_length=40)],
               next: Annotated[str, Form(max_length=2000)] = "/"):
    target = safe_next(next)
    try:
        done = signin.second_factor(raw=request.session.get("sid"), code=code, client=client_of(request))
    except TooManyAttempts as exc:
        response = render(request, "pages/login_mfa.html", {"next": target, "error": exc.detail}, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Unauthorized as exc:
        return render(request, "pages/login_mfa.html", {"next": target, "error": exc.detail}, status_code=401)
    return after_sign_in(request, done, target)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request):
    with session_scope() as session:
        id_token = signin.sign_out(session, raw=request.session.get("sid"), client=client_of(request))
    request.session.clear()
    if id_token and sso_available():
        url = oidc.end_session_url(id_token)
        if url:  # a page that moves on to the provider (a form may only redirect to this site)
            return render(request, "pages/logout_sso.html", {"end_session_url": url})
    return RedirectResponse("/login", status_code=303)


@router.post("/settings/language", dependencies=[CsrfChecked])
def language(request: Request, session: SessionDep, user: PageUser, locale: Annotated[str, Form(max_length=8)],
             next: Annotated[str, Form(max_length=2000)] = "/"):
    service.set_locale(session, actor=user, locale=locale)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.delete_cookie("lang")
    return response
