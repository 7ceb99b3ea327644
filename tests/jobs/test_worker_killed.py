"""A worker killed (SIGKILL) in the middle of a 600-letter job: another worker takes the job over once the
lease has expired and finishes it; no letter is made twice and the job ends `done`. Real processes
(`incidents worker`), the migrated test database (SQLite, or PostgreSQL with INCIDENTS_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.documents import jobs as letter_jobs
from incidents.jobs.models import Job, JobItem
from incidents.types import utcnow
from tests.documents.conftest import flat, pdf_text

ROOT = Path(__file__).resolve().parents[2]
LETTERS = 600
TIMEOUT = 900  # generous: the machine may be busy; the test never relies on a pace


def _job(job_id: int) -> Job:
    with session_scope(write=False) as s:
        return s.get(Job, job_id)


def _until(condition, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) before {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _letters(out: Path) -> dict[str, tuple[int, int]]:
    """name -> (inode, mtime_ns) of every finished letter: a letter made again would be a new file."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("*.pdf")}


def test_a_killed_worker_s_letters_are_finished_by_another_and_none_is_made_twice(make_user, make_incident, tmp_path):
    officer = make_user("officer")
    incident = make_incident(officer, mistake_type="bcc_exposure", affected_persons=LETTERS, recipients=[
        {"address": f"member{i:03d}@club.example", "name": f"会員 {i:03d}", "field": "to", "kind": "unintended"}
        for i in range(LETTERS)])
    with session_scope() as s:
        job = letter_jobs.start(s, actor=officer, incident_id=incident.id, to="affected", lang="ja")
    assert job.total == LETTERS
    out = letter_jobs.job_dir(job)
    env = {**os.environ, "INCIDENTS_JOBS_LEASE_SECONDS": "3", "INCIDENTS_JOBS_POLL_SECONDS": "0.2",
           "INCIDENTS_DOCUMENTS_WORKERS": "1"}
    command = [sys.executable, "-m", "cli.main", "worker"]
    with open(tmp_path / "a.log", "wb") as log:
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            _until(lambda: _job(job.id).done >= 100, "the first worker made 100 letters", first)
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the worker and anything it started: gone, mid-job
            first.wait(timeout=60)
    killed = _job(job.id)
    made_by_first = _letters(out)
    assert killed.status == "running" and killed.attempts == 1
    assert 100 <= len(made_by_first) < LETTERS, "the worker was to be killed in the middle of the job"
    first_worker = killed.worker

    # The job is due again once the dead worker's lease has run out; a second worker takes it over.
    _until(lambda: _job(job.id).leased_until < utcnow(), "the first worker's lease to expire")
    second = subprocess.run([*command, "--once"], cwd=ROOT, env=env, capture_output=True, timeout=TIMEOUT)
    assert second.returncode == 0, second.stderr.decode()

    ended = _job(job.id)
    assert (ended.status, ended.done, ended.total, ended.attempts) == ("done", LETTERS, LETTERS, 2), ended.error
    assert ended.worker != first_worker
    assert ended.result["written"] + ended.result["skipped"] == LETTERS
    assert ended.result["skipped"] == len(made_by_first)  # the second worker made only what was missing
    letters = _letters(out)
    assert len(letters) == LETTERS
    assert {name: letters[name] for name in made_by_first} == made_by_first  # none made again (same file)
    with session_scope(write=False) as s:
        items = s.execute(select(JobItem.key, JobItem.worker).where(JobItem.job_id == job.id)).all()
        generated = s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "letters.generated", AuditEvent.incident_id == incident.id)).scalar_one()
    assert sorted(k for k, _ in items) == sorted(letters)  # one row per letter (unique per job and key)
    assert {k for k, w in items if w == first_worker} <= set(made_by_first)
    assert generated == 1
    with zipfile.ZipFile(out / ended.result["output_name"]) as zf:
        names = zf.namelist()
        assert len(names) == len(set(names)) == LETTERS
        first_letter, last_letter = zf.read(sorted(names)[0]), zf.read(sorted(names)[-1])
    assert "会員000様" in flat(pdf_text(first_letter)) and "会員599様" in flat(pdf_text(last_letter))
