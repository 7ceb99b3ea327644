"""Texts of the response's notifications (reminders, escalations, the first report), in the reader's
language through the catalogues (response.po).

Pure: callers pass plain values; the result is a channel-neutral `Notice` (webhook, in-app)
whose title is the mail subject and whose text is the mail body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS, MISTAKE_TYPES
from incidents.i18n import N_, translate
from incidents.notify.webhook import Notice
from incidents.response.deadlines import ESCALATION_MANAGER, ESCALATION_OFFICERS, REMINDER
from incidents.times import format_datetime, format_span

__all__ = ["FirstReport", "StepContext", "first_report_notice", "format_span", "format_time", "step_notice"]


def format_time(value: datetime, tz: ZoneInfo, locale: str) -> str:
    """A deadline in a mail: «2026年4月1日（水）09:30（JST）» / «Wed 1 Apr 2026 09:30 (JST)»."""
    return format_datetime(value, locale, weekday=True, zone=True, tz=tz)


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
    REMINDER: N_("[Reminder] #%(id)s %(step)s due in %(left)s"),
    ESCALATION_MANAGER: N_("[Overdue] #%(id)s %(step)s"),
    ESCALATION_OFFICERS: N_("[Overdue, escalated] #%(id)s %(step)s (%(late)s late)"),
}
_BODIES = {
    REMINDER: N_("The step \"%(step)s\" of misdelivery incident #%(id)s \"%(title)s\" is due soon.\n"
                 "Please complete it before the deadline.\n"),
    ESCALATION_MANAGER: N_("The step \"%(step)s\" of misdelivery incident #%(id)s \"%(title)s\" is overdue.\n"
                           "Please check with the assignee and act now.\n"),
    ESCALATION_OFFICERS: N_("The step \"%(step)s\" of misdelivery incident #%(id)s \"%(title)s\" is still open "
                            "%(late)s after its deadline.\n"
                            "Legal deadlines may be at stake; please review it as the privacy officer.\n"),
}


def _greeting(name: str, loc: str) -> str:
    return translate("Dear %(name)s,", loc, name=name) + "\n\n"


def _footer(loc: str) -> str:
    return "\n" + translate("This message was sent automatically by the incident response system.", loc) + "\n"


def _line(label: str, value: str, loc: str) -> str:
    return translate("%(label)s: %(value)s", loc, label=label, value=value) + "\n"


def step_notice(
    kind: str, ctx: StepContext, *, locale: str, recipient_name: str, now: datetime, tz: ZoneInfo
) -> Notice:
    loc = "ja" if locale == "ja" else "en"
    step = ctx.step_title_ja if loc == "ja" else ctx.step_title_en
    values = dict(
        id=ctx.incident_id,
        title=ctx.incident_title,
        step=step,
        due=format_time(ctx.due_at, tz, loc),
        left=format_span(_ceil_minute(ctx.due_at - now), loc),
        late=format_span(max(now - ctx.due_at, timedelta(0)), loc),
    )
    due_label = translate("Due", loc)
    text = (_greeting(recipient_name, loc) + translate(_BODIES[kind], loc, **values) + "\n"
            + _line(due_label, values["due"], loc) + _line(translate("Assignee", loc), ctx.assignee, loc)
            + _line(translate("Details", loc), ctx.link, loc) + _footer(loc))
    return Notice(
        title=translate(_SUBJECTS[kind], loc, **values),
        text=text,
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


def first_report_notice(report: FirstReport, *, locale: str, recipient_name: str, tz: ZoneInfo) -> Notice:
    loc = "ja" if locale == "ja" else "en"
    none = translate("(none)", loc)
    sent = format_time(report.sent_at, tz, loc) if report.sent_at else translate("unknown", loc)
    found = format_time(report.discovered_at, tz, loc)
    how = DISCOVERY_METHODS.label(report.discovery_method, loc)
    rows = [
        (translate("Reporter", loc), report.reporter),
        (translate("Mistake", loc), MISTAKE_TYPES.label(report.mistake_type, loc)),
        (translate("Subject", loc), report.subject or none),
        (translate("Summary of the body", loc), report.summary or none),
        (translate("Sent", loc), sent),
        (translate("Discovered", loc), translate("%(when)s (%(how)s)", loc, when=found, how=how)),
        (translate("Wrong recipients", loc), ", ".join(report.unintended) or none),
        (translate("Intended recipients", loc), ", ".join(report.intended) or none),
        (translate("Data", loc), DATA_ITEMS.join(report.data_items, loc) or none),
        (translate("People affected", loc), translate("%(n)s people", loc, n=f"{report.affected_persons:,}")),
    ]
    intro = (_greeting(recipient_name, loc)
             + translate("%(reporter)s reported a misdelivered email. What is known so far:", loc,
                         reporter=report.reporter) + "\n"
             + translate("Please decide the organisation's response before anyone apologises or asks for deletion.",
                         loc) + "\n\n")
    outro = "\n" + translate("Acknowledge and decide: %(link)s", loc, link=report.link) + "\n"
    body = intro + "".join(_line(k, v, loc) for k, v in rows) + outro + _footer(loc)
    return Notice(
        title=translate("[First report] Misdelivered email #%(id)s %(title)s", loc, id=report.incident_id,
                        title=report.title),
        text=body, link=report.link, event="incident.first_report",
        facts=tuple(rows[:1] + rows[4:6] + rows[9:]), incident_id=report.incident_id,
    )
