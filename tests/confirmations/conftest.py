"""Fixtures of the online confirmations: a real SMTP server (aiosmtpd) in the test process, an incident
with many wrong recipients, and the organisation's decision."""

from __future__ import annotations

import email
import re
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.response import actions

LINK = re.compile(r"(http://[^\s]+/c/[0-9a-f]{40})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.accepted: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.accepted.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.accepted if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def inbox(monkeypatch):
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("INCIDENTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INCIDENTS_SMTP_PORT", str(controller.port))
    get_settings.cache_clear()
    yield box
    controller.stop()
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_settings():
    from incidents.confirmations import ratelimit

    get_settings.cache_clear()
    ratelimit.reset()
    yield
    get_settings.cache_clear()
    ratelimit.reset()


def wrong_recipients(n: int, *, english_every: int = 0) -> list[dict]:
    out = []
    for i in range(n):
        if english_every and i % english_every == 0:
            out.append({"address": f"reader{i:04d}@partner.example.com", "name": "Alex Smith",
                        "organization": "Partner Ltd", "field": "bcc", "kind": "unintended"})
        else:
            out.append({"address": f"gakusei{i:04d}@univ.example.jp", "name": f"山田 花子{i}",
                        "organization": "", "field": "bcc", "kind": "unintended"})
    return out


@pytest.fixture
def world(make_user, make_incident):
    """(manager, employee, make(n, decided=True, english_every=0) -> incident)."""
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)

    def make(n: int = 3, *, decided: bool = True, english_every: int = 0):
        recipients = wrong_recipients(n, english_every=english_every) + [
            {"address": "sato@a-corp.example", "name": "佐藤 花子", "organization": "A株式会社", "field": "to",
             "kind": "intended"}]
        inc = make_incident(employee, recipients=recipients, mistake_type="bcc_exposure",
                            affected_persons=n)
        if decided:
            with session_scope() as s:
                actions.decide(s, actor=manager, incident_id=inc.id, note="削除依頼をメールで送付する")
        return inc

    return manager, employee, make
