"""Benchmark: what the job machinery costs — claiming, leases, progress — against the same work done directly.

    .venv/bin/python bench/bench_jobs.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
                                         [--jobs 500] [--letters 600]

Builds a fresh migrated database (a temp SQLite file by default; a PostgreSQL URL is emptied first), then in the
same run:
- claim: N empty jobs queued and run by `incidents.jobs.worker.run_due` (claim under a lease, heartbeat thread,
  finish: three transactions each), against the baseline of N empty units of work (one transaction each);
- letters: one incident with L recipients; the 本人通知 letters written directly by `documents.bulk.write_letters`
  (the baseline), then queued as a `documents.letters` job and run by a worker (progress, made items, ZIP).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=None)
    ap.add_argument("--jobs", type=int, default=500)
    ap.add_argument("--letters", type=int, default=600)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    url = args.url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ.update(INCIDENTS_DATABASE_URL=url, INCIDENTS_DATA_DIR=str(tmp), INCIDENTS_SECRET_KEY="bench",
                      INCIDENTS_ARGON2_TIME_COST="1", INCIDENTS_ARGON2_MEMORY_KIB="1024")

    from sqlalchemy import text

    from incidents import migrations, plugins
    from incidents.config import get_settings
    from incidents.db import get_engine, session_scope
    from incidents.jobs import enqueue, job_kind, worker
    from incidents.jobs.registry import load

    get_settings.cache_clear()
    plugins.load()
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrations.upgrade(url)
    print(f"database: {engine.dialect.name}", flush=True)

    @job_kind("bench.noop", title="Bench")
    def noop(ctx):
        ctx.progress(1, 1)
        return {}

    load()  # every domain's kinds (imports WeasyPrint once), before anything is timed

    # ---- claim overhead ------------------------------------------------------------------------------------
    start = time.perf_counter()
    for _ in range(args.jobs):
        with session_scope() as s:
            s.execute(text("SELECT 1"))
    baseline = (time.perf_counter() - start) / args.jobs
    with session_scope() as s:
        for _ in range(args.jobs):
            enqueue(s, "bench.noop", {})
    start = time.perf_counter()
    counts = worker.run_due()
    per_job = (time.perf_counter() - start) / args.jobs
    assert counts["done"] == args.jobs, counts
    print(f"claim+run+finish: {per_job * 1000:.2f} ms/job ({1 / per_job:,.0f} jobs/s) vs one unit of work "
          f"{baseline * 1000:.2f} ms: ×{per_job / baseline:.1f}", flush=True)

    # ---- letters -------------------------------------------------------------------------------------------
    from incidents.cases import service as cases
    from incidents.cases.schemas import IncidentCreate
    from incidents.documents import jobs as letter_jobs
    from incidents.documents import service as documents
    from incidents.documents.bulk import write_letters
    from incidents.people import service as people

    now = datetime.now(timezone.utc)
    with session_scope() as s:
        officer = people.add_user(s, actor=None, email="officer@bench.example", display_name="Officer",
                                  roles="officer", department_name="Privacy", password="bench-password")
    data = IncidentCreate.model_validate({
        "title": "会員へのBCC漏れ", "mistake_type": "bcc_exposure", "discovery_method": "self_noticed",
        "sent_at": (now - timedelta(hours=3)).isoformat(), "discovered_at": (now - timedelta(hours=2)).isoformat(),
        "message": {"subject": "会報のご案内", "sender": "info@bench.example"},
        "recipients": [{"address": f"member{i:05d}@club.example", "name": f"会員 {i:05d}", "field": "to",
                        "kind": "unintended"} for i in range(args.letters)],
        "data_items": ["email_address"], "affected_persons": args.letters, "protection": "none",
        "jurisdictions": ["jp"]})
    with session_scope() as s:
        incident = cases.report(s, actor=officer, data=data)
    with session_scope() as s:
        run, readers = documents.prepare_letters(s, actor=officer, incident_id=incident.id, to="affected")
    out = tmp / "direct"
    start = time.perf_counter()
    write_letters(run, readers, out, workers=get_settings().documents_workers)
    direct = time.perf_counter() - start
    shutil.rmtree(out)
    with session_scope() as s:
        job = letter_jobs.start(s, actor=officer, incident_id=incident.id, to="affected")
    start = time.perf_counter()
    counts = worker.run_due()
    as_job = time.perf_counter() - start
    assert counts["done"] == 1, counts
    print(f"{args.letters:,} letters: direct {direct:.1f} s ({direct / args.letters * 1000:.1f} ms/letter), "
          f"as a job {as_job:.1f} s ({as_job / args.letters * 1000:.1f} ms/letter, ZIP included): "
          f"×{as_job / direct:.2f}", flush=True)
    print(f"job #{job.id} output in {letter_jobs.job_dir(job)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
