"""Event subscribers: keep the playbook in line with the facts; tell the manager at once.

Imported by incidents.plugins.load(); they run in the publisher's transaction and only flush.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from incidents import events
from incidents.cases.models import Incident
from incidents.cases.record import ALL, IncidentRecord, record_of
from incidents.config import get_settings
from incidents.errors import InvalidTransition
from incidents.notify.service import enqueue, insert_ignore, register_relevance
from incidents.cases.access import can_manage
from incidents.people.models import User
from incidents.response.messages import FirstReport, first_report_notice
from incidents.response.models import Reminder, Step, StepStatus
from incidents.response.service import durations, sync_playbook
from incidents.response.deadlines import ESCALATION_MANAGER, next_notify_at
from incidents.types import utcnow


def officers(session: Session) -> list[User]:
    rows = session.execute(select(User).where(User.roles.contains("officer"), User.active.is_(True))).scalars()
    return [u for u in rows if u.is_officer]


def managers_of(session: Session, incident: Incident) -> list[User]:
    """The reporter's manager; else the managers of the department; else the officers."""
    reporter = session.get(User, incident.reporter_id)
    if reporter is not None and reporter.manager_id:
        manager = session.get(User, reporter.manager_id)
        if manager is not None and manager.active:
            return [manager]
    rows = session.execute(
        select(User).where(User.department_id == incident.department_id, User.roles.contains("manager"),
                           User.active.is_(True), User.id != incident.reporter_id)
    ).scalars()
    found = [u for u in rows if u.is_manager]
    return found or officers(session)


def link_for(incident_id: int) -> str:
    return f"{get_settings().base_url.rstrip('/')}/incidents/{incident_id}"


FIRST_REPORT_LISTED = 20  # recipients named per kind in the first report; the rest are counted


def notify_first_report(session: Session, *, incident: IncidentRecord) -> int:
    """The first report (第一報): the reporter's manager hears of it at once, with the known facts."""
    settings = get_settings()
    rec = incident

    def listed(rows: tuple, total: int) -> tuple[str, ...]:
        names = tuple(r.address for r in rows[:FIRST_REPORT_LISTED])
        return names + (("…",) if total > len(names) else ())

    report = FirstReport(
        incident_id=rec.id, title=rec.title, reporter=rec.reporter.display_name or "?",
        mistake_type=rec.mistake_type, subject=rec.message.subject, summary=rec.message.summary,
        sent_at=rec.sent_at, discovered_at=rec.discovered_at, discovery_method=rec.discovery_method,
        unintended=listed(rec.unintended, rec.counts.unintended), intended=listed(rec.intended, rec.counts.intended),
        data_items=rec.data_items, affected_persons=rec.affected_persons, link=link_for(rec.id),
    )
    row = session.get(Incident, rec.id)
    return enqueue(
        session,
        users=managers_of(session, row),
        notice_for=lambda u: first_report_notice(report, locale=u.locale, recipient_name=u.display_name, tz=settings.tz),
        webhook_notice=first_report_notice(report, locale=settings.default_locale, recipient_name="各位" if settings.default_locale == "ja" else "all", tz=settings.tz),
        key=f"first-report:{rec.id}",
        incident_id=rec.id,
        settings=settings,
    )


def on_created(*, session: Session, incident: Incident, actor: Any, **_: Any) -> None:
    rec = record_of(session, incident, recipients=ALL)  # read once for the playbook and the first report
    sync_playbook(session, incident=rec, actor=actor)
    notify_first_report(session, incident=rec)
    # Filed after the first hour: the first report itself tells the manager, so its "overdue"
    # escalation is recorded as given (the officers still hear if nobody acknowledges it).
    step = session.execute(
        select(Step).where(Step.incident_id == incident.id, Step.key == "first_report")
    ).scalar_one_or_none()
    now = utcnow()
    if step is not None and step.due_at is not None and step.due_at <= now:
        insert_ignore(session, Reminder, [dict(step_id=step.id, incident_id=incident.id, kind=ESCALATION_MANAGER,
                                                threshold=0, fire_at=now, created_at=now)])


def on_changed(*, session: Session, incident: Incident, actor: Any, **_: Any) -> None:
    sync_playbook(session, incident=incident, actor=actor)


def on_closing(*, session: Session, incident: Incident, actor: Any, **_: Any) -> None:
    from incidents.response.actions import blocking_steps

    if actor is not None and not can_manage(session, actor, incident):
        raise InvalidTransition("only a manager of the incident's department or an officer may close it")
    blocking = blocking_steps(session, incident.id)
    if blocking:
        shown = ", ".join(blocking[:10]) + (f" (+{len(blocking) - 10} more)" if len(blocking) > 10 else "")
        raise InvalidTransition(
            f"incident {incident.id} cannot close: {len(blocking)} required step(s) are neither done nor "
            f"waived with a reason: {shown}"
        )


def on_closed(*, session: Session, incident: Incident, actor: Any, **_: Any) -> None:
    now = utcnow()
    session.execute(
        update(Step).where(Step.incident_id == incident.id, Step.key == "close")
        .values(status=StepStatus.done, done_by_id=getattr(actor, "id", None), done_at=now, updated_at=now)
    )
    # no reminders for a closed incident
    session.execute(update(Step).where(Step.incident_id == incident.id).values(next_notify_at=None))
    session.flush()


def on_reopened(*, session: Session, incident: Incident, actor: Any, **_: Any) -> None:
    now, d = utcnow(), durations()
    session.execute(
        update(Step).where(Step.incident_id == incident.id, Step.key == "close")
        .values(status=StepStatus.pending, done_by_id=None, done_at=None, updated_at=now)
    )
    for step in session.execute(
        select(Step).where(Step.incident_id == incident.id, Step.status == StepStatus.pending)
    ).scalars():
        step.next_notify_at = next_notify_at(step.due_at, d, since=step.created_at, after=now)
    session.flush()
    sync_playbook(session, incident=incident, actor=actor)


def reminder_still_relevant(session: Session, delivery: Any) -> bool:
    """A reminder whose step was done, waived or retired meanwhile is not sent."""
    step_id = (delivery.payload or {}).get("step_id")
    status = session.execute(select(Step.status).where(Step.id == step_id)).scalar_one_or_none() if step_id else None
    return step_id is None or status == StepStatus.pending


for _event in ("step.reminder", "step.overdue_manager", "step.overdue_officers"):
    register_relevance(_event, reminder_still_relevant)
events.subscribe("incident.created", on_created)
events.subscribe("incident.updated", on_changed)
events.subscribe("recipients.added", on_changed)
events.subscribe("incident.closing", on_closing)
events.subscribe("incident.closed", on_closed)
events.subscribe("incident.open", on_reopened)


def on_nearmiss_published(*, session: Session, incident: Incident, actor: Any, case: Any = None, **_: Any) -> None:
    """Publishing the anonymised case is what the "nearmiss" step asks for: tick it (publication has its own
    permission check: a manager of the department or an officer)."""
    from incidents.response.actions import _finish
    from incidents.response.models import Step, StepStatus

    step = session.execute(
        select(Step).where(Step.incident_id == incident.id, Step.key == "nearmiss")
    ).scalar_one_or_none()
    if step is not None and step.status == StepStatus.pending:
        number = getattr(case, "id", None)
        _finish(session, actor=actor, step=step, status=StepStatus.done, action="step.done",
                note=f"near-miss case {number} published" if number else "near-miss case published")


events.subscribe("nearmiss.published", on_nearmiss_published)
