"""Jobs of the audit trail: an anchor of the chain's head every day (00:30 in the organisation's zone) into
<data_dir>/anchors/, so a deletion of the newest events is found by `incidents audit verify --anchor`."""

from __future__ import annotations

import logging

from incidents.config import get_settings
from incidents.db import session_scope

log = logging.getLogger("incidents.scheduler")


def anchor() -> str:
    from incidents.audit.anchor import write_daily

    with session_scope(write=False) as session:
        path = write_daily(session)
    log.info("audit.anchor written=%s", path.name)
    return path.name


def register(scheduler) -> None:
    scheduler.add_job("incidents.audit.scheduled:anchor", "cron", hour=0, minute=30,
                      timezone=get_settings().tz, id="audit.anchor", name="daily audit anchor",
                      replace_existing=True)
