"""Texts of the response's notifications (reminders, escalations, the first report), ja + en.

Pure: callers pass plain values; the result is a channel-neutral `Notice` (webhook, in-app)
whose title is the mail subject and whose text is the mail body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.notify.webhook import Notice
from incidents.response.deadlines import ESCALATION_MANAGER, ESCALATION_OFFICERS, REMINDER

_WEEKDAYS_JA = "月火水木金土日"


def format_time(value: datetime, tz: ZoneInfo, locale: str) -> str:
    local = value.astimezone(tz)
    zone = local.tzname() or str(tz)
    if locale == "ja":
        return f"{local.year}年{local.month}月{local.day}日（{_WEEKDAYS_JA[local.weekday()]}）{local:%H:%M}（{zone}）"
    return f"{local:%a %d %b %Y, %H:%M} ({zone})"


def format_span(span: timedelta, locale: str) -> str:
    """'1日2時間' / '3時間5分' / '1 d 2 h' / '3 h 5 min': the two largest units."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        mins = 0
    if locale == "ja":
        parts = [f"{days}日" if days else "", f"{hours}時間" if hours else "", f"{mins}分" if mins else ""]
        return "".join(parts) or "0分"
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min" if mins else ""]
    return " ".join(p for p in parts if p) or "0 min"


