"""What stays of an incident deleted at the end of its retention period (incidents.system.retention)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime


class IncidentTombstone(SQLModel, table=True):
    __tablename__ = "incident_tombstones"
    incident_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    reported_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime = Field(sa_type=UTCDateTime)
    purged_at: datetime = Field(sa_type=UTCDateTime)
    retention_years: int
    recipients_count: int = 0
