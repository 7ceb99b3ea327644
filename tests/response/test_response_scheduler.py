"""Reminders over real SMTP (aiosmtpd), exactly once: in-process, across a kill + restart of the
`incidents scheduler` process, and with two scheduler processes on the test database (PostgreSQL in
the suite's PostgreSQL run)."""

from __future__ import annotations

import asyncio
import email
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.notify.mail import MailConfig
from incidents.notify.models import Delivery
from incidents.notify.service import deliver_due
from incidents.response import actions
from incidents.response.deadlines import ResponseDurations
from incidents.response.models import Reminder, Step
from incidents.response.sweep import emit_due
from incidents.types import utcnow

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90  # seconds: an upper bound for slow machines, never an expectation


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Accepts mail; optionally holds the first DATA until released (to kill the sender meanwhile)."""

    def __init__(self, hold_first: bool = False):
        self.accepted: list[email.message.EmailMessage] = []
        self.hold_first = hold_first
        self.holding = False
        self.release = False

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first and not self.release:
            self.holding = True
            while not self.release:
                await asyncio.sleep(0.02)
            return "451 try again later"
        self.accepted.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    servers = []

    def start(**kw):
        inbox = Inbox(**kw)
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        servers.append(controller)
        return inbox, controller.port

    yield start
    for c in servers:
        c.stop()


def wait_until(predicate, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def due_incident(make_user, make_incident):
    """An incident whose pending steps are due in 30 minutes, created a day ago: one 1-hour reminder each."""
    officer = make_user("officer", department="Privacy")
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee)
    now = utcnow()
    with session_scope() as s:
        s.execute(update(Step).where(Step.incident_id == inc.id, Step.status == "pending", Step.key != "close")
                  .values(due_at=now + timedelta(minutes=30), created_at=now - timedelta(days=1),
                          next_notify_at=now - timedelta(seconds=1)))
        n = s.execute(select(func.count()).select_from(Step).where(Step.next_notify_at.is_not(None))).scalar_one()
    return inc, n, (officer, manager, employee), now


@pytest.fixture(autouse=True)
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # after monkeypatch restored the environment


def _reminders() -> int:
    with session_scope(write=False) as s:
        return s.execute(select(func.count()).select_from(Reminder)).scalar_one()


def _set_smtp(monkeypatch, port):
    monkeypatch.setenv("INCIDENTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INCIDENTS_SMTP_PORT", str(port))
    get_settings.cache_clear()


def test_sweep_queues_once_and_reminder_mail_arrives_in_japanese(smtp_server, due_incident, monkeypatch):
    inbox, port = smtp_server()
    _set_smtp(monkeypatch, port)
    inc, n_steps, (officer, manager, employee), now = due_incident
    settings, d = get_settings(), ResponseDurations()
    with session_scope() as s:
        assert emit_due(s, now=now, durations=d, settings=settings) == n_steps
    with session_scope() as s:
        assert emit_due(s, now=now, durations=d, settings=settings) == 0  # nothing twice
    with session_scope() as s:
        assert emit_due(s, now=utcnow(), durations=d, settings=settings) == 0
    counts = deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(settings))
    assert counts["sent"] == len(inbox.accepted) > 0 and counts["failed"] == 0
    assert deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(settings))["sent"] == 0
    to_employee = [m for m in inbox.accepted if m["To"].addresses[0].addr_spec == employee.email]
    subjects = sorted(str(m["Subject"]) for m in to_employee)
    assert "【期限のお知らせ】#%d 拡大防止（送信取消・リンク無効化・先方への連絡）（あと30分）" % inc.id in subjects
    body = to_employee[0].get_content()
    assert "期限が近づいています" in body and f"/incidents/{inc.id}" in body
    ids = Counter(m["Message-ID"] for m in inbox.accepted)
    assert ids and max(ids.values()) == 1


def test_failed_delivery_retries_with_backoff_and_never_blocks_the_step(smtp_server, due_incident, monkeypatch):
    _set_smtp(monkeypatch, _free_port())  # nobody listens there
    inc, n_steps, (officer, manager, employee), _ = due_incident
    settings = get_settings()
    with session_scope() as s:
        emit_due(s, now=utcnow(), durations=ResponseDurations(), settings=settings)
    counts = deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(settings))
    assert counts["sent"] == 0 and counts["retry"] > 0
    with session_scope() as s:
        failed = s.execute(select(Delivery)).scalars().all()
        assert all(d.status == "pending" and d.attempts == 1 and d.last_error for d in failed)
        assert all(d.next_attempt_at > utcnow() for d in failed)  # back-off: not before its time
        actions.complete_step(s, actor=employee, incident_id=inc.id, key="containment", note="done anyway")
    # the receiver comes back: the retry (once due) delivers
    inbox, port = smtp_server()
    _set_smtp(monkeypatch, port)
    with session_scope() as s:
        s.execute(update(Delivery).values(next_attempt_at=utcnow()))
    counts = deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(get_settings()))
    # the containment reminder is no longer relevant (done meanwhile); the others arrive now
    assert (counts["sent"], counts["cancelled"]) == (len(failed) - 1, 1)
    assert len(inbox.accepted) == len(failed) - 1


def _spawn(port: int, log: Path, lease: float = 1.0) -> subprocess.Popen:
    env = {**os.environ, "INCIDENTS_SMTP_HOST": "127.0.0.1", "INCIDENTS_SMTP_PORT": str(port),
           "INCIDENTS_SCHEDULER_INTERVAL_SECONDS": "0.2", "INCIDENTS_NOTIFY_LEASE_SECONDS": str(lease),
           "PYTHONUNBUFFERED": "1"}
    exe = Path(sys.executable).with_name("incidents")
    return subprocess.Popen([str(exe), "scheduler", "--verbose"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"))


def _sweeps(log: Path) -> int:
    return log.read_text(errors="replace").count("response.sweep queued=") if log.exists() else 0


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _mail_deliveries() -> list[Delivery]:
    with session_scope(write=False) as s:
        return s.execute(select(Delivery).where(Delivery.channel == "mail")).scalars().all()


def test_kill_between_due_and_sent_then_restart_delivers_each_once(smtp_server, due_incident, tmp_path):
    inbox, port = smtp_server(hold_first=True)
    inc, n_steps, _, _ = due_incident
    base = _reminders()  # a late first report is recorded as already escalated to the manager
    first = _spawn(port, tmp_path / "first.log")
    try:
        wait_until(lambda: inbox.holding and _reminders() == base + n_steps,
                   "the reminders to be due and the first mail to reach the SMTP server")
        # due (the reminder is recorded and claimed), not sent: kill the process right there
        first.kill()
        first.wait(timeout=WAIT)
    finally:
        if first.poll() is None:
            first.kill()
    assert _reminders() == base + n_steps
    pending = _mail_deliveries()
    assert pending and all(d.status in ("sending", "pending") for d in pending)
    assert inbox.accepted == []
    inbox.release = True
    second = _spawn(port, tmp_path / "second.log")
    try:
        wait_until(lambda: all(d.status == "sent" for d in _mail_deliveries()), "every delivery to be sent")
        settled = _sweeps(tmp_path / "second.log") + 3
        wait_until(lambda: _sweeps(tmp_path / "second.log") >= settled, "three more sweeps")
    finally:
        _stop(second)
    ids = Counter(m["Message-ID"] for m in inbox.accepted)
    assert len(ids) == len(pending) and set(ids.values()) == {1}
    assert _reminders() == base + n_steps


def test_two_scheduler_processes_deliver_each_reminder_once(smtp_server, make_user, make_incident, tmp_path):
    inbox, port = smtp_server()
    officer = make_user("officer", department="Privacy")
    manager = make_user("manager")
    employees = [make_user("employee", manager=manager) for _ in range(3)]
    incidents = [make_incident(e) for e in employees for _ in range(4)]
    now = utcnow()
    with session_scope() as s:
        s.execute(update(Step).where(Step.status == "pending", Step.key != "close")
                  .values(due_at=now + timedelta(minutes=30), created_at=now - timedelta(days=1),
                          next_notify_at=now - timedelta(seconds=1)))
        n_steps = s.execute(select(func.count()).select_from(Step).where(Step.next_notify_at.is_not(None))).scalar_one()
    base = _reminders()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_spawn(port, log, lease=300) for log in logs]
    try:
        wait_until(lambda: len(_mail_deliveries()) > 0 and all(d.status == "sent" for d in _mail_deliveries())
                   and all(_sweeps(log) >= 2 for log in logs), "both schedulers to deliver everything")
        targets = [_sweeps(log) + 3 for log in logs]
        wait_until(lambda: all(_sweeps(log) >= t for log, t in zip(logs, targets)), "three more sweeps each")
    finally:
        for p in procs:
            _stop(p)
    deliveries = _mail_deliveries()
    ids = Counter(m["Message-ID"] for m in inbox.accepted)
    assert len(ids) == len(deliveries) >= n_steps and set(ids.values()) == {1}
    owners = {m for log in logs for m in re.findall(r"scheduler (\S+) started: jobs", log.read_text())}
    assert len(owners) == 2 and len(incidents) == 12
    assert _reminders() == base + n_steps


def test_first_report_filed_late_is_not_escalated_to_the_manager_twice(make_user, make_incident):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee)  # discovered two hours before filing: the first report is already late
    with session_scope() as s:
        emit_due(s, now=utcnow() + timedelta(minutes=1), durations=ResponseDurations(), settings=get_settings())
    with session_scope(write=False) as s:
        from incidents.notify.models import InAppNotification

        titles = [n.title for n in s.execute(select(InAppNotification).where(
            InAppNotification.user_id == manager.id)).scalars()]
        step = s.execute(select(Step).where(Step.incident_id == inc.id, Step.key == "first_report")).scalar_one()
    assert [t for t in titles if "第一報" in t] == [titles[0]] and titles[0].startswith("【第一報】")
    assert step.next_notify_at is not None  # the officers still hear if nobody acknowledges it


def test_reminder_for_a_step_done_meanwhile_is_cancelled_not_sent(smtp_server, due_incident, monkeypatch):
    inbox, port = smtp_server()
    _set_smtp(monkeypatch, port)
    inc, n_steps, (officer, manager, employee), now = due_incident
    with session_scope() as s:
        emit_due(s, now=now, durations=ResponseDurations(), settings=get_settings())
    with session_scope() as s:
        step = actions.complete_step(s, actor=employee, incident_id=inc.id, key="containment", note="済")
        step_id = step.id
    counts = deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(get_settings()))
    assert counts["cancelled"] == 1 and counts["sent"] == len(inbox.accepted) == len(_mail_deliveries()) - 1
    with session_scope(write=False) as s:
        cancelled = s.execute(select(Delivery).where(Delivery.status == "cancelled")).scalar_one()
    assert cancelled.payload["step_id"] == step_id and "拡大防止" in cancelled.subject
