"""Screenshots of each page in Japanese and English (docs/screenshots/ via scripts/screenshots), taken on a
realistic department; each page is checked to be in the right language before it is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.mails import sent_mail

from .helpers import drop_file, login
from .seed import seed_department

UNLABELLED = """() => [...document.querySelectorAll("main input:not([type=hidden]), main select, main textarea")]
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")).map(e => e.name || e.id)"""

TEXT = {
    "ja": {"report": "誤送信を報告する", "read": "メールから読み取りました", "next": "次へ", "room": "管理画面",
           "done": "今すぐすること", "incidents": "事案"},
    "en": {"report": "Report a mis-sent mail", "read": "Read from the mail", "next": "Next", "room": "Control room",
           "done": "What to do now", "incidents": "Incidents"},
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screenshots(lang, new_page, make_user, make_incident, shot):
    t = TEXT[lang]
    manager, employee, incidents = seed_department(make_user, make_incident, locale=lang)
    page = new_page()
    page.goto(f"/login?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    shot(page, f"login-{lang}")

    login(page, employee)
    shot(page, f"home-{lang}")
    page.goto("/report")
    expect(page.locator("h1")).to_have_text(t["report"])
    assert page.evaluate(UNLABELLED) == []  # a label on every field
    shot(page, f"report-1-mail-{lang}")
    drop_file(page, "#dropzone", "sent.eml", sent_mail(to=[("鈴木 一郎", "suzuki@b-corp.example"),
                                                             ("", "info@b-corp.example")]))
    expect(page.locator("#mail-status")).to_contain_text(t["read"])
    shot(page, f"report-2-mail-read-{lang}")
    page.click("#step-next")
    shot(page, f"report-3-what-{lang}")
    page.click("#step-next")
    shot(page, f"report-4-whom-{lang}")
    for _ in range(3):
        page.click("#step-next")
    shot(page, f"report-5-data-{lang}")
    page.click("#step-next")
    page.locator("#affected_persons").fill("2")
    page.click("#step-next")
    shot(page, f"report-6-check-{lang}")
    page.locator("button.report-now").click()
    expect(page.locator(".now-card h1")).to_contain_text(t["done"])
    page.locator("details.say summary").click()
    shot(page, f"report-7-what-to-do-now-{lang}")
    page.locator(".now-card a.button").click()
    expect(page.locator("#stage")).to_be_visible()  # the reporter's own view of the incident
    shot(page, f"incident-reporter-{lang}")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, employee)
    phone.goto("/report")
    phone.click("#step-next")
    shot(phone, f"phone-report-{lang}")

    room = new_page()
    login(room, manager)
    room.get_by_role("link", name=t["room"]).click()
    expect(room.locator("svg.svg-chart")).to_have_count(3)
    assert room.evaluate(UNLABELLED) == []
    shot(room, f"control-room-{lang}")
    # the other domains' pages, as a manager sees them
    incident_id = incidents[0].id
    for path, name in ((f"/incidents/{incident_id}", "incident-manager"), (f"/incidents/{incident_id}/analysis", "analysis"),
                       (f"/incidents/{incident_id}/nearmiss", "nearmiss-draft"), ("/nearmiss", "nearmiss-library"),
                       ("/notifications", "notifications")):
        assert room.goto(path).status == 200, path
        expect(room.locator("html")).to_have_attribute("lang", lang)
        shot(room, f"{name}-{lang}")
    phone_room = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone_room, manager)
    phone_room.goto("/control")
    shot(phone_room, f"phone-control-room-{lang}")
    for p in (page, phone, room, phone_room):
        assert p.dialogs == [] and p.console_errors == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screenshots_of_the_work_lists(lang, new_page, make_user, make_incident, shot, screenshot_dir, tmp_path):
    """The manager's work list on 5,000 recipients, an import's rejected lines, the timeline in words, the
    control room with an overdue regulator deadline, and the officer's audit trail."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from incidents.db import session_scope
    from incidents.response.models import Step

    manager, employee, incidents = seed_department(make_user, make_incident, locale=lang)
    officer = make_user(role="officer", locale=lang, name="個人情報 保護" if lang == "ja" else "Hogo Kojin")
    big = make_incident(employee, title="セミナー案内を会員5,000名にToで送信" if lang == "ja" else "Seminar mail to 5,000 members in To",
                        mistake_type="bcc_exposure", affected_persons=5000, data_items=["name", "email_address"],
                        recipients=[{"address": f"member{i:04d}@club{i % 40}.example", "name": f"会員 {i}",
                                     "organization": f"会員企業{i % 40:02d}", "field": "to", "kind": "unintended"}
                                    for i in range(5000)])
    with session_scope() as s:  # the health-data case's preliminary report to the PPC is long overdue
        s.execute(update(Step).where(Step.incident_id == incidents[0].id, Step.kind == "preliminary_report")
                  .values(due_at=datetime.now(timezone.utc) - timedelta(days=3)))
    boss = new_page()
    boss.set_default_timeout(90_000)  # the 5,000-recipient page on a busy machine
    boss.set_default_navigation_timeout(90_000)
    login(boss, manager)
    boss.goto("/control")
    expect(boss.locator("#regulator-overdue")).to_be_visible()
    shot(boss, f"control-room-overdue-{lang}")
    boss.goto(f"/incidents/{big.id}")
    work = boss.locator("#recipients")
    work.locator("#w-org").select_option("会員企業07")
    work.locator("form[role=search] button[type=submit]").click()
    for box in work.locator("input[name=recipient]").all()[:3]:
        box.check()
    work.locator("#w-action").select_option("confirmed_no")
    work.locator("fieldset.bulk button[type=submit]").click()
    expect(boss.locator(".flash")).to_be_visible(timeout=90_000)
    assert boss.evaluate(UNLABELLED) == []
    shot(boss, f"worklist-{lang}")
    boss.locator("#recipients").screenshot(path=str(screenshot_dir / f"worklist-section-{lang}.png"))
    boss.locator("#timeline").screenshot(path=str(screenshot_dir / f"timeline-{lang}.png"))
    csv = tmp_path / "returned.csv"
    csv.write_text("address,opened\nmember0007@club7.example,no\nnobody@else.example,no\nmember0047@club7.example,maybe\n")
    boss.locator("#w-file").set_input_files(str(csv))
    boss.locator("form.import button[type=submit]").click()
    expect(boss.locator("main table")).to_be_visible(timeout=90_000)
    shot(boss, f"import-result-{lang}")
    chief = new_page()
    login(chief, officer)
    chief.goto("/audit")
    expect(chief.locator(".verify")).to_be_visible()
    shot(chief, f"audit-{lang}")
    for p in (boss, chief):
        assert p.dialogs == [] and p.console_errors == []
