"""Jobs the response registers with `incidents scheduler`: the due-sweep (reminders, escalations)."""

from __future__ import annotations

import logging

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.response.deadlines import ResponseDurations
from incidents.response.sweep import emit_due
from incidents.types import utcnow

log = logging.getLogger("incidents.scheduler")


def sweep() -> int:
    """One due-sweep in its own transaction (the job wrapper owns the commit)."""
    settings = get_settings()
    with session_scope() as session:
        n = emit_due(session, now=utcnow(), durations=ResponseDurations.from_settings(settings), settings=settings)
    log.info("response.sweep queued=%d", n)
    return n


def register(scheduler) -> None:
    settings = get_settings()
    scheduler.add_job(
        "incidents.response.scheduled:sweep", "interval", seconds=settings.scheduler_interval_seconds,
        id="response.sweep", name="response due-sweep", replace_existing=True, next_run_time=utcnow(),
    )
