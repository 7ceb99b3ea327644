"""Mail to a real SMTP server (aiosmtpd) and webhooks to a real local HTTP receiver."""

from __future__ import annotations

import email
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from incidents.notify.mail import DeliveryError, MailConfig, send_mail
from incidents.notify.retry import Backoff
from incidents.notify.webhook import Notice, payload, post, split_target
from incidents.response.deadlines import ESCALATION_MANAGER, REMINDER
from incidents.response.messages import StepContext, step_notice

TOKYO = ZoneInfo("Asia/Tokyo")


class Inbox:
    def __init__(self, refuse: set[str] = frozenset()):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox(refuse={"nobody@example.jp"})
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, MailConfig(host="127.0.0.1", port=controller.port, sender="incidents@example.jp",
                                sender_name="株式会社サンプル")
    finally:
        controller.stop()


def _ctx():
    return StepContext(incident_id=12, incident_title="顧客リストの誤送信", step_title_ja="削除依頼と削除確認書の受領",
                       step_title_en="Deletion request and written confirmation",
                       due_at=datetime(2026, 4, 3, 9, 0, tzinfo=UTC), assignee="山田 太郎",
                       link="http://127.0.0.1:8000/incidents/12")


def test_reminder_mail_in_japanese_arrives_properly_encoded(smtp):
    inbox, config = smtp
    now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    notice = step_notice(REMINDER, _ctx(), locale="ja", recipient_name="山田 太郎", now=now, tz=TOKYO)
    mid = send_mail(config, to="yamada@example.jp", subject=notice.title, body=notice.text,
                    message_id="<reminder-1-reminder-1440@incidents>", to_name="山田 太郎")
    assert mid == "<reminder-1-reminder-1440@incidents>"
    (msg,) = inbox.messages
    raw_subject = msg.get("Subject", failobj=None)
    raw = msg.as_bytes()
    assert b"=?utf-8?" in raw.lower()  # RFC 2047 encoded-word on the wire
    assert str(make_header(decode_header(raw_subject))) == "【期限のお知らせ】#12 削除依頼と削除確認書の受領（あと1日）"
    body = msg.get_content()
    assert "山田 太郎 様" in body and "期限が近づいています" in body
    assert "2026年4月3日（金）18:00（JST）" in body
    assert msg.get_content_charset() == "utf-8"
    assert msg["Message-ID"] == "<reminder-1-reminder-1440@incidents>"


def test_english_escalation_mail(smtp):
    inbox, config = smtp
    now = datetime(2026, 4, 3, 10, 0, tzinfo=UTC)
    notice = step_notice(ESCALATION_MANAGER, _ctx(), locale="en", recipient_name="Ms Sato", now=now, tz=TOKYO)
    send_mail(config, to="sato@example.jp", subject=notice.title, body=notice.text)
    (msg,) = inbox.messages
    assert msg["Subject"] == "[Overdue] #12 Deletion request and written confirmation"
    assert "is overdue" in msg.get_content()


