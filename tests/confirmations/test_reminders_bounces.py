"""Reminders after N days (time passed explicitly), at most M times, with the same personal link; bounces
and automatic replies matched to their request (a real bounce from another project's test mails, and ours)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from incidents.config import get_settings
from incidents.confirmations import bounces, progress, reminders, service
from incidents.confirmations.models import DeletionBounce, DeletionRequest
from incidents.db import session_scope
from incidents.notify.mail import MailConfig
from incidents.notify.service import deliver_due
from incidents.response import actions
from incidents.types import utcnow
from tests.confirmations.conftest import LINK

REAL_BOUNCE = (Path(__file__).resolve().parents[1] / "intake" / "real_mail" / "sisimai-set-of-emails"
               / "bsd_lhost-amavis-01.eml")


def _deliver(at):
    return deliver_due(session_scope, owner="t", mail=MailConfig.from_settings(get_settings()), now=lambda: at)


def test_reminder_after_n_days_at_most_m_times_same_link(world, inbox, monkeypatch):
    monkeypatch.setenv("INCIDENTS_CONFIRM_REMINDER_DAYS", "3")
    monkeypatch.setenv("INCIDENTS_CONFIRM_REMINDERS_MAX", "2")
    get_settings.cache_clear()
    manager, employee, make = world
    inc = make(3)
    start = utcnow()
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True, now=start)
    _deliver(start)
    first = {a: LINK.findall(inbox.to(a)[0].get_content())[0] for a in
             ("gakusei0000@univ.example.jp", "gakusei0001@univ.example.jp", "gakusei0002@univ.example.jp")}
    with session_scope() as s:  # one answers on paper meanwhile: no reminder for them
        actions.confirm_deletion(s, actor=manager, incident_id=inc.id, address="gakusei0000@univ.example.jp",
                                 opened="no")
    with session_scope() as s:
        assert reminders.send_due(s, now=start + timedelta(days=2, hours=23)) == 0  # not yet
    with session_scope() as s:
        assert reminders.send_due(s, now=start + timedelta(days=3, minutes=1)) == 2
    with session_scope() as s:
        assert reminders.send_due(s, now=start + timedelta(days=3, minutes=2)) == 0  # once
    _deliver(start + timedelta(days=3, minutes=5))
    for address in ("gakusei0001@univ.example.jp", "gakusei0002@univ.example.jp"):
        mails = inbox.to(address)
        assert len(mails) == 2 and str(mails[1]["Subject"]).startswith("【再送】")
        assert LINK.findall(mails[1].get_content())[0] == first[address]  # the same personal link
    assert len(inbox.to("gakusei0000@univ.example.jp")) == 1
    with session_scope() as s:
        assert reminders.send_due(s, now=start + timedelta(days=6, minutes=10)) == 2  # second and last
    with session_scope() as s:
        assert reminders.send_due(s, now=start + timedelta(days=30)) == 0
        p = progress.of_incident(s, inc.id)
    assert p.reminders == 4 and p.confirmed_no == 1 and p.not_answered == 2


def test_a_reminder_queued_before_an_answer_is_not_sent_after_it(world, inbox):
    manager, employee, make = world
    inc = make(1)
    start = utcnow()
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True, now=start)
    with session_scope() as s:
        actions.confirm_deletion(s, actor=manager, incident_id=inc.id, address="gakusei0000@univ.example.jp",
                                 opened="no")
    # the request itself was still in the outbox: the answer came first, so it is not sent at all
    counts = _deliver(start)
    assert not inbox.to("gakusei0000@univ.example.jp") and counts.get("cancelled") == 1


def test_bounces_and_auto_replies_are_matched_and_stop_reminders(world, inbox, make_incident):
    manager, employee, make = world
    recipients = [
        {"address": "neko@example.co.jp", "name": "猫 太郎", "organization": "", "field": "to", "kind": "unintended"},
        {"address": "tora@example.jp", "name": "虎 次郎", "organization": "", "field": "cc", "kind": "unintended"},
        {"address": "mike@example.jp", "name": "三毛 花子", "organization": "", "field": "cc", "kind": "unintended"},
        {"address": "sato@a-corp.example", "name": "佐藤 花子", "organization": "A株式会社", "field": "to",
         "kind": "intended"}]
    inc = make_incident(employee, recipients=recipients)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="メールで削除を依頼する")
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True)
    _deliver(utcnow())
    tora = inbox.to("tora@example.jp")[0]
    mike = inbox.to("mike@example.jp")[0]
    with session_scope() as s:
        mike_ref = s.execute(select(DeletionRequest.reference).where(DeletionRequest.address == "mike@example.jp")).scalar()
    # 1. a real bounce (another project's test mail), matched by the address it names
    real = REAL_BOUNCE.read_bytes()
    # 2. a bounce quoting our message's headers (Message-ID), as most servers send them
    ours = (b"From: MAILER-DAEMON@mx.example.jp\r\nTo: incidents@localhost\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            b"Message-ID: <bounce-1@mx.example.jp>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
            b"Content-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--B\r\n"
            b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\n"
            b"Final-Recipient: rfc822; someone-else@example.jp\r\nAction: failed\r\nStatus: 5.2.2\r\n"
            b"Diagnostic-Code: smtp; 552 mailbox full\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            + f"Message-ID: {tora['Message-ID']}\r\nSubject: x\r\n".encode() + b"--B--\r\n")
    # 3. an automatic reply quoting the subject with the reference number
    auto = ("From: mike@example.jp\r\nTo: incidents@localhost\r\nAuto-Submitted: auto-replied\r\n"
            f"Subject: 自動応答: Re: {mike['Subject']}\r\nMessage-ID: <auto-1@example.jp>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n12月3日まで不在にしております。\r\n").encode()
    plain = b"From: someone@example.jp\r\nSubject: hello\r\n\r\nnot a bounce\r\n"
    with session_scope() as s:
        kept = bounces.record_messages(s, actor=manager, incident_id=inc.id, messages=[real, ours, auto, plain])
    assert [(m.kind, m.matched_by) for m in kept] == [("bounce", "address"), ("bounce", "message"),
                                                      ("auto_reply", "reference")]
    with session_scope() as s:  # the same upload again adds nothing
        assert bounces.record_messages(s, actor=manager, incident_id=inc.id, messages=[real, ours, auto]) == []
    with session_scope() as s:
        rows = {r.address: r for r in s.execute(select(DeletionRequest)).scalars()}
        assert rows["neko@example.co.jp"].bounced_at and rows["tora@example.jp"].bounced_at
        assert rows["neko@example.co.jp"].next_reminder_at is None
        assert rows["mike@example.jp"].bounced_at is None and mike_ref in str(mike["Subject"])
        assert len(s.execute(select(DeletionBounce)).all()) == 3
        p = progress.of_incident(s, inc.id)
    assert (p.bounced, p.delivered, p.auto_replies) == (2, 1, 1)


def test_bounce_upload_by_cli_shows_the_recipient(world, inbox, cli, tmp_path):
    manager, employee, make = world
    inc = make(2)
    code, out, err = cli("deletion", "send", str(inc.id), "--all", "--as", manager.email)
    assert code == 0, err
    _deliver(utcnow())
    mail = inbox.to("gakusei0001@univ.example.jp")[0]
    bounce = tmp_path / "bounce.eml"
    bounce.write_bytes(("From: Mail Delivery System <mailer-daemon@mx.example.jp>\r\nSubject: Returned mail\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n\r\nThis message could not be delivered:\r\n\r\n"
                        + mail.get_content()).encode())
    code, out, err = cli("deletion", "bounces", str(inc.id), str(bounce), "--as", manager.email)
    assert code == 0, err
    assert "gakusei0001@univ.example.jp" in out and "本人専用リンク" in out
    code, out, err = cli("deletion", "progress", str(inc.id), "--as", manager.email)
    assert code == 0 and "不達" in out and "未回答の2名" in out


def test_a_scheduler_that_dies_after_claiming_leaves_each_mail_to_arrive_once(world, inbox):
    from incidents.notify.service import claim

    manager, employee, make = world
    inc = make(5)
    start = utcnow()
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True, now=start)
    with session_scope() as s:  # a scheduler claims the mails and dies before sending any
        assert len(claim(s, owner="dead", now=start, lease=timedelta(seconds=30))) >= 5
    assert _deliver(start + timedelta(seconds=10))["sent"] == 0  # its lease still holds
    assert _deliver(start + timedelta(seconds=31))["sent"] >= 5  # another one takes over
    assert _deliver(start + timedelta(seconds=60))["sent"] == 0
    for i in range(5):
        assert len(inbox.to(f"gakusei{i:04d}@univ.example.jp")) == 1
