"""Tables of the response: the playbook steps and the reminders emitted for them.

Per-recipient steps carry the recipient's address and what was recorded for it (deletion
request sent, confirmation received with `opened`, apology by phone and in writing).
`response_reminders` is the exactly-once key: one row per (step, kind, threshold), inserted by
whichever scheduler gets there first; the deliveries are created in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class StepStatus(StrEnum):
    pending = "pending"
    done = "done"
    waived = "waived"
    not_applicable = "not_applicable"


class ApologyChannel(StrEnum):
    phone = "phone"
    letter = "letter"
    email = "email"


class Step(SQLModel, table=True):
    __tablename__ = "response_steps"
    __table_args__ = (
        UniqueConstraint("incident_id", "key", name="uq_response_steps_incident_key"),
        Index("ix_response_steps_incident_position", "incident_id", "position"),
        # the scheduler's sweep: pending steps whose next notification has come
        Index("ix_response_steps_next_notify", "next_notify_at"),
        Index("ix_response_steps_status_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    key: str = Field(max_length=400)
    kind: str = Field(max_length=40)
    role: str = Field(max_length=20)
    position: int = Field(default=0, sa_type=BigInteger)
    required: bool = True
    gated: bool = False
    recipient_address: str | None = Field(default=None, max_length=320)
    status: str = Field(default=StepStatus.pending, max_length=20)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    manual_due: bool = False
    next_notify_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    waive_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    done_by_id: int | None = Field(default=None, foreign_key="users.id")
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # per-recipient records
    request_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened: str | None = Field(default=None, max_length=8)
    phone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    written_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    written_channel: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    __tablename__ = "response_reminders"
    __table_args__ = (UniqueConstraint("step_id", "kind", "threshold", name="uq_response_reminders_key"),)
    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="response_steps.id", ondelete="CASCADE", index=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=24)
    threshold: int = 0
    fire_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
