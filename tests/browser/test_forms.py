"""The intake review in a real browser: an answer that cannot be used brings the review back with the
reason and every answer kept; corrected, it reports the incident."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.cases.models import Incident
from incidents.db import session_scope
from tests.mails import sent_mail

from .helpers import login

JST = timezone(timedelta(hours=9))


def test_review_comes_back_with_the_reason_and_the_answers(page, make_user, session):
    user = make_user(name="山田 太郎")
    login(page, user)
    page.goto("/intake/mail")
    mail = sent_mail(sent=datetime.now(JST) - timedelta(hours=1))
    page.set_input_files("input[type=file][name=file]", files=[
        {"name": "sent.eml", "mimeType": "message/rfc822", "buffer": mail}])
    page.locator("form[action='/intake/mail'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("読み取った内容の確認")
    page.fill("#title", "見積書の誤送信（確認用）")
    page.fill("#affected_persons", "12")
    page.check("input[name=data_items][value=medical]")
    early = (datetime.now(JST) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#discovered_at", early)  # before the mail was sent
    page.locator("form[action='/intake/mail/create'] button[type=submit]").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("発覚日時")
    expect(alert).to_contain_text("送信日時より前")
    expect(page.locator("#title")).to_have_value("見積書の誤送信（確認用）")
    expect(page.locator("#affected_persons")).to_have_value("12")
    expect(page.locator("input[name=data_items][value=medical]")).to_be_checked()
    expect(page.locator("#discovered_at")).to_have_value(early)
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    page.fill("#discovered_at", (datetime.now(JST) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("form[action='/intake/mail/create'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+\?reported=1$"))
    with session_scope() as s:  # a fresh transaction: the page wrote after this test's session last read
        incident = s.execute(select(Incident)).scalar_one()
    assert incident.title == "見積書の誤送信（確認用）" and incident.affected_persons == 12
    assert incident.data_items[-1] == "medical"
