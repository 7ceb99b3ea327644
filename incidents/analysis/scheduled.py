"""Jobs of root-cause analysis: countermeasure reminders, every morning at 08:00 (organisation's zone)."""

from __future__ import annotations

import logging

from incidents.analysis.reminders import remind
from incidents.analysis.service import today
from incidents.config import get_settings
from incidents.db import session_scope

log = logging.getLogger("incidents.scheduler")


def reminders() -> int:
    with session_scope() as session:
        n = remind(session, on=today())
    log.info("analysis.reminders queued=%d", n)
    return n


def register(scheduler) -> None:
    scheduler.add_job("incidents.analysis.scheduled:reminders", "cron", hour=8, minute=0, timezone=get_settings().tz,
                      id="analysis.reminders", name="countermeasure reminders", replace_existing=True)
