"""The monthly digest is a background job: queued once per month by the scheduler, run by a worker."""

from __future__ import annotations

from sqlalchemy import func, select

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.jobs import worker
from incidents.jobs.models import Job
from incidents.nearmiss import scheduled, service
from incidents.nearmiss.jobs import queue_digest
from incidents.notify.models import InAppNotification


def test_the_digest_is_queued_once_per_month_and_run_by_a_worker(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    reader = make_user("employee", department="Support")
    incident = make_incident(reporter, message={"subject": "見積書", "attachments": [], "summary": "見積書を別の取引先に誤送信した。"})
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=incident.id)
    month = case.published_at.astimezone(get_settings().tz).strftime("%Y-%m")
    with session_scope() as s:
        first = queue_digest(s, month=month)
        again = queue_digest(s, month=month)  # a second scheduler on the same day
    assert first is not None and again.id == first.id
    assert worker.run_due()["done"] == 1
    with session_scope(write=False) as s:
        job = s.get(Job, first.id)
        readers = s.execute(select(func.count()).select_from(InAppNotification).where(
            InAppNotification.event == "nearmiss.digest", InAppNotification.user_id == reader.id)).scalar_one()
    assert job.status == "done" and job.result["month"] == month and job.result["queued"] > 0
    assert readers == 1
    assert scheduled.digest() == 0  # nothing was published last month in this database
