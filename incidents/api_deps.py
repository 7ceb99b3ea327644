"""FastAPI dependencies: the session, the acting user (API token or web session), CSRF."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer
from sqlmodel import Session

from incidents.db import SessionDep, get_session
from incidents.errors import Forbidden, Unauthorized
from incidents.people import service as people
from incidents.people.models import User

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Viewer:
    id: int
    email: str
    display_name: str
    locale: str
    role: str
    is_officer: bool
    is_manager: bool
    is_admin: bool
    admin_only: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(id=user.id, email=user.email, display_name=user.display_name, locale=user.locale,
                   role=user.role, is_officer=user.is_officer, is_manager=user.is_manager, is_admin=user.is_admin,
                   admin_only=user.admin_only)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _session_user(request: Request, session: Session) -> User | None:
    """The person whose live session the cookie names (the cookie carries only a random identifier)."""
    from incidents.people import sessions

    raw = request.session.get("sid")
    if not raw:
        return None
    resolved = sessions.resolve(session, raw, in_write_transaction=request.method not in ("GET", "HEAD", "OPTIONS"))
    if resolved.user is None:
        return None  # (a session waiting for its second factor keeps its identifier)
    if resolved.new_raw:
        request.session["sid"] = resolved.new_raw
    return resolved.user


def optional_user(request: Request, session: SessionDep) -> User | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = people.user_for_token(session, auth[7:].strip())
        request.state.auth = "token"
    else:
        user = _session_user(request, session)
        request.state.auth = "session"
        # A browser session calling the API must prove the call came from our pages (forms check
        # their own hidden field in incidents.pagekit.verify_csrf).
        if (user is not None and request.method not in ("GET", "HEAD", "OPTIONS")
                and request.url.path.startswith("/api/")):
            sent = request.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent, request.session.get("csrf", "")):
                raise Forbidden("missing or wrong CSRF token", code="csrf")
    request.state.user = user
    # A plain copy for templates: still readable after the session has closed (e.g. on an error page).
    request.state.viewer = Viewer.of(user) if user is not None else None
    return user


# Declared for the OpenAPI document (operations that need a caller carry `security`); optional_user reads them.
_BEARER = HTTPBearer(auto_error=False, scheme_name="token", description=(
    "An API token: `Authorization: Bearer inc_…`. The web pages' session cookie works too (with X-CSRF-Token "
    "on changes)."))


def current_user(user: Annotated[User | None, Depends(optional_user)],
                 _token: Annotated[object, Security(_BEARER)] = None) -> User:
    if user is None:
        raise Unauthorized("log in, or send an API token as 'Authorization: Bearer …'")
    return user



CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
__all__ = ["SessionDep", "CurrentUser", "OptionalUser", "get_session", "csrf_token"]
