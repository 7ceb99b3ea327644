"""Tables of root-cause analysis: one analysis per incident (five whys, factors, causes with 4M) and its
countermeasures (4E class, owner, due date, status, effectiveness review)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, Index, Text
from sqlmodel import Field, SQLModel

from incidents.analysis.vocab import CountermeasureStatus
from incidents.types import UTCDateTime, utcnow


class Analysis(SQLModel, table=True):
    __tablename__ = "rca_analyses"
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", unique=True, ondelete="CASCADE")
    whys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    factors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    factor_notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    causes: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{text, four_m}]
    kind_of_work: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Countermeasure(SQLModel, table=True):
    __tablename__ = "rca_countermeasures"
    __table_args__ = (
        Index("ix_rca_countermeasures_incident", "incident_id", "id"),
        Index("ix_rca_countermeasures_status_due", "status", "due_on"),
        Index("ix_rca_countermeasures_owner", "owner_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    title: str = Field(sa_column=Column(Text, nullable=False))
    four_e: str = Field(max_length=20)
    owner_id: int = Field(foreign_key="users.id")
    reviewer_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    review_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(default=CountermeasureStatus.planned, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
