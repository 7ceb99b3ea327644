"""Login, logout, language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import OptionalUser, SessionDep
from incidents.errors import Unauthorized
from incidents.people import service
from incidents.pagekit import CsrfChecked, PageUser, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None):
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "pages/login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, session: SessionDep, email: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/"):
    try:
        user = service.authenticate(session, email=email, password=password)
    except Unauthorized as exc:
        return render(request, "pages/login.html", {"next": _safe_next(next), "error": exc.detail, "email": email},
                      status_code=401)
    csrf = request.session.get("csrf")
    request.session.clear()
    request.session.update({"uid": user.id, "pwv": (user.password_hash or "")[-16:], "csrf": csrf})
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/settings/language", dependencies=[CsrfChecked])
def language(request: Request, session: SessionDep, user: PageUser, locale: Annotated[str, Form()],
             next: Annotated[str, Form()] = "/"):
    service.set_locale(session, actor=user, locale=locale)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.delete_cookie("lang")
    return response
