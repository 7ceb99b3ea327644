"""Jobs the response registers with `incidents scheduler`: the due-sweep (reminders, escalations)."""

from __future__ import annotations

import logging

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.response.deadlines import ResponseDurations
from incidents.response.sweep import sweep_all
from incidents.types import utcnow

log = logging.getLogger("incidents.scheduler")


def sweep() -> int:
    """One due-sweep, in batches of short transactions (the job wrapper owns the commits)."""
    settings = get_settings()
    batches, n = sweep_all(session_scope, now=utcnow(), durations=ResponseDurations.from_settings(settings),
                           settings=settings)
    log.info("response.sweep queued=%d batches=%d", n, batches)
    return n


def register(scheduler) -> None:
    settings = get_settings()
    scheduler.add_job(
        "incidents.response.scheduled:sweep", "interval", seconds=settings.scheduler_interval_seconds,
        id="response.sweep", name="response due-sweep", replace_existing=True, next_run_time=utcnow(),
    )
