"""The whole story, in one real browser session per person, through the pages only:

employee reports with a dropped .eml → the manager sees it in the control room and records the decision →
letters are generated and downloaded → a deletion confirmation "unopened" changes the assessment → the
analysis is done → the near-miss is published and found by another employee in the library, with no name
of the case in it.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from incidents.cases.models import Incident
from tests.mails import sent_mail

from .helpers import drop_file, login

RECIPIENT = ("鈴木 一郎", "suzuki@b-corp.example")
SUBJECT = "健康診断結果のご送付（山田様）"


def test_the_whole_story(new_page, make_user, session, shot):
    manager = make_user(role="manager", department="Sales", name="上長 花子", email="hanako.jocho@example.co.jp")
    employee = make_user(department="Sales", manager=manager, name="山田 太郎", email="taro.yamada@example.co.jp")
    colleague = make_user(department="Support", name="佐藤 次郎")

    # 1. The employee reports through the guided flow, with the sent mail dropped on the page.
    page = new_page()
    login(page, employee)
    page.goto("/report")
    drop_file(page, "#dropzone", "sent.eml", sent_mail(
        to=[RECIPIENT], subject=SUBJECT, body="山田様の健康診断結果をお送りします。",
        attachment=("健診結果_山田.csv", "氏名,血圧\n山田太郎,120/80\n")))
    expect(page.locator("#mail-status")).to_contain_text("メールから読み取りました")
    for _ in range(5):
        page.click("#step-next")
    expect(page.locator("section.step:not([hidden]) h2")).to_have_text("どんな情報が含まれていましたか？")
    page.check("input[name=data_items][value=name]")
    page.check("input[name=data_items][value=health_checkup]")
    page.click("#step-next")
    page.fill("#affected_persons", "1")
    page.click("#step-next")
    page.get_by_role("button", name="今すぐ報告する").click()
    expect(page.locator(".now-card")).to_contain_text("さんに報告が届いています。")
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.reporter_id == employee.id

    # 2. The manager sees it in the control room, opens it and records the organisation's decision.
    boss = new_page()
    login(boss, manager)
    boss.get_by_role("link", name="管理画面").click()
    row = boss.locator("#open tbody tr", has_text=incident.title)
    expect(row).to_be_visible()
    expect(boss.locator("#regulator")).to_contain_text("個人情報保護委員会への速報")  # health data: reportable
    row.get_by_role("link", name=incident.title).click()
    expect(boss.locator("#response")).to_contain_text("個人情報保護委員会への報告対象")
    boss.locator("#response input[name=note]").first.fill("先方へ電話で削除を依頼し、書面でお詫びする")
    boss.get_by_role("button", name="方針を記録").click()
    expect(boss.get_by_role("button", name="方針を記録")).to_have_count(0)

    # 3. Letters: the apology with the deletion form, generated and downloaded.
    docs = boss.locator("#documents")
    docs.locator("select[name=kind]").select_option("apology_unintended")
    docs.locator("select[name=recipient]").select_option(RECIPIENT[1])
    docs.get_by_role("button", name=re.compile("PDF")).click()
    link = boss.locator("#documents table a", has_text="PDF").first
    expect(link).to_be_visible()
    with boss.expect_download() as info:
        link.click()
    path = info.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"

    # 4. The wrong recipient confirms deletion without opening: no leak, the assessment changes.
    boss.get_by_role("checkbox", name=f"{RECIPIENT[1]} を選択").check()
    boss.get_by_label("実施した対応", exact=True).select_option("confirmed_no")
    boss.locator("#recipients").get_by_role("button", name="記録する", exact=True).click()
    expect(boss.locator(".flash")).to_contain_text("「削除を確認した（未開封）」を宛先 1 件について記録しました。")
    expect(boss).to_have_url(re.compile(r"#recipients$"))
    expect(boss.locator("#response .assessment")).to_contain_text("開封せずに削除したとの確認を得ています")
    expect(boss.locator("table.worklist-table tr", has_text=RECIPIENT[1])).to_contain_text("未開封")

    # 5. The analysis: five whys down to a cause in the system.
    boss.goto(f"/incidents/{incident.id}/analysis")
    whys = boss.locator("input[name=why]")
    whys.nth(0).fill("宛先のオートコンプリートで同姓の別人が選ばれた")
    whys.nth(1).fill("社外宛てメールに送信前の確認画面がない")
    whys.nth(2).fill("健康情報を扱うメールの送信ルールが決まっていない")
    boss.locator("input[name=kind_of_work]").fill("健康診断結果の送付")
    boss.get_by_role("button", name="保存").click()
    expect(boss.locator("#analysis")).to_contain_text("送信前の確認画面がない")

    # 6. The near-miss: reviewed, published; another employee finds it in the library, anonymised.
    boss.goto(f"/incidents/{incident.id}/nearmiss")
    boss.get_by_role("button", name="承認して公開").click()
    expect(boss).to_have_url(re.compile(r"/nearmiss/\d+$"))
    expect(boss.locator("article.nm-case h1")).to_be_visible()
    case_url = boss.url

    other = new_page()
    login(other, colleague)
    other.goto("/nearmiss")
    other.locator("input[name=q]").fill("オートコンプリート")
    other.locator("form[action='/nearmiss'] button[type=submit]").click()
    hit = other.locator("main a[href^='/nearmiss/']").first
    expect(hit).to_be_visible()
    hit.click()
    expect(other).to_have_url(case_url)
    text = other.locator("main").inner_text()
    for name in ("鈴木", "suzuki", "b-corp", "山田", "yamada", "上長 花子", "hanako", "Sales", "健診結果_山田"):
        assert name not in text, f"the published case names {name!r}"
    assert other.goto(f"/incidents/{incident.id}").status == 404  # the case, not the record
    shot(other, "nearmiss-case-ja")
    for p in (page, boss, other):
        assert p.dialogs == []
        assert all("404" in e for e in p.console_errors), p.console_errors  # only the refused URL above
