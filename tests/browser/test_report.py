"""The guided report in a real browser: a dropped .eml fills the screens, the draft survives a closed
browser tab, and the report ends on the "what to do now" card."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.cases.models import Incident, Recipient
from tests.mails import sent_mail

from .helpers import login
from .helpers import current, drop_file, next_screen


def test_guided_report_with_a_dropped_eml(page, make_user, session):
    manager = make_user(role="manager", name="上長 花子")
    user = make_user(manager=manager, name="山田 太郎")
    login(page, user)
    page.get_by_role("link", name="誤送信を報告する").first.click()
    expect(page).to_have_url(re.compile(r"/report$"))
    expect(page.locator("#step-count")).to_have_text("質問 1 / 8")
    expect(page.locator("section.step[data-step=what]")).to_be_hidden()  # one question per screen

    mail = sent_mail(to=[("鈴木 一郎", "suzuki@b-corp.example")], subject="【見積書送付】保守契約")
    drop_file(page, "#dropzone", "送信済み.eml", mail)
    expect(page.locator("#mail-status")).to_have_text("メールから読み取りました。入力された回答を確認してください。")

    next_screen(page, "何を送りましたか？")
    expect(page.locator("#subject")).to_have_value("【見積書送付】保守契約")
    expect(page.locator("#sender")).to_have_value("taro.yamada@example.co.jp")
    expect(page.locator("#attachments-list")).to_contain_text("顧客名簿.csv")
    next_screen(page, "誰に届きましたか？")
    expect(page.locator("#unintended")).to_have_value("suzuki@b-corp.example, 鈴木 一郎")
    page.locator("#intended").fill("sato@a-corp.example, 佐藤 花子, A株式会社")
    next_screen(page, "いつ送信し、いつ気づきましたか？")
    expect(page.locator("#sent_at")).not_to_have_value("")

    # The tab is closed by accident: the draft is still there in a new tab of the same browser profile.
    context = page.context
    page.close()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto("/report")
    expect(page.locator("#draft-note")).to_be_visible()
    expect(current(page).locator("h2")).to_have_text("いつ送信し、いつ気づきましたか？")
    expect(page.locator("#intended")).to_have_value("sato@a-corp.example, 佐藤 花子, A株式会社")
    assert "sato@a-corp.example" in page.evaluate(f"() => localStorage.getItem('incidents.report.draft.{user.id}')")

    page.locator("#discovered_at").press("Enter")  # Enter moves on, it does not submit half a report
    expect(current(page).locator("h2")).to_have_text("どのようにして判明しましたか？")
    page.check("input[name=discovery_method][value=recipient_reported]")
    next_screen(page, "どんな情報が含まれていましたか？")
    page.get_by_label("氏名").check()
    next_screen(page, "何人分の情報ですか？")
    page.locator("#affected_persons").fill("1")
    next_screen(page, "確認して報告")
    expect(page.locator("#review")).to_contain_text("【見積書送付】保守契約")

    # The dropped file was lost with the reload (browsers never keep files); the draft kept its facts.
    page.get_by_role("button", name="今すぐ報告する").click()
    expect(page.get_by_role("heading", name="報告を受け付けました。ありがとうございます。今すぐすること")).to_be_visible()
    expect(page.locator(".now-card")).to_contain_text("上長 花子")
    expect(page.locator(".now-card")).to_contain_text("まだ受信者へのお詫びや説明はしないでください。")
    expect(page.locator(".now-card")).to_contain_text("開封せずに")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('incidents.report'))") == []

    incident = session.execute(select(Incident)).scalar_one()
    assert incident.subject == "【見積書送付】保守契約" and incident.affected_persons == 1
    assert "name" in incident.data_items
    rows = {r.address: r.kind for r in session.execute(select(Recipient)).scalars()}
    assert rows == {"suzuki@b-corp.example": "unintended", "sato@a-corp.example": "intended"}
    page.get_by_role("link", name=re.compile("自分の報告 #")).click()
    expect(page.locator("dl.facts").first).to_contain_text("顧客名簿.csv")
    assert page.dialogs == []


def test_guided_report_with_the_mail_kept_in_the_form(page, make_user, session):
    """Dropped, then reported without reloading: the file goes with the form, so To/Cc/Bcc are kept."""
    user = make_user(locale="en")
    login(page, user)
    page.goto("/report")
    expect(page.locator("#step-count")).to_have_text("Question 1 of 8")
    mail = sent_mail(to=[("", "all-staff@partner.example"), ("", "kimura@partner.example")])
    drop_file(page, "#dropzone", "sent.eml", mail)
    expect(page.locator("#mail-status")).to_contain_text("Read from the mail")
    for _ in range(7):
        page.click("#step-next")
    page.get_by_role("button", name="Report now").click()
    expect(page.get_by_role("heading", name="Reported. Thank you. What to do now")).to_be_visible()
    rows = session.execute(select(Recipient.address, Recipient.field)).all()
    assert sorted(rows) == [("all-staff@partner.example", "to"), ("kimura@partner.example", "to")]


def test_without_javascript_the_report_is_one_long_form(new_page, make_user, session):
    user = make_user(locale="en")
    page = new_page(java_script_enabled=False)
    login(page, user)
    page.goto("/report")
    expect(page.locator("section.step")).to_have_count(8)
    for section in page.locator("section.step").all():
        expect(section).to_be_visible()  # every question on one page
    expect(page.locator("#step-nav")).to_be_hidden()
    page.set_input_files("#mail", files=[{"name": "sent.eml", "mimeType": "message/rfc822",
                                          "buffer": sent_mail(to=[("", "wrong@c-corp.example")])}])
    page.check("input[name=discovery_method][value=colleague_noticed]")
    page.get_by_role("button", name="Report now").click()
    expect(page.get_by_role("heading", name="Reported. Thank you. What to do now")).to_be_visible()
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.discovery_method == "colleague_noticed" and incident.subject.startswith("【見積書送付】")
    assert [r.address for r in session.execute(select(Recipient)).scalars()] == ["wrong@c-corp.example"]


def test_logging_out_forgets_the_unfinished_report(page, make_user):
    user = make_user(locale="en")
    login(page, user)
    page.goto("/report")
    page.click("#step-next")
    page.fill("#subject", "Quarterly figures")
    key = f"incidents.report.draft.{user.id}"
    assert "Quarterly figures" in page.evaluate(f"() => localStorage.getItem('{key}')")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.evaluate(f"() => localStorage.getItem('{key}')") is None


def test_a_mass_mail_is_read_without_putting_thousands_of_lines_in_the_form(page, make_user, session):
    user = make_user(locale="en")
    login(page, user)
    page.goto("/report")
    to = [("", f"member{i}@list{i % 7}.example") for i in range(3000)]
    drop_file(page, "#dropzone", "newsletter.eml", sent_mail(to=to, subject="Newsletter", attachment=None))
    expect(page.locator("#mail-status")).to_contain_text("Read from the mail")
    page.click("#step-next")
    page.click("#step-next")
    expect(page.locator("#rcpt-note")).to_contain_text("3,000 addresses were read from the mail")
    expect(page.locator("#unintended")).to_have_value("")
    for _ in range(5):
        page.click("#step-next")
    page.get_by_role("button", name="Report now").click()
    expect(page.get_by_role("heading", name="Reported. Thank you. What to do now")).to_be_visible()
    assert session.execute(select(func.count()).select_from(Recipient)).scalar_one() == 3000
    page.get_by_role("link", name=re.compile("Open my report")).click()
    expect(page.locator("#reported-facts")).to_contain_text("and 2,990 more")  # named in part, never all at once


def test_an_answer_the_server_refuses_is_shown_on_its_screen(page, make_user, session):
    login(page, make_user(locale="en"))
    page.goto("/report")
    page.click("#step-next")
    page.fill("#subject", "Invoice")
    page.click("#step-next")
    page.fill("#unintended", "not-an-address")
    page.click("#step-next")
    page.click("#step-next")  # no mail was read, so the send time is asked for before moving on
    expect(page.locator("section.step:not([hidden]) h2")).to_have_text("When was it sent, and when was it noticed?")
    page.fill("#sent_at", "2026-01-05T09:00")
    for _ in range(4):
        page.click("#step-next")
    page.get_by_role("button", name="Report now").click()
    expect(page.locator("#error-summary")).to_contain_text("This is not a valid mail address.")
    expect(page.locator("section.step:not([hidden]) h2")).to_have_text("To whom did it go?")
    expect(page.locator("#unintended")).to_have_value("not-an-address")
    page.click("#step-next")
    page.locator("#error-summary a", has_text="not a valid mail address").click()
    expect(page.locator("#unintended")).to_be_focused()
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