def _ceil_minute(span: timedelta) -> timedelta:
    """Time left, rounded up to the minute: a reminder sent 20 s after 'due in 1 h' still says 1 h."""
    seconds = max(span.total_seconds(), 0)
    return timedelta(minutes=-(-seconds // 60))


@dataclass(frozen=True)
class StepContext:
    incident_id: int
    incident_title: str
    step_title_ja: str
    step_title_en: str
    due_at: datetime
    assignee: str  # display name of whoever should act
    link: str


_SUBJECTS = {
    (REMINDER, "ja"): "【期限のお知らせ】#{id} {step}（あと{left}）",
    (REMINDER, "en"): "[Reminder] #{id} {step} due in {left}",
    (ESCALATION_MANAGER, "ja"): "【期限超過】#{id} {step}",
    (ESCALATION_MANAGER, "en"): "[Overdue] #{id} {step}",
    (ESCALATION_OFFICERS, "ja"): "【期限超過・要対応】#{id} {step}（{late}経過）",
    (ESCALATION_OFFICERS, "en"): "[Overdue, escalated] #{id} {step} ({late} late)",
}
_BODIES = {
    (REMINDER, "ja"): (
        "{name} 様\n\n"
        "メール誤送信インシデント #{id}「{title}」の対応手順「{step}」の期限が近づいています。\n"
        "期限までに対応をお願いいたします。\n\n"
        "期限：{due}\n担当：{assignee}\n詳細：{link}\n"
    ),
    (REMINDER, "en"): (
        "Dear {name},\n\n"
        "The step \"{step}\" of misdelivery incident #{id} \"{title}\" is due soon.\n"
        "Please complete it before the deadline.\n\n"
        "Due: {due}\nAssignee: {assignee}\nDetails: {link}\n"
    ),
    (ESCALATION_MANAGER, "ja"): (
        "{name} 様\n\n"
        "メール誤送信インシデント #{id}「{title}」の対応手順「{step}」が期限を過ぎています。\n"
        "担当者と状況をご確認のうえ、至急ご対応ください。\n\n"
        "期限：{due}\n担当：{assignee}\n詳細：{link}\n"
    ),
    (ESCALATION_MANAGER, "en"): (
        "Dear {name},\n\n"
        "The step \"{step}\" of misdelivery incident #{id} \"{title}\" is overdue.\n"
        "Please check with the assignee and act now.\n\n"
        "Due: {due}\nAssignee: {assignee}\nDetails: {link}\n"
    ),
    (ESCALATION_OFFICERS, "ja"): (
        "{name} 様\n\n"
        "メール誤送信インシデント #{id}「{title}」の対応手順「{step}」が期限から{late}経過しても未完了です。\n"
        "法定期限に関わる場合がありますので、個人情報保護責任者としてご確認をお願いいたします。\n\n"
        "期限：{due}\n担当：{assignee}\n詳細：{link}\n"
    ),
    (ESCALATION_OFFICERS, "en"): (
        "Dear {name},\n\n"
        "The step \"{step}\" of misdelivery incident #{id} \"{title}\" is still open {late} after its deadline.\n"
        "Legal deadlines may be at stake; please review it as the privacy officer.\n\n"
        "Due: {due}\nAssignee: {assignee}\nDetails: {link}\n"
    ),
}
_FOOTER = {
    "ja": "\n※このメールはインシデント対応システムから自動送信されています。\n",
    "en": "\nThis message was sent automatically by the incident response system.\n",
}


def step_notice(
    kind: str, ctx: StepContext, *, locale: str, recipient_name: str, now: datetime, tz: ZoneInfo
) -> Notice:
    loc = "ja" if locale == "ja" else "en"
    step = ctx.step_title_ja if loc == "ja" else ctx.step_title_en
    values = dict(
        id=ctx.incident_id,
        title=ctx.incident_title,
        step=step,
        name=recipient_name,
        due=format_time(ctx.due_at, tz, loc),
        assignee=ctx.assignee,
        link=ctx.link,
        left=format_span(_ceil_minute(ctx.due_at - now), loc),
        late=format_span(max(now - ctx.due_at, timedelta(0)), loc),
    )
    due_label = "期限" if loc == "ja" else "Due"
    return Notice(
        title=_SUBJECTS[(kind, loc)].format(**values),
        text=_BODIES[(kind, loc)].format(**values) + _FOOTER[loc],
        link=ctx.link,
        event=f"step.{kind}",
        facts=((due_label, values["due"]),),
        incident_id=ctx.incident_id,
    )


@dataclass(frozen=True)
class FirstReport:
    """What is known at filing time: the content of the first report to the supervisor (第一報)."""

    incident_id: int
    title: str
    reporter: str
    mistake_type: str
    subject: str
    summary: str
    sent_at: datetime | None
    discovered_at: datetime
    discovery_method: str
    unintended: tuple[str, ...]
    intended: tuple[str, ...]
    data_items: tuple[str, ...]
    affected_persons: int
    link: str


def _word(code: str, loc: str) -> str:
    """A code of the record in words (the record's labels know both languages)."""
    return code.text(loc) if hasattr(code, "text") else str(code)


def first_report_notice(report: FirstReport, *, locale: str, recipient_name: str, tz: ZoneInfo) -> Notice:
    loc = "ja" if locale == "ja" else "en"
    none = "（なし）" if loc == "ja" else "(none)"
    unknown = "不明" if loc == "ja" else "unknown"
    sent = format_time(report.sent_at, tz, loc) if report.sent_at else unknown
    found = format_time(report.discovered_at, tz, loc)
    wrong = ", ".join(report.unintended) or none
    right = ", ".join(report.intended) or none
    items = ("、" if loc == "ja" else ", ").join(_word(i, loc) for i in report.data_items) or none
    mistake, discovery = _word(report.mistake_type, loc), _word(report.discovery_method, loc)
    if loc == "ja":
        title = f"【第一報】メール誤送信の報告 #{report.incident_id} {report.title}"
        rows = [
            ("報告者", report.reporter), ("誤送信の種類", mistake),
            ("件名", report.subject or none), ("概要", report.summary or none),
            ("送信日時", sent), ("発覚日時", f"{found}（{discovery}）"),
            ("誤送信先", wrong), ("本来の宛先", right),
            ("含まれる情報", items), ("影響人数", f"{report.affected_persons:,}人"),
        ]
        intro = (
            f"{recipient_name} 様\n\n{report.reporter} さんからメール誤送信の報告がありました。"
            "現時点で判明している内容は次のとおりです。\n"
            "お詫びや削除依頼の前に、組織としての対応方針をご決定ください。\n\n"
        )
        outro = f"\n受領の確認と対応方針の決定：{report.link}\n"
    else:
        title = f"[First report] Misdelivered email #{report.incident_id} {report.title}"
        rows = [
            ("Reporter", report.reporter), ("Mistake", mistake),
            ("Subject", report.subject or none), ("Summary", report.summary or none),
            ("Sent", sent), ("Discovered", f"{found} ({discovery})"),
            ("Wrong recipients", wrong), ("Intended recipients", right),
            ("Data", items), ("People affected", f"{report.affected_persons:,}"),
        ]
        intro = (
            f"Dear {recipient_name},\n\n{report.reporter} reported a misdelivered email. "
            "What is known so far:\n"
            "Please decide the organisation's response before anyone apologises or asks for deletion.\n\n"
        )
        outro = f"\nAcknowledge and decide: {report.link}\n"
    body = intro + "".join(f"{k}：{v}\n" if loc == "ja" else f"{k}: {v}\n" for k, v in rows) + outro + _FOOTER[loc]
    return Notice(
        title=title, text=body, link=report.link, event="incident.first_report",
        facts=tuple(rows[:1] + rows[4:6] + rows[9:]), incident_id=report.incident_id,
    )
