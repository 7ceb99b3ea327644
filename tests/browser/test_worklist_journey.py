"""The manager's and the officer's journeys in a real browser, in Japanese and in English: the control room's
priorities, the work list of an incident with 5,000 recipients (filter, search, tick, record for all matching,
the place and a message after each action, an import naming its rejected lines), the timeline in words, the
organisation's audit trail with its check, and the notifications in the header; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import axe
from .helpers import login
from .seed import seed_department

MANY = 5000
SLOW = 90_000  # a post on 5,000 recipients and the page after it, on a busy CI machine
T = {
    "ja": {"room": "管理画面", "decision": "組織としての対応方針", "record_decision": "方針を記録", "decided": "組織としての対応方針を記録しました。",
           "org": "組織", "search": "検索", "filter": "絞り込む", "what": "実施した対応", "record": "記録する",
           "tick": "{} を選択", "ticked": "「削除を確認した（未開封）」を宛先 2 件について記録しました。",
           "matching": "「削除を確認した（未開封）」を宛先 123 件について記録しました。 2 件は記録済みか、対象外のため変更していません。",
           "all_matching": "絞り込み条件に合う宛先すべて（125 件）", "import": "取り込む",
           "imported": "ファイルから宛先 1 件の削除確認を記録しました。", "rejected": "2 行は取り込めませんでした",
           "not_recipient": "nobody@else.example はこの事案の誤送信先ではありません", "back": "宛先一覧に戻る",
           "audit": "監査ログ", "intact": "改ざんはありません。", "requested_many": "削除確認を記録",
           "person": "利用者", "notifications": "通知", "read": "すべて既読にする"},
    "en": {"room": "Control room", "decision": "The organisation's decision", "record_decision": "Record the decision",
           "decided": "The organisation's decision is recorded.", "org": "Organisation", "search": "Search",
           "filter": "Filter", "what": "What was done", "record": "Record", "tick": "Tick {}",
           "ticked": "Deletion confirmed: not opened: recorded for 2 recipients.",
           "matching": "Deletion confirmed: not opened: recorded for 123 recipients. 2 were already recorded or do not need it.",
           "all_matching": "all 125 recipients matching the filter", "import": "Import",
           "imported": "Deletion confirmed for 1 recipient from the file.", "rejected": "2 lines were not taken",
           "not_recipient": "nobody@else.example is not an unintended recipient of this incident",
           "back": "Back to the recipients", "audit": "Audit trail", "intact": "Intact.",
           "requested_many": "Deletion confirmations recorded", "person": "Person", "notifications": "Notifications",
           "read": "Mark all read"},
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_manager_and_officer_journeys(lang, new_page, make_user, make_incident, tmp_path):
    t = T[lang]
    manager, employee, _incidents = seed_department(make_user, make_incident, locale=lang)
    officer = make_user(role="officer", locale=lang, name="個人情報 保護" if lang == "ja" else "Hogo Kojin")
    big = make_incident(employee, title="会員4000名へのTo送信" if lang == "ja" else "Sent to 4,000 members in To",
                        mistake_type="bcc_exposure", affected_persons=MANY, recipients=[
                            {"address": f"member{i:04d}@club{i % 40}.example", "name": f"会員 {i}",
                             "organization": f"会員企業{i % 40:02d}", "field": "to", "kind": "unintended"}
                            for i in range(MANY)])

    # The manager: the newest case is on the control room's first page; the header counts the notifications.
    boss = new_page()
    boss.set_default_timeout(SLOW)
    boss.set_default_navigation_timeout(SLOW)
    login(boss, manager)
    expect(boss.locator("header .notif .badge")).to_be_visible()
    boss.get_by_role("link", name=t["room"]).click()
    axe.check(boss, f"control room ({lang})")
    boss.locator("#open").get_by_role("link", name=big.title).click()
    expect(boss.locator("#recipients h2")).to_contain_text("5,000", timeout=SLOW)

    # Filter by organisation and search: 125 of the 5,000; tick two and record them.
    work = boss.locator("#recipients")
    work.get_by_label(t["org"], exact=True).select_option("会員企業07")
    work.get_by_label(t["search"]).fill("member0")
    work.get_by_role("button", name=t["filter"]).click()
    expect(boss).to_have_url(re.compile(r"rorg=.*rq=member0.*#recipients$"))
    expect(work.locator("p.count")).to_contain_text("25", timeout=SLOW)
    work.get_by_label(t["search"]).fill("")
    work.get_by_role("button", name=t["filter"]).click()
    expect(work.locator("p.count")).to_contain_text("125", timeout=SLOW)
    for address in ("member0007@club7.example", "member0047@club7.example"):
        work.get_by_role("checkbox", name=t["tick"].format(address)).check()
    work.get_by_label(t["what"], exact=True).select_option("confirmed_no")
    work.get_by_role("button", name=t["record"], exact=True).click()
    expect(boss.locator(".flash")).to_have_text(t["ticked"], timeout=SLOW)
    expect(boss).to_have_url(re.compile(r"rorg=.*#recipients$"))  # the same filter, the same place
    assert boss.evaluate("() => window.scrollY") > 300
    axe.check(boss, f"work list after an action ({lang})")

    # Every recipient matching the filter at once (all pages, not only the 50 shown).
    work.get_by_label(t["what"], exact=True).select_option("confirmed_no")
    work.get_by_label(t["all_matching"]).check()
    work.get_by_role("button", name=t["record"], exact=True).click()
    expect(boss.locator(".flash")).to_have_text(t["matching"], timeout=SLOW)

    # An import of returned forms: every rejected line is named.
    csv = tmp_path / "returned.csv"
    csv.write_text("address,opened\nmember0007@club7.example,no\nnobody@else.example,no\nmember0047@club7.example,maybe\n")
    work.locator("input[type=file]").set_input_files(str(csv))
    work.get_by_role("button", name=t["import"], exact=True).click()
    expect(boss.locator("main")).to_contain_text(t["imported"], timeout=SLOW)
    expect(boss.locator("main")).to_contain_text(t["rejected"])
    expect(boss.locator("main table")).to_contain_text(t["not_recipient"])
    axe.check(boss, f"import result ({lang})")
    boss.get_by_role("link", name=t["back"]).click()
    expect(boss).to_have_url(re.compile(r"#recipients$"))

    # The timeline in words: the manager's name and what was done, in the reader's language.
    timeline = boss.locator("#timeline")
    expect(timeline).to_contain_text(manager.display_name)
    expect(timeline).to_contain_text(t["requested_many"])

    # The officer: the organisation's trail, intact, filtered by person.
    chief = new_page()
    login(chief, officer)
    chief.get_by_role("link", name=t["audit"]).click()
    expect(chief.locator(".verify")).to_contain_text(t["intact"])
    chief.get_by_label(t["person"]).select_option(str(manager.id))
    chief.get_by_role("button", name=t["filter"]).click()
    expect(chief.locator("ol.trail")).to_contain_text(t["requested_many"])
    expect(chief.locator("ol.trail .who").first).to_have_text(manager.display_name)
    axe.check(chief, f"audit trail ({lang})")

    # Notifications: the header's count leads to them; read, the count is gone.
    boss.locator("header .notif").click()
    expect(boss.get_by_role("heading", name=t["notifications"])).to_be_visible()
    boss.get_by_role("button", name=t["read"]).click()
    expect(boss.locator("header .notif .badge")).to_have_count(0)
    axe.check(boss, f"notifications ({lang})")
    for p in (boss, chief):
        assert p.dialogs == [] and p.console_errors == [], p.console_errors
