"""Users and API tokens over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, Field

from incidents.api_deps import CurrentUser, SessionDep
from incidents.people import service
from incidents.people.orgfile import MAX_BYTES, read_rows
from incidents.people.orgimport import import_org
from incidents.people.models import TokenPublic, UserPublic

router = APIRouter(tags=["people"])


class UserCreate(BaseModel):
    email: str
    display_name: str = Field(min_length=1, max_length=200)
    role: str | list[str] = "employee"
    department: str = Field(min_length=1, max_length=200)
    manager: str | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    locale: str = "ja"


class TokenCreate(BaseModel):
    name: str = Field(default="token", max_length=200)
    # Tokens are only ever created for the caller. Naming another user is refused (403), never re-targeted.
    user: str | None = None


class TokenCreated(TokenPublic):
    token: str


class LocaleIn(BaseModel):
    locale: str


@router.get("/me", response_model=UserPublic)
def me(session: SessionDep, user: CurrentUser):
    return service.to_public(session, user)


@router.put("/me/locale", response_model=UserPublic)
def set_my_locale(body: LocaleIn, session: SessionDep, user: CurrentUser):
    service.set_locale(session, actor=user, locale=body.locale)
    return service.to_public(session, user)


@router.get("/users", response_model=list[UserPublic])
def list_users(session: SessionDep, user: CurrentUser):
    return service.list_users(session, actor=user)


@router.post("/users", response_model=UserPublic, status_code=201)
def add_user(body: UserCreate, session: SessionDep, user: CurrentUser):
    created = service.add_user(session, actor=user, email=body.email, display_name=body.display_name,
                               roles=body.role, department_name=body.department, manager_email=body.manager,
                               password=body.password, locale=body.locale)
    return service.to_public(session, created)


@router.get("/tokens", response_model=list[TokenPublic])
def list_tokens(session: SessionDep, user: CurrentUser):
    return service.list_tokens(session, actor=user)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, session: SessionDep, user: CurrentUser):
    token, row = service.create_token(session, actor=user, email=body.user or user.email, name=body.name)
    return TokenCreated(id=row.id, name=row.name, prefix=row.prefix, user=user.email, created_at=row.created_at,
                        revoked_at=None, last_used_at=None, token=token)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, session: SessionDep, user: CurrentUser):
    service.revoke_token(session, actor=user, token_id=token_id)


class OrgImportOut(BaseModel):
    dry_run: bool
    rows: int
    added: list[str]
    changed: list[dict]
    deactivated: list[str]
    reactivated: list[str]
    departments_added: list[str]
    departments_moved: list[dict]
    has_changes: bool


@router.post("/org/import", response_model=OrgImportOut,
             summary="Bring people, departments and managers in line with an HR file (CSV or XLSX); administrators")
def org_import(session: SessionDep, user: CurrentUser,
               file: Annotated[UploadFile, File(description="CSV (UTF-8 or Shift_JIS) or XLSX, one row per person")],
               dry_run: Annotated[bool, Query(description="Report what would change; save nothing")] = False,
               prune: Annotated[bool, Query(description="Deactivate the active people missing from the file")] = False):
    service.require_admin(user)
    rows = read_rows(file.file.read(MAX_BYTES + 1), file.filename or "")
    return import_org(session, actor=user, rows=rows, prune=prune, dry_run=dry_run).as_dict()
