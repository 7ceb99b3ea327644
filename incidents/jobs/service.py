"""Queueing jobs (in the caller's transaction), reading them (access checked) and the worker's side of the
table: claim under a lease, renew it while working, record progress and made items, finish or fail.

    job = enqueue(session, "documents.letters", {"to": "affected"}, actor=user, incident_id=12, total=600)

Claiming takes the oldest due job with FOR UPDATE SKIP LOCKED on PostgreSQL (workers on several machines
never wait for each other) and under the write lock on SQLite (one writer at a time). A job is due when it
is queued and its time has come, or when it is running and its lease has expired (its worker died).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from incidents.errors import InvalidInput, NotFound
from incidents.jobs import labels as _labels  # noqa: F401 - the status labels pages show
from incidents.jobs.models import Job, JobItem, JobStatus
from incidents.jobs.registry import get_kind
from incidents.types import utcnow

MAX_PARAMS_BYTES = 8 << 20


class LeaseLost(Exception):
    """Another worker holds the job now (this one was too slow to renew its lease): stop, write nothing."""


# ---- queueing and reading ----------------------------------------------------------------------


def enqueue(session: Session, kind: str, params: dict[str, Any] | None = None, *, actor: Any = None,
            incident_id: int | None = None, total: int = 0, dedupe_key: str | None = None,
            run_after: datetime | None = None) -> Job:
    """Queue a job of `kind` in the caller's transaction (it runs once the caller commits). The caller
    checks access and audits what the job is for. With `dedupe_key`, a second call returns the first job."""
    if get_kind(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    params = dict(params or {})
    if len(json.dumps(params, ensure_ascii=False, default=str)) > MAX_PARAMS_BYTES:
        raise InvalidInput("the job's input is too large")
    if dedupe_key is not None:
        known = session.execute(select(Job).where(Job.dedupe_key == dedupe_key)).scalar_one_or_none()
        if known is not None:
            return known
    job = Job(kind=kind, params=params, incident_id=incident_id, total=total, dedupe_key=dedupe_key,
              created_by_id=getattr(actor, "id", None), run_after=run_after or utcnow())
    session.add(job)
    session.flush()
    return job


def may_see(session: Session, actor: Any, job: Job) -> bool:
    kind = get_kind(job.kind)
    if kind is not None and kind.visible is not None:
        return bool(kind.visible(session, actor, job))
    return actor is not None and job.created_by_id == actor.id


def get(session: Session, *, actor: Any, job_id: int) -> Job:
    """The job, if the actor may see it (else NotFound, as for a job that does not exist)."""
    job = session.get(Job, job_id)
    if job is None or not may_see(session, actor, job):
        raise NotFound("no job %(id)s", id=job_id)
    return job


def for_incident(session: Session, incident_id: int, *, kinds: Iterable[str] | None = None, limit: int = 5) -> list[Job]:
    """The newest jobs of an incident (the caller has checked that the actor may see the incident)."""
    q = select(Job).where(Job.incident_id == incident_id)
    if kinds is not None:
        q = q.where(Job.kind.in_(list(kinds)))
    return list(session.execute(q.order_by(Job.id.desc()).limit(limit)).scalars())


class JobPublic(BaseModel):
    id: int
    kind: str
    status: str
    incident_id: int | None
    done: int
    total: int
    percent: float
    eta_seconds: float | None  # at this worker's pace; None before it has a pace or when finished
    attempts: int
    error: str
    result: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def eta_seconds(job: Job, now: datetime | None = None) -> float | None:
    if job.status != JobStatus.running or not job.claimed_at or job.total <= 0:
        return None
    made = job.done - job.claimed_done
    if made <= 0:
        return None
    elapsed = ((now or utcnow()) - job.claimed_at).total_seconds()
    return max(0.0, round(elapsed / made * (job.total - job.done), 1))


def to_public(job: Job, now: datetime | None = None) -> JobPublic:
    percent = 100.0 if job.status == JobStatus.done else (round(100 * job.done / job.total, 1) if job.total else 0.0)
    return JobPublic(id=job.id, kind=job.kind, status=job.status, incident_id=job.incident_id, done=job.done,
                     total=job.total, percent=percent, eta_seconds=eta_seconds(job, now), attempts=job.attempts,
                     error=job.error, result=job.result or {}, created_at=job.created_at, started_at=job.started_at,
                     finished_at=job.finished_at)


# ---- the worker's side -------------------------------------------------------------------------


def claim(session: Session, *, worker: str, lease: timedelta, now: datetime | None = None,
          kinds: Iterable[str] | None = None, job_id: int | None = None) -> Job | None:
    """Claim the oldest due job (or the given one, if due) for `worker` until now + lease. The caller commits."""
    now = now or utcnow()
    due = or_(and_(Job.status == JobStatus.queued, Job.run_after <= now),
              and_(Job.status == JobStatus.running, Job.leased_until < now))
    q = select(Job).where(due)
    if kinds is not None:
        q = q.where(Job.kind.in_(list(kinds)))
    if job_id is not None:
        q = q.where(Job.id == job_id)
    q = q.order_by(Job.run_after, Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    job = session.execute(q).scalars().first()
    if job is None:
        return None
    job.status, job.worker, job.leased_until, job.heartbeat_at = JobStatus.running, worker, now + lease, now
    job.attempts += 1
    job.started_at = job.started_at or now
    job.claimed_at, job.claimed_done = now, job.done
    session.add(job)
    session.flush()
    return job


def renew(session: Session, *, job_id: int, worker: str, lease: timedelta, done: int | None = None,
          total: int | None = None, now: datetime | None = None) -> None:
    """Extend this worker's lease (and record progress); LeaseLost if another worker has the job now."""
    now = now or utcnow()
    values: dict[str, Any] = {"leased_until": now + lease, "heartbeat_at": now}
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    result = session.execute(update(Job).where(Job.id == job_id, Job.worker == worker,
                                               Job.status == JobStatus.running).values(**values))
    if result.rowcount != 1:
        raise LeaseLost(f"job {job_id} is no longer held by {worker}")


