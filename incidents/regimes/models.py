"""Tables of the regimes: per-incident overrides, the obligations an incident gave rise to (each with the
rule in force when it arose), and the correspondence log of each obligation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class ObligationStatus(StrEnum):
    pending = "pending"
    submitted = "submitted"  # done: reported, notified, published
    released = "released"  # entrustment: the 委託先 told the 委託元 and no longer reports itself
    withdrawn = "withdrawn"  # the facts changed and it no longer arises (kept as history)


class LogKind(StrEnum):
    submitted = "submitted"  # submitted (with the reference number if given)
    reference = "reference"  # a reference / receipt number received
    question = "question"  # a question from the regulator or counsel
    answer = "answer"  # our answer
    resubmitted = "resubmitted"  # corrected and submitted again
    delay_reason = "delay_reason"  # why it was (or will be) late
    note = "note"


class IncidentRegimes(SQLModel, table=True):
    """What differs for one incident from the organisation's profile."""

    __tablename__ = "incident_regimes"
    incident_id: int = Field(foreign_key="incidents.id", primary_key=True, ondelete="CASCADE")
    add_regimes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    remove_regimes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    entrustment: str = Field(default="none", max_length=16)
    counterpart: str = Field(default="", max_length=200)
    joint_report: bool = False
    delegated_to: str | None = Field(default=None, max_length=32)
    customer_data: bool | None = None
    serious_violation: bool = False
    telecom_secrecy: bool = False
    synced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Obligation(SQLModel, table=True):
    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("incident_id", "key", name="uq_obligations_incident_key"),
        Index("ix_obligations_status_due", "status", "due_at"),
        Index("ix_obligations_regime", "regime", "incident_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=64)
    regime: str = Field(max_length=24)
    kind: str = Field(max_length=24)
    to: str = Field(max_length=32)
    status: str = Field(default=ObligationStatus.pending, max_length=16)
    due_at: datetime = Field(sa_type=UTCDateTime)
    limit_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    arose_at: datetime = Field(sa_type=UTCDateTime)
    rule_version: str = Field(max_length=64)
    rule: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # snapshot + applied figures
    basis: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    joint: bool = False
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="users.id")
    reference: str = Field(default="", max_length=200)
    snapshot: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # the form as submitted
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CorrespondenceEntry(SQLModel, table=True):
    __tablename__ = "obligation_correspondence"
    __table_args__ = (Index("ix_obligation_correspondence_obligation", "obligation_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = Field(foreign_key="obligations.id", ondelete="CASCADE")
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)  # when it happened (given by the officer)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    reference: str = Field(default="", max_length=200)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
