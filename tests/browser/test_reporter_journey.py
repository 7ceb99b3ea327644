"""The reporter's journey in a real browser, in Japanese and English: the guided report, the final screen, the
reporter's own view; sending the same form again after going back; the error pages; a phone's width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.cases.models import Incident

from .helpers import login, next_screen

T = {
    "ja": {"report": "誤送信を報告する", "done": "報告を受け付けました。ありがとうございます。今すぐすること",
           "told": "上長の上長 花子さんに報告が届いています。", "mine": "自分の報告 #", "stage": "これからの流れ",
           "again": "二重には登録されていません", "next": "次の期限", "send": "今すぐ報告する",
           "404": "ページが見つかりません", "409": "現在の状態ではこの操作はできません", "500": "システム側で問題が発生しました",
           "decide": "方針を記録", "deadline_owner": "対応担当者が行います"},
    "en": {"report": "Report a mis-sent mail", "done": "Reported. Thank you. What to do now",
           "told": "Your supervisor, Hanako Jocho, has been told.", "mine": "Open my report #", "stage": "What happens now",
           "again": "It has not been filed a second time", "next": "Next deadline", "send": "Report now",
           "404": "This page does not exist", "409": "This cannot be done now", "500": "Something went wrong on our side",
           "decide": "Record the decision", "deadline_owner": "the person handling it does this"},
}
NO_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _team(make_user, lang):
    manager = make_user(role="manager", locale=lang, name="上長 花子" if lang == "ja" else "Hanako Jocho")
    employee = make_user(manager=manager, locale=lang, name="山田 太郎" if lang == "ja" else "Taro Yamada")
    return manager, employee


def _answer_the_report(page):
    page.click("#step-next")
    page.fill("#subject", "【見積書送付】保守契約")
    page.click("#step-next")
    page.check("input[name=mistake_type][value=wrong_recipient]")
    page.fill("#unintended", "suzuki@b-corp.example, 鈴木 一郎")
    page.click("#step-next")
    page.fill("#sent_at", "2026-11-28T15:20")
    page.fill("#discovered_at", "2026-11-28T15:40")
    page.click("#step-next")
    page.check("input[name=discovery_method][value=recipient_reported]")
    page.click("#step-next")
    page.check("input[name=data_items][value=name]")
    page.click("#step-next")
    page.fill("#affected_persons", "1")
    page.click("#step-next")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_reporters_journey_and_going_back_after_sending(new_page, make_user, session, shot, lang):
    t = T[lang]
    _manager, employee = _team(make_user, lang)
    page = new_page()
    login(page, employee)
    page.get_by_role("link", name=t["report"]).first.click()
    _answer_the_report(page)
    sent_form = page.evaluate("""() => Array.from(new FormData(document.getElementById('report-form')).entries())
        .filter(([k, v]) => typeof v === 'string')""")
    page.get_by_role("button", name=t["send"]).click()

    expect(page.get_by_role("heading", name=t["done"])).to_be_visible()
    card = page.locator(".now-card")
    expect(card).to_contain_text(t["told"])
    expect(card.locator("#advice li")).not_to_have_count(0)
    expect(card).to_contain_text(t["next"])
    expect(page.locator("#response")).to_have_count(0)  # no manager controls
    shot(page, f"reporter-done-{lang}")
    assert "申し訳" not in card.inner_text()  # nothing apologises before the organisation's decision

    # Back, then the same form sent again (as a browser resends it): the incident already filed is shown.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/report$"))
    page.evaluate("""(fields) => {
        const form = document.createElement('form');
        form.method = 'post'; form.action = '/report'; form.enctype = 'multipart/form-data';
        for (const [name, value] of fields) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
    }""", sent_form)
    expect(page.locator("#already-filed")).to_contain_text(t["again"])
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 1

    page.get_by_role("link", name=re.compile(t["mine"])).click()
    expect(page.locator("#stage")).to_be_visible()
    expect(page.locator("h2", has_text=t["stage"])).to_be_visible()
    expect(page.locator("#next-deadline")).to_contain_text(t["deadline_owner"])
    expect(page.locator("#reported-facts")).to_contain_text("suzuki@b-corp.example")
    shot(page, f"reporter-view-{lang}")
    assert page.dialogs == [] and page.console_errors == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_error_page_in_the_readers_language(new_page, make_user, make_incident, monkeypatch, shot, lang):
    t = T[lang]
    manager, employee = _team(make_user, lang)
    incident = make_incident(employee)

    stranger = new_page(locale="en-US" if lang == "en" else "ja-JP")  # before signing in: Accept-Language
    assert stranger.goto("/no/such/page").status == 404
    expect(stranger.locator("h1")).to_have_text(t["404"])
    expect(stranger.locator("html")).to_have_attribute("lang", lang)
    shot(stranger, f"error-404-{lang}")
    stranger.goto("/")
    expect(stranger).to_have_url(re.compile(r"/login"))

    boss = new_page()
    login(boss, manager)
    boss.goto(f"/incidents/{incident.id}")
    boss.locator("form[action$='/response/decision'] input[name=note]").fill("B社へは上長から電話")
    boss.get_by_role("button", name=t["decide"]).click()
    expect(boss.get_by_role("button", name=t["decide"])).to_have_count(0)
    boss.go_back()  # the page with the form again (reloaded), then the form sent once more
    boss.evaluate(f"""() => {{
        const form = document.createElement('form'); form.method = 'post';
        form.action = '/incidents/{incident.id}/response/decision';
        const csrf = document.querySelector('input[name=csrf_token]').cloneNode();
        const note = document.createElement('input'); note.name = 'note'; note.value = 'B社へは上長から電話';
        form.append(csrf, note); document.body.appendChild(form); form.submit();
    }}""")
    expect(boss.locator("h1")).to_have_text(t["409"])
    expect(boss.locator("#typed")).to_contain_text("B社へは上長から電話")
    shot(boss, f"error-409-{lang}")

    from incidents.cases import service

    def broken(*_a, **_k):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(service, "list_incidents", broken)
    assert boss.goto("/").status == 500
    expect(boss.locator("h1")).to_have_text(t["500"])
    expect(boss.locator("html")).to_have_attribute("lang", lang)
    shot(boss, f"error-500-{lang}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_incident_pages_fit_a_phone(new_page, make_user, make_incident, shot, lang):
    manager, employee = _team(make_user, lang)
    long = "a-very-long-local-part-of-an-address-that-does-not-break@an-equally-long-domain-name.example"
    incident = make_incident(employee, recipients=[
        {"address": long, "field": "to", "kind": "unintended"},
        {"address": "sato@a-corp.example", "field": "to", "kind": "intended"}])
    for user, name in ((employee, "reporter"), (manager, "manager")):
        phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        login(phone, user)
        phone.goto(f"/incidents/{incident.id}")
        expect(phone.locator("main h1")).to_be_visible()
        wide = phone.evaluate("""() => Array.from(document.querySelectorAll('main *'))
            .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert phone.evaluate(NO_OVERFLOW) <= 0, f"the {name}'s page is wider than the phone: {wide}"
        shot(phone, f"phone-incident-{name}-{lang}")
