"""Tables of notify: the delivery log (also the outbox) and the in-app notification list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class Channel(StrEnum):
    mail = "mail"
    webhook = "webhook"


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its (next) attempt
    sending = "sending"  # claimed under a lease by one scheduler process
    sent = "sent"
    failed = "failed"  # attempts exhausted or a permanent error: visible, never blocks anything
    cancelled = "cancelled"  # no longer relevant when its turn came (a reminder for a step done since)


class Delivery(SQLModel, table=True):
    __tablename__ = "notify_deliveries"
    __table_args__ = (
        Index("ix_notify_deliveries_due", "status", "next_attempt_at"),
        Index("ix_notify_deliveries_incident", "incident_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # unique: the same notification is never queued twice
    dedupe_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    channel: str = Field(max_length=16)
    target: str = Field(max_length=2000)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    incident_id: int | None = Field(default=None, foreign_key="incidents.id", ondelete="CASCADE")
    event: str = Field(default="notice", max_length=60)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DeliveryStatus.pending, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InAppNotification(SQLModel, table=True):
    __tablename__ = "notify_inapp"
    __table_args__ = (Index("ix_notify_inapp_user", "user_id", "read_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    incident_id: int | None = Field(default=None, foreign_key="incidents.id", ondelete="CASCADE")
    event: str = Field(default="notice", max_length=60)
    title: str = Field(max_length=500)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    link: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
