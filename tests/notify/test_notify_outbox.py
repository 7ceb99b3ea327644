"""The outbox: the first report goes to the manager (in-app, mail) and to the webhooks at once;
deliveries are claimed once, retried with back-off, and failures stay visible."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.notify.mail import MailConfig
from incidents.notify.models import Delivery, InAppNotification
from incidents.notify.retry import Backoff
from incidents.notify.service import claim, deliver_due, mark_read, inbox
from incidents.types import utcnow


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, self.headers.get("Idempotency-Key"), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    handler = type("R", (Receiver,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks(receiver, monkeypatch):
    handler, base = receiver
    monkeypatch.setenv("INCIDENTS_WEBHOOK_URLS", json.dumps([f"slack+{base}/slack", f"teams+{base}/teams"]))
    get_settings.cache_clear()
    yield handler
    monkeypatch.undo()
    get_settings.cache_clear()


def test_first_report_reaches_the_webhooks_once(hooks, make_user, make_incident):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager, name="山田 太郎")
    inc = make_incident(employee)
    mail = MailConfig(host="")
    assert deliver_due(session_scope, owner="a", mail=mail) == {"sent": 2, "retry": 0, "failed": 0}
    assert deliver_due(session_scope, owner="b", mail=mail) == {"sent": 0, "retry": 0, "failed": 0}
    (p1, k1, slack), (p2, k2, teams) = sorted(hooks.received, key=lambda r: r[0])
    assert p1 == "/slack" and slack["text"].startswith(f"【第一報】メール誤送信の報告 #{inc.id}")
    assert "山田 太郎" in slack["text"] and k1 == f"first-report:{inc.id}:hook:0"
    assert p2 == "/teams" and teams["attachments"][0]["content"]["type"] == "AdaptiveCard"
    with session_scope() as s:
        assert [n.user_id for n in inbox(s, user_id=manager.id)] == [manager.id]
        assert mark_read(s, user_id=manager.id) == 1
        assert inbox(s, user_id=manager.id, unread_only=True) == []


def test_failing_webhook_is_retried_then_marked_failed_and_visible(hooks, make_user, make_incident):
    hooks.status = 500
    manager = make_user("manager")
    inc = make_incident(make_user("employee", manager=manager))
    backoff = Backoff(base=timedelta(seconds=60), max_attempts=2)
    assert deliver_due(session_scope, owner="a", mail=MailConfig(host=""), backoff=backoff)["retry"] == 2
    assert deliver_due(session_scope, owner="a", mail=MailConfig(host=""), backoff=backoff)["retry"] == 0  # not yet
    with session_scope() as s:
        s.execute(update(Delivery).values(next_attempt_at=utcnow()))
    assert deliver_due(session_scope, owner="a", mail=MailConfig(host=""), backoff=backoff)["failed"] == 2
    with session_scope() as s:
        rows = s.execute(select(Delivery).where(Delivery.incident_id == inc.id)).scalars().all()
        assert {(d.status, d.attempts) for d in rows} == {("failed", 2)} and "HTTP 500" in rows[0].last_error


def test_a_claim_is_exclusive_until_its_lease_ends(hooks, make_user, make_incident):
    make_incident(make_user("employee", manager=make_user("manager")))
    now = utcnow()
    with session_scope() as s:
        first = claim(s, owner="a", now=now, lease=timedelta(minutes=5))
    with session_scope() as s:
        assert claim(s, owner="b", now=now + timedelta(minutes=1), lease=timedelta(minutes=5)) == []
    with session_scope() as s:  # "a" died: after the lease "b" takes over
        assert sorted(claim(s, owner="b", now=now + timedelta(minutes=6), lease=timedelta(minutes=5))) == sorted(first)
    with session_scope() as s:
        assert s.execute(select(InAppNotification)).scalars().all()
