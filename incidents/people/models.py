"""Users, departments, API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class Role(StrEnum):
    employee = "employee"
    manager = "manager"
    officer = "officer"
    admin = "admin"


class Department(SQLModel, table=True):
    __tablename__ = "departments"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    parent_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("departments.id"), nullable=True))


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), unique=True, nullable=False))
    display_name: str = Field(max_length=200)
    department_id: int = Field(foreign_key="departments.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    # Comma-separated roles, the first being the primary one (e.g. "admin,officer").
    roles: str = Field(default="employee", max_length=100)
    locale: str = Field(default="ja", max_length=8)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The random handle of the person's calendar-feed URL (renewed when their credentials change).
    feed_key: str | None = Field(default_factory=lambda: secrets.token_urlsafe(24), max_length=64, index=True)
    # Second factor (TOTP, RFC 6238): the shared secret once enrolment is confirmed, and the last time step
    # used (a code is accepted once).
    totp_secret: str | None = Field(default=None, max_length=255)
    totp_last_step: int | None = Field(default=None)
    mfa_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Identifiers given by the identity provider: the OpenID Connect subject, SCIM's externalId.
    sso_subject: str | None = Field(default=None, sa_column=Column(String(255), unique=True, nullable=True))
    external_id: str | None = Field(default=None, max_length=255)
    # SCIM: the userName and the attributes the provider sent (JSON), so they read back as sent.
    scim_user_name: str | None = Field(default=None, sa_column=Column(String(255), unique=True, nullable=True))
    scim_data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    @property
    def role_set(self) -> set[str]:
        return {r for r in self.roles.split(",") if r}

    @property
    def role(self) -> str:
        return self.roles.split(",")[0]

    @property
    def is_officer(self) -> bool:
        return Role.officer in self.role_set

    @property
    def is_manager(self) -> bool:
        return Role.manager in self.role_set

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.role_set

    @property
    def admin_only(self) -> bool:
        """An administrator manages users and reads no incident unless also officer."""
        return self.is_admin and not self.is_officer


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries only a random identifier; this row holds the rest."""

    __tablename__ = "user_sessions"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    # active | mfa (password accepted, second factor awaited) | enrol (must enrol a second factor first)
    stage: str = Field(default="active", max_length=16)
    method: str = Field(default="password", max_length=16)  # password | sso
    roles: str = Field(default="", max_length=100)  # the roles it was opened with (a change rotates it)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=40)
    # For the provider's end-session endpoint (RP-initiated logout): the ID token given at sign-in.
    id_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_codes"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Group(SQLModel, table=True):
    """A group pushed by the identity provider (SCIM); its members' roles follow the configured mapping."""

    __tablename__ = "user_groups"
    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    external_id: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    scim_data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class GroupMember(SQLModel, table=True):
    __tablename__ = "user_group_members"
    group_id: int = Field(foreign_key="user_groups.id", primary_key=True)
    user_id: int = Field(foreign_key="users.id", primary_key=True, index=True)


# ---- edge models -------------------------------------------------------------------------------


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    display_name: str
    department: str
    manager: str | None
    role: str
    roles: list[str]
    locale: str
    active: bool


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    user: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class SessionPublic(BaseModel):
    id: int
    user: str
    display_name: str
    method: str
    stage: str
    ip: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SiteSetting(SQLModel, table=True):
    """A setting an administrator changes at run time (the environment gives the default)."""

    __tablename__ = "site_settings"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
