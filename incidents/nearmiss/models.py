"""The published near-miss cases: stored apart from the incident.

A case keeps no incident id. `source_ref` is an HMAC of the incident id under the server's secret key:
the service can find the case of an incident (to withdraw or re-publish it), but nobody reading a case,
its JSON or its page can follow it back. Search: the case's normalised terms (`terms`, and its title's
`title_terms`; see incidents.nearmiss.search_index), computed at publication and indexed (SQLite FTS5
table `nearmiss_terms` kept by triggers with the published cases only, migration 0210; PostgreSQL GIN on
the term arrays stored beside them as generated columns, migration 0212).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class CaseStatus(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


class NearMissCase(SQLModel, table=True):
    __tablename__ = "nearmiss_cases"
    __table_args__ = (
        Index("ix_nearmiss_cases_status_id", "status", "id"),
        Index("ix_nearmiss_cases_status_type", "status", "mistake_type", "id"),
        Index("ix_nearmiss_cases_period", "status", "period"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_ref: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    locale: str = Field(default="ja", max_length=8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    sections: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{key, title, text}]
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # folded text
    title_terms: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # space-separated
    terms: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # title and sections
    mistake_type: str = Field(max_length=40)
    discovery_method: str = Field(max_length=40)
    period: str = Field(max_length=7)  # YYYY-MM
    data_items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    persons_min: int | None = None
    persons_max: int | None = None
    factors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    factors_text: str = Field(default="", max_length=1000)  # " haste autocomplete " for filtering
    four_m: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    four_e: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    four_e_text: str = Field(default="", max_length=200)
    hours_to_report: float | None = None
    status: str = Field(default=CaseStatus.published, max_length=16)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
