"""The job table: heavy work as rows, claimed by worker processes (`incidents worker`).

A job is queued by a service in the caller's transaction (`jobs.enqueue`), claimed by one worker under a
lease (`worker`, `leased_until`, renewed by a heartbeat), and ends `done` or `failed`. A job whose worker
died is claimed again when its lease has expired. Work items that must be made once (one letter per reader)
are recorded in `job_items` under a unique (job, key): a worker that takes a job over skips what is done.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class JobStatus(StrEnum):
    queued = "queued"  # waiting for a worker (or for its `run_after`)
    running = "running"  # claimed by `worker` until `leased_until` (renewed while it runs)
    done = "done"
    failed = "failed"  # the reason in `error`; never retried by itself


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_due", "status", "run_after"),
        Index("ix_jobs_incident", "incident_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=JobStatus.queued, max_length=12)
    # the incident the job works on (who may see it: the kind decides, usually "who may see the incident")
    incident_id: int | None = Field(default=None, foreign_key="incidents.id", ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # a job queued twice under one key is one job (e.g. one digest per month)
    dedupe_key: str | None = Field(default=None, sa_column=Column(String(200), unique=True, nullable=True))
    run_after: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0  # claims so far (a worker that died leaves one behind)
    worker: str | None = Field(default=None, max_length=100)
    leased_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done: int = 0
    total: int = 0
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # when this worker claimed it, and how much was done then (the ETA counts this worker's pace)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_done: int = 0
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobItem(SQLModel, table=True):
    """One piece of a job's work that is made once (a letter): its key, who made it and when."""

    __tablename__ = "job_items"
    __table_args__ = (UniqueConstraint("job_id", "key", name="uq_job_items_key"),)
    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="jobs.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    worker: str = Field(default="", max_length=100)
    made_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
