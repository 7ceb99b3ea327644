"""Notification texts and the iCalendar feed, read back with the icalendar parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from incidents.response.calendar import Deadline, feed
from incidents.response.deadlines import ESCALATION_OFFICERS
from incidents.response.messages import FirstReport, StepContext, first_report_notice, format_span, step_notice

TOKYO = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)


def test_first_report_carries_the_known_facts_in_both_languages():
    report = FirstReport(
        incident_id=7, title="見積書の誤送信", reporter="佐藤 花子", mistake_type="wrong_recipient",
        subject="お見積りの件", summary="別の顧客に見積書を送付", sent_at=T0 - timedelta(hours=1),
        discovered_at=T0, discovery_method="self_noticed", unintended=("wrong@other.example",),
        intended=("right@client.example",), data_items=("name", "address"), affected_persons=1200,
        link="http://x/incidents/7",
    )
    ja = first_report_notice(report, locale="ja", recipient_name="鈴木 部長", tz=TOKYO)
    assert ja.title == "【第一報】メール誤送信の報告 #7 見積書の誤送信"
    assert "鈴木 部長 様" in ja.text and "誤送信先：wrong@other.example" in ja.text
    assert "発覚日時：2026年4月1日（水）09:30（JST）（送信者本人が気付いた）" in ja.text
    assert "影響人数：1,200人" in ja.text and "組織としての対応方針" in ja.text
    en = first_report_notice(report, locale="en", recipient_name="Mr Suzuki", tz=TOKYO)
    assert en.title.startswith("[First report]") and "Intended recipients: right@client.example" in en.text


def test_officer_escalation_mentions_how_late():
    ctx = StepContext(1, "t", "速報", "Preliminary report", T0, "officer", "http://x")
    n = step_notice(ESCALATION_OFFICERS, ctx, locale="ja", recipient_name="担当", now=T0 + timedelta(days=1, hours=2), tz=TOKYO)
    assert n.title == "【期限超過・要対応】#1 速報（1日2時間経過）"
    assert format_span(timedelta(minutes=90), "en") == "1 h 30 min"


def test_ics_feed_reads_back():
    data = feed(
        [Deadline(uid="7-preliminary_report@incidents", incident_id=7, title="#7 速報の期限", due_at=T0,
                  description="個人情報保護委員会への速報", url="http://x/incidents/7"),
         Deadline(uid="7-decision@incidents", incident_id=7, title="#7 decision", due_at=T0, done=True)],
        name="インシデントの期限", now=T0,
    )
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == ["7-preliminary_report@incidents", "7-decision@incidents"]
    assert str(events[0]["summary"]) == "#7 速報の期限"
    assert events[0].decoded("dtstart") == T0
    assert len(list(events[0].walk("VALARM"))) == 1 and not list(events[1].walk("VALARM"))
    assert str(events[1]["status"]) == "CANCELLED"


def test_time_left_is_rounded_up_and_spans_use_two_units():
    ctx = StepContext(3, "t", "確報", "Final report", T0, "officer", "http://x")
    n = step_notice("reminder", ctx, locale="ja", recipient_name="担当", now=T0 - timedelta(minutes=59, seconds=40), tz=TOKYO)
    assert n.title == "【期限のお知らせ】#3 確報（あと1時間）"
    assert format_span(timedelta(days=2, hours=3, minutes=15), "ja") == "2日3時間"
    assert format_span(timedelta(hours=3, minutes=15), "en") == "3 h 15 min"
