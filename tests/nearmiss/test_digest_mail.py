"""The monthly digest goes out as real mail (aiosmtpd in the test process), once, in each user's language,
and names no one."""

from __future__ import annotations

import email
import socket
from email.header import decode_header, make_header
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.nearmiss import service
from incidents.nearmiss.digest import send_digest
from incidents.notify.mail import MailConfig
from incidents.notify.service import deliver_due


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_digest_mail(smtp, make_user, make_incident):
    inbox, port = smtp
    manager = make_user("manager", department="Sales", email="boss@example.co.jp")
    reporter = make_user("employee", department="Sales", manager=manager, email="taro@example.co.jp")
    make_user("employee", department="Support", email="reader@example.co.jp", locale="en")
    inc = make_incident(reporter, message={"subject": "見積書", "attachments": [],
                                           "summary": "株式会社東邦商事の佐藤花子様宛ての見積書を北斗物産に誤送信した。"})
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id)
    month = case.published_at.astimezone(get_settings().tz).strftime("%Y-%m")
    settings = get_settings().model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    with session_scope() as s:
        assert send_digest(s, month=month, settings=settings) > 0
    with session_scope() as s:
        send_digest(s, month=month, settings=settings)  # the scheduler ran twice: nothing new
    counts = deliver_due(session_scope, owner="test", mail=MailConfig(host="127.0.0.1", port=port,
                                                                    sender="incidents@example.jp"))
    assert counts["sent"] == 3 and len(inbox.messages) == 3
    by_to = {m["To"].addresses[0].addr_spec: m for m in inbox.messages}
    ja = by_to["taro@example.co.jp"]
    en = by_to["reader@example.co.jp"]
    assert str(make_header(decode_header(ja["Subject"]))).startswith("【ヒヤリハット通信】")
    assert str(make_header(decode_header(en["Subject"]))).startswith("Near-miss digest: 1 case(s)")
    for msg in (ja, en):
        body = msg.get_content()
        assert case.title in body and f"/nearmiss/{case.id}" in body
        for secret in ("東邦", "佐藤", "北斗", "taro@"):
            assert secret not in body
