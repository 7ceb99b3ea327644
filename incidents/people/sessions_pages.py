"""The officer's page of everyone's live sessions and API tokens, with a button to end each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.errors import NotFound
from incidents.people import service, site
from incidents.people.models import UserSession
from incidents.pagekit import CsrfChecked, PageUser, render

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get("/admin/sessions")
def sessions_page(request: Request, session: SessionDep, user: PageUser):
    live = service.live_sessions(session, actor=user)
    tokens = [t for t in service.list_tokens(session, actor=user) if t.revoked_at is None]
    return render(request, "pages/admin_sessions.html", {
        "sessions": live, "tokens": tokens, "sso": site.sso_configured(),
        "password_login": site.password_login_enabled(session)})


@router.post("/admin/sessions/{session_id}/end", dependencies=[CsrfChecked])
def end_session(request: Request, session: SessionDep, user: PageUser, session_id: Id):
    target = session.get(UserSession, session_id)
    if target is None:
        raise NotFound("no such session")
    service.end_session(session, actor=user, target=target)
    return RedirectResponse("/admin/sessions", status_code=303)


@router.post("/admin/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def revoke_token(request: Request, session: SessionDep, user: PageUser, token_id: Id):
    service.revoke_token(session, actor=user, token_id=token_id)
    return RedirectResponse("/admin/sessions", status_code=303)


@router.post("/admin/sign-in-methods", dependencies=[CsrfChecked])
def sign_in_methods(request: Request, session: SessionDep, user: PageUser,
                    password_login: Annotated[str, Form(max_length=8)] = ""):
    site.set_password_login(session, actor=user, enabled=password_login == "on")
    return RedirectResponse("/admin/sessions", status_code=303)
