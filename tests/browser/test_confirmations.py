"""Closing the loop with 300 wrong recipients: a real SMTP server (aiosmtpd) in the test process, the
decision, `incidents deletion send --all`, the scheduler delivers 300 personal mails, and the readers
confirm through the links in the mails they received — the first and the last in a real browser (Chromium),
the others by plain HTTP against the same live server. After the last «未開封» the assessment says
deleted_unread and not reportable; one «開封した» keeps it a leak. The page in English and in Japanese."""

from __future__ import annotations

import re
from collections import Counter

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from incidents.cases.models import Incident
from incidents.config import get_settings
from incidents.confirmations.models import DeletionRequest
from incidents.db import session_scope
from incidents.response import service as response
from incidents.scheduler import runner
from tests.confirmations.conftest import LINK, fresh_settings, inbox, world  # noqa: F401 (fixtures)

from .helpers import login

N = 300
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _assessment(incident_id):
    with session_scope() as s:
        return response.assessment_of(s, s.get(Incident, incident_id))


def _confirm_in_browser(page, link: str, opened_label: str, name: str) -> None:
    page.goto(link)
    for box in ("deleted_inbox", "deleted_trash", "deleted_files", "deleted_printouts", "not_forwarded"):
        page.check(f"input[name={box}]")
    page.get_by_label(opened_label).check()
    page.fill("input[name=name]", name)
    page.get_by_role("button", name=re.compile("回答を送信する|Send the confirmation")).click()


@pytest.fixture
def served(live_server, monkeypatch, inbox):  # noqa: F811
    monkeypatch.setenv("INCIDENTS_BASE_URL", live_server)
    # 300 readers, all arriving here from the one test address
    monkeypatch.setenv("INCIDENTS_CONFIRM_RATE_PER_ADDRESS", "100000 per minute")
    get_settings.cache_clear()
    return live_server


def test_300_wrong_recipients_confirm_through_their_links(served, world, inbox, cli, new_page):  # noqa: F811
    manager, employee, make = world
    inc = make(N, english_every=10)
    code, out, err = cli("deletion", "send", str(inc.id), "--all", "--as", manager.email)
    assert code == 0, err
    result = runner.run_once()
    assert result["sent"] >= N
    with session_scope() as s:
        requests = {r.address: r for r in s.execute(select(DeletionRequest)).scalars()}
    assert len(requests) == N
    links: dict[str, str] = {}
    for address, request in requests.items():
        [mail] = inbox.to(address)  # exactly one each
        body = mail.get_content()
        assert request.reference in str(mail["Subject"]) and request.reference in body
        [link] = set(LINK.findall(body))
        assert link.startswith(served + "/c/")
        links[address] = link
        english = address.endswith("@partner.example.com")
        assert request.lang == ("en" if english else "ja")
        assert ("Please delete that mail" in body) if english else ("開封せずに削除し" in body)
    assert len(set(links.values())) == N
    assert max(Counter(m["Message-ID"] for m in inbox.accepted).values()) == 1
    order = sorted(links)
    english_reader = next(a for a in order if a.endswith("@partner.example.com"))
    last = [a for a in order if not a.endswith("@partner.example.com")][-1]

    # the first reader, in English, in a real browser
    reader = new_page(locale="en-GB")
    reader.goto(links[english_reader])
    expect(reader.locator("h1")).to_have_text("Confirming the deletion of a mail we sent you by mistake")
    expect(reader.locator("dl.facts")).to_contain_text(requests[english_reader].reference)
    _confirm_in_browser(reader, links[english_reader], "No, I deleted it without opening it", "Alex Smith")
    expect(reader.locator("h1")).to_have_text("Thank you")
    assert reader.console_errors == []

    # the others but the last, by plain HTTP (each its own cookie jar, as separate people)
    for address in order:
        if address in (english_reader, last):
            continue
        with httpx.Client(base_url=served, timeout=30) as client:
            page = client.get(links[address])
            assert page.status_code == 200
            r = client.post(links[address], data={
                "csrf_token": CSRF.search(page.text).group(1), "opened": "no", "name": "山田 花子",
                "signed_on": "2026-11-30", "deleted_inbox": "1", "deleted_trash": "1", "deleted_files": "1",
                "deleted_printouts": "1", "not_forwarded": "1"})
            assert r.status_code == 200, r.text[:300]
    a = _assessment(inc.id)
    assert a.appi.exemption != "deleted_unread"

    # the last reader, in Japanese, in a real browser: «未開封»
    reader = new_page(locale="ja-JP")
    reader.goto(links[last])
    expect(reader.locator("h1")).to_have_text("誤ってお送りしたメールの削除のご確認")
    _confirm_in_browser(reader, links[last], "開封せずに削除した（未開封）", "鈴木 一郎")
    expect(reader.locator("h1")).to_have_text("ありがとうございました")
    a = _assessment(inc.id)
    assert a.appi.exemption == "deleted_unread" and a.appi.reportable is False

    # the manager sees it at a glance
    boss = new_page()
    login(boss, manager)
    boss.goto(f"/incidents/{inc.id}")
    expect(boss.locator("#confirmations")).to_contain_text("誤送信先の全員が未開封のまま削除したと確認しました。")

    # one reader corrects to «開封した»: it is a leak again
    _confirm_in_browser(reader, links[last], "開封した", "鈴木 一郎")
    expect(reader.locator(".card.notice")).to_contain_text("訂正したご回答を記録いたしました")
    a = _assessment(inc.id)
    assert a.appi.exemption != "deleted_unread" and a.appi.leak
    boss.reload()
    expect(boss.locator("#confirmations")).to_contain_text("誤送信先のうち1名が「開封した」または「不明」と回答しています。")
