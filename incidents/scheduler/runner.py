"""The `incidents scheduler` process: APScheduler 3 with a persistent job store in the app database.

Every domain's `scheduled.register(scheduler)` adds its jobs (by textual reference, so the
SQLAlchemyJobStore can persist them). Several scheduler processes may run against one database:
APScheduler itself does not coordinate them, our jobs do (the sweep takes steps with
FOR UPDATE SKIP LOCKED and inserts reminders under a unique key; deliveries are claimed under a
lease), so a reminder is delivered once whichever process runs the job, and across restarts.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from incidents import plugins
from incidents.config import get_settings
from incidents.db import get_engine
from incidents.migrations import ensure_migrated
from incidents.scheduler.identity import owner_id

log = logging.getLogger("incidents.scheduler")
JOBS_TABLE = "apscheduler_jobs"


def build(*, blocking: bool = True, url: str | None = None) -> Any:
    plugins.load()
    settings = get_settings()
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(url), tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": max(60, int(settings.scheduler_interval_seconds * 4))},
        timezone="UTC",
    )
    for module in plugins.modules("scheduled"):
        module.register(scheduler)
    return scheduler


def run_once() -> dict[str, Any]:
    """Run every interval job once, now, in this process (cron-style use and tests); the delivery
    job last, so what the others queued goes out in the same run. Calendar (cron-trigger) jobs such
    as a monthly digest keep their own time and run only in the long-running scheduler."""
    plugins.load()
    ensure_migrated()
    scheduler = BackgroundScheduler(timezone="UTC")  # never started: a list of the jobs
    for module in plugins.modules("scheduled"):
        module.register(scheduler)
    jobs = sorted((j for j in scheduler.get_jobs() if isinstance(j.trigger, IntervalTrigger)),
                  key=lambda j: j.id == "notify.deliver")
    result: dict[str, Any] = {}
    for job in jobs:
        value = job.func(*job.args, **job.kwargs)
        if job.id == "response.sweep":
            result["queued"] = value
        elif job.id == "notify.deliver":
            result.update(value)
        else:
            result[job.id] = value if isinstance(value, (int, float, str, type(None))) else str(value)
    return result


def run_forever() -> None:
    ensure_migrated()
    scheduler = build(blocking=True)

    def stop(signum, _frame):  # SIGTERM: finish the running job, then leave
        log.info("scheduler %s stopping (signal %s)", owner_id(), signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler %s started: jobs %s", owner_id(), ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