def test_refused_recipient_is_a_permanent_error_and_unreachable_server_transient(smtp):
    _, config = smtp
    with pytest.raises(DeliveryError) as exc:
        send_mail(config, to="nobody@example.jp", subject="件名", body="本文")
    assert exc.value.permanent
    dead = MailConfig(host="127.0.0.1", port=1, timeout=2)
    with pytest.raises(DeliveryError) as exc:
        send_mail(dead, to="a@example.jp", subject="件名", body="本文")
    assert not exc.value.permanent
    with pytest.raises(DeliveryError) as exc:
        send_mail(MailConfig(host=""), to="a@example.jp", subject="s", body="b")
    assert exc.value.permanent


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.path, dict(self.headers), json.loads(self.rfile.read(length))))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    handler = type("Receiver", (_Receiver,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_posts_slack_and_teams_payloads(receiver):
    handler, base = receiver
    notice = step_notice(REMINDER, _ctx(), locale="ja", recipient_name="山田 太郎",
                         now=datetime(2026, 4, 2, 9, tzinfo=UTC), tz=TOKYO)
    assert post(f"slack+{base}/slack", notice, idempotency_key="k1") == 200
    assert post(f"teams+{base}/teams", notice) == 200
    assert post(f"{base}/generic", notice) == 200
    (p1, h1, slack), (p2, _, teams), (p3, _, generic) = handler.received
    assert p1 == "/slack" and h1["Idempotency-Key"] == "k1"
    assert slack["text"].startswith("【期限のお知らせ】#12") and slack["blocks"][0]["type"] == "header"
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and "削除依頼" in card["content"]["body"][0]["text"]
    assert generic["event"] == "step.reminder" and generic["incident_id"] == 12 and generic["text"]


def test_webhook_errors_permanent_or_transient(receiver):
    handler, base = receiver
    n = Notice(title="t", text="x")
    handler.status = 404
    with pytest.raises(DeliveryError) as exc:
        post(base, n)
    assert exc.value.permanent
    handler.status = 503
    with pytest.raises(DeliveryError) as exc:
        post(base, n)
    assert not exc.value.permanent
    with pytest.raises(DeliveryError) as exc:
        post("http://127.0.0.1:1/x", n, timeout=2)
    assert not exc.value.permanent


def test_format_detection():
    assert split_target("https://hooks.slack.com/services/T/B/X")[0] == "slack"
    assert split_target("https://acme.webhook.office.com/webhookb2/x")[0] == "teams"
    assert split_target("https://prod-1.westeurope.logic.azure.com/workflows/x")[0] == "teams"
    assert split_target("https://example.org/hook") == ("json", "https://example.org/hook")
    assert split_target("json+https://hooks.slack.com/x") == ("json", "https://hooks.slack.com/x")
    assert payload(Notice(title="t", text="x", link="http://l"), "slack")["text"] == "t\nx\nhttp://l"


def test_backoff_grows_caps_and_gives_up():
    b = Backoff(base=timedelta(seconds=30), cap=timedelta(minutes=5), max_attempts=5)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert [b.delay(i).total_seconds() for i in range(1, 6)] == [30, 60, 120, 240, 300]
    assert b.next_attempt(1, now) == now + timedelta(seconds=30)
    assert b.next_attempt(5, now) is None


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_smtp_credentials_are_used():
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"notifier", b"s3cret")
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), authenticator=authenticator,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        good = MailConfig(host="127.0.0.1", port=controller.port, username="notifier", password="s3cret")
        send_mail(good, to="a@example.jp", subject="認証つき送信", body="本文")
        assert str(inbox.messages[0]["Subject"]) == "認証つき送信"
        anonymous = MailConfig(host="127.0.0.1", port=controller.port, timeout=10)
        with pytest.raises(DeliveryError) as exc:
            send_mail(anonymous, to="a@example.jp", subject="s", body="b")
        assert exc.value.permanent and "530" in str(exc.value)  # authentication required
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


def test_mailer_reuses_one_connection_for_a_batch(smtp):
    inbox, config = smtp
    greetings = []

    async def handle_EHLO(server, session, envelope, hostname, responses):  # noqa: N802
        greetings.append(hostname)
        session.host_name = hostname
        return responses

    inbox.handle_EHLO = handle_EHLO
    from incidents.notify.mail import Mailer

    with Mailer(config) as mailer:
        for i in range(3):
            mailer.send(to=f"u{i}@example.jp", subject=f"件名{i}", body="本文")
        with pytest.raises(DeliveryError):
            mailer.send(to="nobody@example.jp", subject="x", body="y")
        mailer.send(to="after@example.jp", subject="再接続", body="本文")
    assert [str(m["Subject"]) for m in inbox.messages] == ["件名0", "件名1", "件名2", "再接続"]
    assert len(greetings) == 2  # one connection for the batch, a new one after the refusal
