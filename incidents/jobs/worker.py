"""The worker process (`incidents worker`): claim a due job, run its kind, record the outcome; again.

While a job runs, a heartbeat thread renews its lease every quarter of the lease, so a job is taken over
only when its worker has really stopped (killed, machine gone). A worker that finds its lease taken by
another (it was frozen longer than the lease) stops that job at its next progress report and writes nothing
more. Several workers may run on one machine or many, against one database.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import DomainError
from incidents.jobs import service
from incidents.jobs.models import Job
from incidents.jobs.registry import get_kind, load
from incidents.jobs.service import LeaseLost
from incidents.migrations import ensure_migrated

log = logging.getLogger("incidents.jobs")


def worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lease() -> timedelta:
    return timedelta(seconds=get_settings().jobs_lease_seconds)


class JobContext:
    """What a job kind's function gets: its parameters, and the ways to report progress and made items.

        ctx.progress(done, total)      # records progress and renews the lease; raises LeaseLost if taken over
        ctx.made(["00001", "00002"])   # these work items are made (recorded once; see made_keys)
        ctx.made_keys()                # what earlier workers of this job made (skip it)
        with ctx.session() as s: ...   # a unit of work of its own
    """

    def __init__(self, job: Job, *, worker: str, lease: timedelta):
        self.job_id = job.id
        self.kind = job.kind
        self.params: dict[str, Any] = dict(job.params or {})
        self.incident_id = job.incident_id
        self.created_by_id = job.created_by_id
        self.attempt = job.attempts
        self.worker = worker
        self.lease = lease
        self.lost = threading.Event()

    def session(self, *, write: bool = True):
        return session_scope(write=write)

    def actor(self, session) -> Any:
        from incidents.people.models import User

        return session.get(User, self.created_by_id) if self.created_by_id is not None else None

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"job {self.job_id} was taken over by another worker")

    def progress(self, done: int, total: int | None = None) -> None:
        self.check()
        try:
            with session_scope() as s:
                service.renew(s, job_id=self.job_id, worker=self.worker, lease=self.lease, done=done, total=total)
        except LeaseLost:
            self.lost.set()
            raise

    def made(self, keys: Iterable[str]) -> int:
        self.check()
        with session_scope() as s:
            return service.made(s, job_id=self.job_id, keys=list(keys), worker=self.worker)

    def made_keys(self) -> set[str]:
        with session_scope(write=False) as s:
            return service.made_keys(s, job_id=self.job_id)


class _Heartbeat(threading.Thread):
    def __init__(self, ctx: JobContext):
        super().__init__(name=f"heartbeat-{ctx.job_id}", daemon=True)
        self.ctx = ctx
        self.stopped = threading.Event()

    def run(self) -> None:
        every = max(0.2, self.ctx.lease.total_seconds() / 4)
        while not self.stopped.wait(every):
            try:
                with session_scope() as s:
                    service.renew(s, job_id=self.ctx.job_id, worker=self.ctx.worker, lease=self.ctx.lease)
            except LeaseLost:
                self.ctx.lost.set()
                return
            except Exception:  # noqa: BLE001 - a database hiccup: try again at the next beat
                log.warning("job %s: heartbeat failed", self.ctx.job_id, exc_info=True)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.detail
    return f"{type(exc).__name__}: {exc}"


def run_claimed(job: Job, *, worker: str, lease: timedelta) -> str:
    """Run one claimed job to its end; returns its status (done, failed, or lost to another worker)."""
    kind = get_kind(job.kind)
    if kind is None:
        with session_scope() as s:
            service.mark_failed(s, job_id=job.id, worker=worker, reason=f"unknown job kind {job.kind!r}")
        return "failed"
    if job.attempts > get_settings().jobs_max_attempts:
        with session_scope() as s:
            service.mark_failed(s, job_id=job.id, worker=worker,
                         reason=f"its workers stopped {job.attempts - 1} times before it was done")
        return "failed"
    ctx = JobContext(job, worker=worker, lease=lease)
    beat = _Heartbeat(ctx)
    beat.start()
    try:
        result = kind.run(ctx)
        ctx.check()
        with session_scope() as s:
            service.finish(s, job_id=job.id, worker=worker, result=result)
        log.info("job %s (%s) done", job.id, job.kind)
        return "done"
    except LeaseLost:
        log.warning("job %s (%s): taken over by another worker; stopped here", job.id, job.kind)
        return "lost"
    except Exception as exc:  # noqa: BLE001 - a job records its failure; the worker goes on
        log.exception("job %s (%s) failed", job.id, job.kind)
        with session_scope() as s:
            service.mark_failed(s, job_id=job.id, worker=worker, reason=_reason(exc))
        return "failed"
    finally:
        beat.stopped.set()
        beat.join(timeout=5)


def claim_next(*, worker: str, kinds: Iterable[str] | None = None, job_id: int | None = None) -> Job | None:
    with session_scope() as s:
        job = service.claim(s, worker=worker, lease=lease(), kinds=kinds, job_id=job_id)
        if job is not None:
            s.expunge(job)
        return job


def run_due(*, worker: str | None = None, kinds: Iterable[str] | None = None, job_id: int | None = None,
            stop: threading.Event | None = None) -> dict[str, int]:
    """Run due jobs until none is left (`incidents worker --once`); counts by outcome."""
    load()
    worker = worker or worker_id()
    counts = {"done": 0, "failed": 0, "lost": 0}
    while not (stop and stop.is_set()):
        job = claim_next(worker=worker, kinds=kinds, job_id=job_id)
        if job is None:
            break
        outcome = run_claimed(job, worker=worker, lease=lease())
        counts[outcome] += 1
        if job_id is not None:
            break
    return counts


def run_forever(*, kinds: Iterable[str] | None = None) -> None:
    """`incidents worker`: look for due jobs every few seconds; SIGTERM finishes the running job, then leaves."""
    ensure_migrated()
    load()
    worker = worker_id()
    stop = threading.Event()

    def on_signal(signum, _frame):
        log.info("worker %s stopping (signal %s)", worker, signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("worker %s started", worker)
    while not stop.is_set():
        run_due(worker=worker, kinds=kinds, stop=stop)
        stop.wait(get_settings().jobs_poll_seconds)
