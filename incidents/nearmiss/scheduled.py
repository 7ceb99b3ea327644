"""Jobs of the near-miss library: the monthly digest (1st of the month, 09:00 in the organisation's zone)."""

from __future__ import annotations

import logging

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.nearmiss.digest import send_digest

log = logging.getLogger("incidents.scheduler")


def digest() -> int:
    with session_scope() as session:
        n = send_digest(session)
    log.info("nearmiss.digest queued=%d", n)
    return n


def register(scheduler) -> None:
    scheduler.add_job("incidents.nearmiss.scheduled:digest", "cron", day=1, hour=9, minute=0,
                      timezone=get_settings().tz, id="nearmiss.digest", name="near-miss monthly digest",
                      replace_existing=True)
