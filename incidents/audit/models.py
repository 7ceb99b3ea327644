"""The append-only, hash-chained event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Integer
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_column=Column(Integer, unique=True, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    actor: str = Field(max_length=320)  # email, or "operator" / "system"
    action: str = Field(max_length=80)
    incident_id: int | None = Field(default=None, index=True)
    entity: str | None = Field(default=None, max_length=80)
    entity_id: str | None = Field(default=None, max_length=80)
    before: Any = Field(default=None, sa_column=Column(JSON))
    after: Any = Field(default=None, sa_column=Column(JSON))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # the key that hashed the event (incidents.audit.keys); None: an unkeyed event written before keys
    key_id: str | None = Field(default=None, max_length=16)
    # SHA-256 of before/after: the chain covers it, so personal data in them can be erased (redacted_at)
    # without breaking the chain
    body_hash: str | None = Field(default=None, max_length=64)
    redacted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEventPublic(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str | None
    entity_id: str | None
    before: Any
    after: Any


class VerifyResult(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str | None = None  # in English
    problem_kind: str | None = None  # removed | edited | reordered | ... (audit.labels.VERIFY_PROBLEMS)
    expected_seq: int | None = None
    head_seq: int | None = None  # the newest event checked
    head_hash: str | None = None
    anchor_seq: int | None = None  # when checked against an anchor: the event it names
