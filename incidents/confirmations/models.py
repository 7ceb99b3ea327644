"""Tables of the online deletion confirmations: sendings, one request per wrong recipient and sending,
its confirmation link (only a hash of the token is kept), the answers that came back, and the bounces
and automatic replies matched to a request.

    DeletionSending 1─n DeletionRequest 1─1 ConfirmationToken
                          DeletionRequest 1─n ConfirmationAnswer (the latest stands; earlier ones are history)
                          DeletionRequest 1─n DeletionBounce
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class RequestStatus(StrEnum):
    queued = "queued"  # in the outbox
    sent = "sent"  # handed to the mail server
    bounced = "bounced"  # a delivery failure came back
    failed = "failed"  # the outbox gave up
    answered = "answered"  # a confirmation came back (online or on paper)


class BounceKind(StrEnum):
    bounce = "bounce"
    auto_reply = "auto_reply"


class DeletionSending(SQLModel, table=True):
    __tablename__ = "deletion_sendings"
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE", index=True)
    lang: str = Field(default="", max_length=4)  # forced language, "" = each reader's own
    count: int = 0
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeletionRequest(SQLModel, table=True):
    __tablename__ = "deletion_requests"
    __table_args__ = (
        UniqueConstraint("sending_id", "recipient_id", name="uq_deletion_requests_sending_recipient"),
        Index("ix_deletion_requests_incident", "incident_id", "status"),
        Index("ix_deletion_requests_reminder", "next_reminder_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sending_id: int = Field(foreign_key="deletion_sendings.id", ondelete="CASCADE")
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="recipients.id", ondelete="CASCADE", index=True)
    address: str = Field(max_length=320)  # lower-cased
    reference: str = Field(max_length=40)
    lang: str = Field(max_length=4)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=RequestStatus.queued, max_length=12)
    delivery_key: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    reminders: int = 0
    queued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_mailed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    bounced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened: str | None = Field(default=None, max_length=8)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class ConfirmationToken(SQLModel, table=True):
    __tablename__ = "confirmation_tokens"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="deletion_requests.id", ondelete="CASCADE", unique=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    nonce: str = Field(max_length=32)  # with the server's secret key, re-creates the token for a reminder
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ConfirmationAnswer(SQLModel, table=True):
    __tablename__ = "confirmation_answers"
    __table_args__ = (Index("ix_confirmation_answers_request", "request_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="deletion_requests.id", ondelete="CASCADE")
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE", index=True)
    opened: str = Field(max_length=8)
    deleted_inbox: bool = False
    deleted_trash: bool = False
    deleted_files: bool = False
    deleted_printouts: bool = False
    not_forwarded: bool = False
    name: str = Field(default="", max_length=200)
    organization: str = Field(default="", max_length=200)
    signed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    lang: str = Field(default="ja", max_length=4)
    remote_address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeletionBounce(SQLModel, table=True):
    __tablename__ = "deletion_bounces"
    __table_args__ = (Index("ix_deletion_bounces_incident", "incident_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    request_id: int | None = Field(default=None, foreign_key="deletion_requests.id", ondelete="SET NULL")
    kind: str = Field(max_length=12)
    matched_by: str = Field(default="", max_length=12)  # reference | token | address | "" (unmatched)
    subject: str = Field(default="", max_length=500)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message_id: str = Field(default="", sa_column=Column(String(400), nullable=False, default=""))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
