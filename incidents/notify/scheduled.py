"""Jobs notify registers with `incidents scheduler`: deliver queued mail and webhooks (retry, back-off)."""

from __future__ import annotations

import logging
from datetime import timedelta

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.notify.mail import MailConfig
from incidents.notify.retry import Backoff
from incidents.notify.service import deliver_due
from incidents.scheduler.identity import owner_id
from incidents.types import utcnow

log = logging.getLogger("incidents.scheduler")


BATCH = 100
MAX_PER_RUN = 5000


def deliver() -> dict[str, int]:
    """Deliver what is due, batch after batch (one SMTP connection per batch), up to MAX_PER_RUN."""
    settings = get_settings()
    total = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    for _ in range(MAX_PER_RUN // BATCH):
        counts = deliver_due(
            session_scope,
            owner=owner_id(),
            mail=MailConfig.from_settings(settings),
            lease=timedelta(seconds=settings.notify_lease_seconds),
            backoff=Backoff(base=timedelta(seconds=settings.notify_retry_base_seconds),
                            max_attempts=settings.notify_max_attempts),
            limit=BATCH,
        )
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        if sum(counts.values()) < BATCH:
            break
    log.info("notify.deliver sent=%(sent)d retry=%(retry)d failed=%(failed)d cancelled=%(cancelled)d", total)
    return total


def register(scheduler) -> None:
    settings = get_settings()
    scheduler.add_job(
        "incidents.notify.scheduled:deliver", "interval", seconds=settings.scheduler_interval_seconds,
        id="notify.deliver", name="notify delivery", replace_existing=True, next_run_time=utcnow(),
    )