def finish(session: Session, *, job_id: int, worker: str, result: dict | None, now: datetime | None = None) -> None:
    now = now or utcnow()
    values: dict[str, Any] = {"status": JobStatus.done, "finished_at": now, "leased_until": None,
                              "result": result or {}, "error": ""}
    job = session.get(Job, job_id)
    if job is not None and job.total:
        values["done"] = job.total
    changed = session.execute(update(Job).where(Job.id == job_id, Job.worker == worker,
                                                Job.status == JobStatus.running).values(**values))
    if changed.rowcount != 1:
        raise LeaseLost(f"job {job_id} is no longer held by {worker}")


def mark_failed(session: Session, *, job_id: int, worker: str | None, reason: str, now: datetime | None = None) -> None:
    q = update(Job).where(Job.id == job_id, Job.status.in_([JobStatus.queued, JobStatus.running]))
    if worker is not None:
        q = q.where(Job.worker == worker)
    session.execute(q.values(status=JobStatus.failed, error=reason[:2000], finished_at=now or utcnow(),
                             leased_until=None))


def made(session: Session, *, job_id: int, keys: Iterable[str], worker: str) -> int:
    """Record work items as made (a key already recorded stays as it was); returns how many were new."""
    rows = [{"job_id": job_id, "key": k, "worker": worker, "made_at": utcnow()} for k in keys]
    if not rows:
        return 0
    mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = mod.insert(JobItem.__table__).on_conflict_do_nothing().returning(JobItem.__table__.c.id)
    conn = session.connection()
    return sum(len(conn.execute(stmt, row).all()) for row in rows)


def made_keys(session: Session, *, job_id: int) -> set[str]:
    return set(session.execute(select(JobItem.key).where(JobItem.job_id == job_id)).scalars())
