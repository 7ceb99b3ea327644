"""The person's own sign-in and security page: second factor (set up, recovery codes, turn off), password,
their live sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from incidents.api_deps import SessionDep, Viewer
from incidents.config import get_settings
from incidents.errors import DomainError, NotFound
from incidents.people import mfa, service, sessions, site
from incidents.people.models import User, UserSession
from incidents.pagekit import CsrfChecked, LoginRequired, render

router = APIRouter(include_in_schema=False)


def _account(request: Request, session: Session) -> tuple[User, UserSession]:
    """The signed-in person, also while they must first set up a second factor (stage "enrol")."""
    row = sessions.find(session, request.session.get("sid"), stage=None)
    user = session.get(User, row.user_id) if row is not None and row.stage in ("active", "enrol") else None
    if user is None or not user.active:
        raise LoginRequired(request.url.path)
    request.state.user = user
    request.state.viewer = Viewer.of(user)
    return user, row


def _page(request: Request, session: Session, user: User, row: UserSession, status_code: int = 200, **ctx):
    live = sessions.live_sessions(session, user_id=user.id)
    return render(request, "pages/account_security.html", {
        "me": user, "current_id": row.id, "stage": row.stage, "sessions": [s for s, _u in live],
        "mfa_on": user.mfa_enabled, "mfa_required": mfa.required_for(user),
        "recovery_left": mfa.remaining_recovery_codes(session, user) if user.mfa_enabled else 0,
        "password_login": site.password_login_enabled(session) and user.password_hash is not None,
        "required": request.query_params.get("required") == "1", **ctx}, status_code=status_code)


@router.get("/account/security")
def security_page(request: Request, session: SessionDep):
    user, row = _account(request, session)
    return _page(request, session, user, row)


@router.post("/account/mfa/start", dependencies=[CsrfChecked])
def mfa_start(request: Request, session: SessionDep):
    user, row = _account(request, session)
    try:
        secret, uri = mfa.start_enrolment(session, actor=user)
    except DomainError as exc:
        return _page(request, session, user, row, exc.status_code, error=exc.detail)
    return _page(request, session, user, row, enrolling={"secret": secret, "qr": mfa.qr_svg_data_uri(uri)})


@router.post("/account/mfa/confirm", dependencies=[CsrfChecked])
def mfa_confirm(request: Request, session: SessionDep, code: Annotated[str, Form(max_length=40)]):
    user, row = _account(request, session)
    try:
        codes = mfa.confirm_enrolment(session, actor=user, code=code)
    except DomainError as exc:
        secret = mfa.pending_secret(user)
        enrolling = None
        if secret:
            import pyotp

            uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=get_settings().org_name_en)
            enrolling = {"secret": secret, "qr": mfa.qr_svg_data_uri(uri)}
        return _page(request, session, user, row, 422, error=exc.detail, enrolling=enrolling)
    if row.stage == "enrol":  # the second factor was the last step of signing in
        request.session["sid"] = sessions.rotate_row(session, row, stage="active", reason="second_factor")
        row = sessions.find(session, request.session["sid"])
    return _page(request, session, user, row, recovery_codes=codes)


@router.post("/account/recovery-codes", dependencies=[CsrfChecked])
def recovery_codes(request: Request, session: SessionDep):
    user, row = _account(request, session)
    try:
        codes = mfa.regenerate_recovery_codes(session, actor=user)
    except DomainError as exc:
        return _page(request, session, user, row, exc.status_code, error=exc.detail)
    return _page(request, session, user, row, recovery_codes=codes)


@router.post("/account/mfa/disable", dependencies=[CsrfChecked])
def mfa_disable(request: Request, session: SessionDep):
    user, row = _account(request, session)
    mfa.disable(session, actor=user, user=user)
    return RedirectResponse("/account/security", status_code=303)


@router.post("/account/password", dependencies=[CsrfChecked])
def change_password(request: Request, session: SessionDep, current: Annotated[str, Form(max_length=1000)],
                    new: Annotated[str, Form(max_length=1000)]):
    user, row = _account(request, session)
    try:
        service.change_own_password(session, actor=user, current=current, new=new, session_id=row.id)
    except DomainError as exc:
        return _page(request, session, user, row, exc.status_code, password_error=exc.detail)
    return _page(request, session, user, row, password_changed=True)


@router.post("/account/sessions/{session_id}/end", dependencies=[CsrfChecked])
def end_own_session(request: Request, session: SessionDep,
                    session_id: Annotated[int, Path(ge=1, le=2_147_483_647)]):
    user, row = _account(request, session)
    target = session.get(UserSession, session_id)
    if target is None or target.user_id != user.id:
        raise NotFound("no such session")
    service.end_session(session, actor=user, target=target)
    if target.id == row.id:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/account/security", status_code=303)
