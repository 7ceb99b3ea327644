"""A poisoned message fails alone: mails with a line break in a header, a recipient that is not one
address, a message that cannot be built, a relevance check that raises — each fails (or goes out
sanitised) on its own, visibly, and every other mail of the batch reaches a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.notify import service as notify
from incidents.notify.mail import MailConfig, build_message, subject_text
from incidents.notify.models import Delivery
from incidents.types import utcnow


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content,
                                                                                  policy=default)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("INCIDENTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INCIDENTS_SMTP_PORT", str(controller.port))
    get_settings.cache_clear()
    try:
        yield inbox, MailConfig(host="127.0.0.1", port=controller.port, sender="incidents@example.jp")
    finally:
        controller.stop()
        monkeypatch.undo()
        get_settings.cache_clear()


def _delivery(n: int, **overrides) -> dict:
    row = dict(dedupe_key=f"poison-test:{n}", channel="mail", target=f"person{n}@example.jp", user_id=None,
               incident_id=None, event="notice", subject=f"[First report] Misdelivered email #{n}", body="本文",
               payload={"to_name": f"担当 {n}"}, status="pending", attempts=0, next_attempt_at=utcnow(),
               last_error="", created_at=utcnow())
    return {**row, **overrides}


def test_a_poisoned_mail_fails_alone_and_the_others_are_delivered(smtp):
    inbox, config = smtp

    def boom(session, delivery):
        raise RuntimeError("the step this reminder is for cannot be read")

    notify.register_relevance("tests.boom", boom)
    rows = [
        _delivery(1),
        _delivery(2, subject="Quote\r\nBcc: thief@attacker.example\r\n\r\nforged body"),  # goes out, one line
        _delivery(3, target="person3@example.jp\r\nBcc: thief@attacker.example"),  # not one address: fails
        _delivery(4, payload={"to_name": {"not": "a name"}}),  # cannot be built: fails
        _delivery(5, event="tests.boom"),  # its relevance check raises: fails
        _delivery(6, target="bad address@example.jp"),
        _delivery(7, subject="Mail sent to suzuki@b-corp.example by mistake"),
        _delivery(8),
    ]
    with session_scope() as s:
        notify.insert_rows(s, [], rows)
    counts = notify.deliver_due(session_scope, owner="w", mail=config, limit=100)
    assert counts["sent"] == 4 and counts["failed"] == 4, counts

    with session_scope(write=False) as s:
        state = {d.dedupe_key.split(":")[1]: d for d in s.execute(select(Delivery)).scalars()}
    assert {k: d.status for k, d in state.items()} == {
        "1": "sent", "2": "sent", "3": "failed", "4": "failed", "5": "failed", "6": "failed", "7": "sent", "8": "sent"}
    assert "not a plain mail address" in state["3"].last_error and "\n" not in state["3"].last_error
    assert "cannot be built" in state["4"].last_error or "TypeError" in state["4"].last_error
    assert "RuntimeError: the step this reminder is for cannot be read" == state["5"].last_error
    assert all(d.lease_owner is None for d in state.values())  # nothing held

    got = {str(m["To"]).split("<")[-1].rstrip(">"): (rcpts, m) for rcpts, m in inbox.messages}
    assert sorted(got) == ["person1@example.jp", "person2@example.jp", "person7@example.jp", "person8@example.jp"]
    assert all(rcpts == [to] for to, (rcpts, _m) in got.items())  # no Bcc smuggled in through a header
    poisoned = got["person2@example.jp"][1]
    assert str(poisoned["Subject"]) == "Quote Bcc: thief@attacker.example forged body".replace(
        "thief@attacker.example", "…") and poisoned["Bcc"] is None
    assert str(got["person7@example.jp"][1]["Subject"]) == "Mail sent to … by mistake"
    assert notify.deliver_due(session_scope, owner="w", mail=config) == {"sent": 0, "retry": 0, "failed": 0}


def test_notification_subjects_name_the_incident_never_an_address(smtp, make_user, make_incident):
    inbox, config = smtp
    manager = make_user("manager", email="boss@example.co.jp")
    employee = make_user("employee", manager=manager)
    incident = make_incident(employee, title="suzuki@b-corp.example への見積書誤送信")
    assert notify.deliver_due(session_scope, owner="w", mail=config)["sent"] >= 1
    subjects = [str(m["Subject"]) for _r, m in inbox.messages]
    assert subjects and all("@" not in s for s in subjects)
    assert any(f"#{incident.id}" in s and "への見積書誤送信" in s for s in subjects)


def test_headers_are_one_line_where_the_message_is_built():
    config = MailConfig(host="x", sender="incidents@example.jp", sender_name="株式会社\r\nサンプル")
    msg = build_message(config, to="a@example.jp", subject="件名\n\x00Bcc: x@y.example", body="本文",
                        to_name="鈴木\r\n一郎", message_id="<id\r\n@example>")
    head = msg.as_bytes().split(b"\r\n\r\n")[0].decode()
    assert not [line for line in head.split("\r\n") if line.lower().startswith(("bcc:", "@example"))]
    assert msg["Bcc"] is None and "\n" not in str(msg["Subject"]) and "\n" not in str(msg["To"])
    assert subject_text("to a.b+c@d-e.example.co.jp now") == "to … now"
