"""Users, departments, API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, String
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
