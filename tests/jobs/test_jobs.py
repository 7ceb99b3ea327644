"""The job table and the worker, on the migrated database (SQLite, or PostgreSQL with
INCIDENTS_TEST_DATABASE_URL): queue, claim under a lease, take over after the lease, progress, failure, access."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.db import get_engine, session_scope
from incidents.jobs import JobContext, LeaseLost, enqueue, job_kind
from incidents.jobs import service, worker
from incidents.jobs.models import Job, JobItem
from incidents.types import utcnow


@job_kind("tests.count", title="Letters to many recipients")
def count(ctx: JobContext) -> dict:
    """Makes params["n"] items, skipping those made before; fails on params["fail"]."""
    if ctx.params.get("fail"):
        raise ValueError(ctx.params["fail"])
    n = ctx.params["n"]
    before = ctx.made_keys()
    for i in range(n):
        if f"item{i}" not in before:
            ctx.made([f"item{i}"])
        ctx.progress(i + 1, n)
    return {"made": n - len(before), "skipped": len(before)}


def _queue(n: int = 3, actor=None, **params) -> int:
    with session_scope() as s:
        return enqueue(s, "tests.count", {"n": n, **params}, actor=actor, total=n).id


def _job(job_id: int) -> Job:
    with session_scope(write=False) as s:
        return s.get(Job, job_id)


def test_a_queued_job_is_run_once_by_the_worker_with_progress_and_result():
    job_id = _queue(4)
    assert _job(job_id).status == "queued"
    assert worker.run_due() == {"done": 1, "failed": 0, "lost": 0}
    job = _job(job_id)
    assert (job.status, job.done, job.total, job.attempts) == ("done", 4, 4, 1)
    assert job.result == {"made": 4, "skipped": 0} and job.finished_at is not None and job.leased_until is None
    assert worker.run_due() == {"done": 0, "failed": 0, "lost": 0}  # nothing due: a done job never runs again
    with session_scope(write=False) as s:
        assert sorted(s.execute(select(JobItem.key).where(JobItem.job_id == job_id)).scalars()) == [
            "item0", "item1", "item2", "item3"]


def test_a_job_is_taken_over_only_when_its_lease_has_expired_and_its_first_worker_stops():
    job_id = _queue(3)
    lease, now = timedelta(seconds=30), utcnow()
    with session_scope() as s:
        assert service.claim(s, worker="A", lease=lease, now=now).id == job_id
    with session_scope() as s:
        assert service.claim(s, worker="B", lease=lease, now=now + timedelta(seconds=29)) is None  # A holds it
    with session_scope() as s:
        service.made(s, job_id=job_id, keys=["item0"], worker="A")  # A made one item, then froze
    with session_scope() as s:
        taken = service.claim(s, worker="B", lease=lease, now=now + timedelta(seconds=31))
        assert taken.id == job_id and taken.attempts == 2 and taken.worker == "B"
    with pytest.raises(LeaseLost), session_scope() as s:  # A wakes up: it may write nothing more
        service.renew(s, job_id=job_id, worker="A", lease=lease, done=2)
    with pytest.raises(LeaseLost), session_scope() as s:
        service.finish(s, job_id=job_id, worker="A", result={})
    job = _job(job_id)
    ctx = JobContext(job, worker="B", lease=lease)
    assert count(ctx) == {"made": 2, "skipped": 1}  # B skips what A made
    with session_scope() as s:
        service.finish(s, job_id=job_id, worker="B", result={})
    with session_scope(write=False) as s:
        items = s.execute(select(JobItem.key, JobItem.worker).where(JobItem.job_id == job_id)).all()
    assert sorted(items) == [("item0", "A"), ("item1", "B"), ("item2", "B")]
    assert _job(job_id).status == "done"


def test_a_failing_job_fails_alone_with_its_reason_and_the_worker_goes_on():
    bad = _queue(2, fail="the template is broken")
    good = _queue(2)
    assert worker.run_due() == {"done": 1, "failed": 1, "lost": 0}
    assert (_job(bad).status, _job(bad).error) == ("failed", "ValueError: the template is broken")
    assert _job(good).status == "done"


def test_a_job_whose_workers_keep_dying_ends_failed(monkeypatch):
    monkeypatch.setenv("INCIDENTS_JOBS_MAX_ATTEMPTS", "2")
    from incidents.config import get_settings

    get_settings.cache_clear()
    try:
        start = utcnow()
        with session_scope() as s:
            job_id = enqueue(s, "tests.count", {"n": 1}, run_after=start - timedelta(minutes=1)).id
        for i in range(2):  # two workers claim it and die
            with session_scope() as s:
                assert service.claim(s, worker=f"dead{i}", lease=timedelta(seconds=1),
                                     now=start - timedelta(seconds=30 - 10 * i)) is not None
        assert worker.run_due() == {"done": 0, "failed": 1, "lost": 0}
        job = _job(job_id)
        assert job.status == "failed" and "stopped 2 times" in job.error
    finally:
        get_settings.cache_clear()


def test_workers_never_claim_the_same_job():
    """PostgreSQL: two workers in open transactions skip each other's row (FOR UPDATE SKIP LOCKED).
    SQLite: the second claim waits for the first's write lock, then takes the next job."""
    first, second = _queue(1), _queue(1)
    engine = get_engine()
    claimed: list[int | None] = []
    with session_scope() as s1:
        claimed.append(service.claim(s1, worker="A", lease=timedelta(minutes=1)).id)
        if engine.dialect.name == "postgresql":
            with session_scope() as s2:  # while A's transaction is still open
                claimed.append(service.claim(s2, worker="B", lease=timedelta(minutes=1)).id)
        else:
            other = threading.Thread(target=lambda: claimed.append(worker.claim_next(worker="B").id))
            other.start()
    if engine.dialect.name != "postgresql":
        other.join(timeout=60)
    assert sorted(claimed) == [first, second]


