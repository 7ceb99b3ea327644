"""Jobs confirmations registers with `incidents scheduler`: queue the reminders that are due, and take the
personal links out of request mails once the outbox is done with them."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select, update

from incidents.config import get_settings
from incidents.confirmations import reminders
from incidents.confirmations.service import EVENT
from incidents.db import session_scope
from incidents.notify.models import Delivery
from incidents.types import utcnow

log = logging.getLogger("incidents.scheduler")
_LINK = re.compile(r"/c/[0-9a-f]{40}")
REMOVED = "/c/[removed after sending]"


def remind() -> int:
    total = 0
    for _ in range(20):
        with session_scope() as session:
            n = reminders.send_due(session, now=utcnow())
        total += n
        if n < 500:
            break
    if total:
        log.info("confirmations.remind queued=%d", total)
    return total


def scrub(limit: int = 1000) -> int:
    """The outbox keeps what it sent; the personal link is not kept with it."""
    with session_scope() as session:
        rows = session.execute(select(Delivery.id, Delivery.body).where(
            Delivery.event == EVENT, Delivery.status.in_(("sent", "failed", "cancelled")),
            Delivery.body.like("%/c/%")).limit(limit)).all()
        for delivery_id, body in rows:
            session.execute(update(Delivery).where(Delivery.id == delivery_id)
                            .values(body=_LINK.sub(REMOVED, body)))
    return len(rows)


def run() -> dict[str, int]:
    return {"reminders": remind(), "scrubbed": scrub()}


def register(scheduler) -> None:
    settings = get_settings()
    scheduler.add_job(
        "incidents.confirmations.scheduled:run", "interval", seconds=settings.scheduler_interval_seconds,
        id="confirmations.run", name="deletion request reminders", replace_existing=True, next_run_time=utcnow(),
    )
