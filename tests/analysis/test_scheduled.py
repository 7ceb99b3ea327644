"""The jobs this area registers with `incidents scheduler`, and that they run against the database."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler

from incidents.analysis import scheduled as analysis_jobs
from incidents.nearmiss import scheduled as nearmiss_jobs


def test_jobs_register_and_run():
    scheduler = BackgroundScheduler()
    analysis_jobs.register(scheduler)
    nearmiss_jobs.register(scheduler)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == {"analysis.reminders", "nearmiss.digest"}
    assert "day='1'" in str(jobs["nearmiss.digest"].trigger) and "hour='9'" in str(jobs["nearmiss.digest"].trigger)
    assert "hour='8'" in str(jobs["analysis.reminders"].trigger)
    assert analysis_jobs.reminders() == 0  # nothing due in an empty database
    assert nearmiss_jobs.digest() == 0  # nothing published last month