def test_eta_at_the_worker_s_pace():
    job_id = _queue(10)
    now = utcnow()
    with session_scope() as s:
        service.claim(s, worker="A", lease=timedelta(minutes=1), now=now)
        service.renew(s, job_id=job_id, worker="A", lease=timedelta(minutes=1), done=4, now=now)
    job = _job(job_id)
    public = service.to_public(job, now=now + timedelta(seconds=8))
    assert (public.percent, public.eta_seconds) == (40.0, 12.0)  # 4 in 8 s: 6 more in 12 s


def test_the_api_shows_a_job_to_whoever_may_see_it(client, make_user, auth_headers):
    owner, other = make_user("employee"), make_user("employee")
    job_id = _queue(2, actor=owner)
    got = client.get(f"/api/v1/jobs/{job_id}", headers=auth_headers(owner))
    assert got.status_code == 200 and got.json()["status"] == "queued" and got.json()["total"] == 2
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth_headers(other)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id + 1}", headers=auth_headers(owner)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401
    worker.run_due()
    done = client.get(f"/api/v1/jobs/{job_id}", headers=auth_headers(owner)).json()
    assert (done["status"], done["done"], done["percent"], done["result"]) == ("done", 2, 100.0, {"made": 2, "skipped": 0})


def test_the_cli_runs_due_jobs_once_and_shows_one(cli, make_user):
    owner = make_user("employee")
    job_id = _queue(3, actor=owner)
    code, out, err = cli("jobs", "show", job_id, "--as", owner.email, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "queued"
    code, out, err = cli("worker", "--once")
    assert code == 0 and "1" in out, err
    code, out, err = cli("jobs", "show", job_id, "--wait", "--as", owner.email)
    assert code == 0 and "3/3" in out, err
    code, out, err = cli("jobs", "show", job_id, "--as", make_user("employee").email)
    assert code == 1 and err.count("\n") == 1
    failed = _queue(1, actor=owner, fail="no such reader")
    cli("worker", "--once")
    code, out, err = cli("jobs", "show", failed, "--wait", "--as", owner.email)
    assert code == 1 and "no such reader" in err
