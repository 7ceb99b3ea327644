"""Jobs of the near-miss library: the monthly digest (1st of the month, 09:00 in the organisation's zone),
queued as a background job that `incidents worker` runs."""

from __future__ import annotations

import logging

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.nearmiss.jobs import queue_digest

log = logging.getLogger("incidents.scheduler")


def digest() -> int:
    """Queue the digest job of the previous month: 1 if queued (or already queued), 0 if nothing to send."""
    with session_scope() as session:
        job = queue_digest(session)
    log.info("nearmiss.digest job=%s", job.id if job else None)
    return 0 if job is None else 1


def register(scheduler) -> None:
    scheduler.add_job("incidents.nearmiss.scheduled:digest", "cron", day=1, hour=9, minute=0,
                      timezone=get_settings().tz, id="nearmiss.digest", name="near-miss monthly digest",
                      replace_existing=True)
