"""The reporter's own view of their incident: what happens now, who is handling it (the people who were
actually told), what they must and must not do, and the next deadline. No manager controls, no estimates.

Also the final screen of the guided report (the same view, just after reporting). True to the case:
- "told" is read from the first report's notifications (who really received it), not assumed: a reporter
  without a supervisor reads that the privacy officer was told;
- the advice comes from the response's own rules (incidents.response.next_steps): an 80-person Bcc mistake
  is not handled by the sender contacting 80 people;
- nothing suggests apologising before the organisation's decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.cases import labels
from incidents.cases.access import visible_incident
from incidents.cases.models import Recipient
from incidents.i18n import N_, translate
from incidents.notify.models import InAppNotification
from incidents.people.models import User
from incidents.response import actions
from incidents.response import next_steps
from incidents.response.hooks import managers_of
from incidents.response.labels import step_title
from incidents.response.models import Step, StepStatus
from incidents.times import format_datetime, format_span
from incidents.types import utcnow

# How the person told relates to the reporter.
SUPERVISOR, DEPARTMENT_MANAGER, OFFICER = "supervisor", "manager", "officer"

DECIDED = N_("The organisation has decided how to respond. Follow what the person handling it asks of you; "
             "do not contact the recipients in any other way.")
DO_NOT_CONTACT_OFFICER = N_("Do not contact the recipients yourself: with this many people, the person handling "
                            "it decides how they are informed.")


RECIPIENTS_SHOWN = 10  # wrong recipients named in "what you reported"; the rest are counted


@dataclass(frozen=True)
class Handler:
    name: str
    relation: str  # supervisor | manager | officer


def told(session: Session, incident) -> list[Handler]:
    """The people the first report reached (its in-app notices, one per person told); if none is recorded,
    the people it goes to under the current organisation chart."""
    ids = session.execute(select(InAppNotification.user_id).where(
        InAppNotification.incident_id == incident.id,
        InAppNotification.dedupe_key.like(f"first-report:{incident.id}:inapp:%"),
    ).order_by(InAppNotification.id)).scalars().all()
    users = [u for u in (session.get(User, i) for i in ids) if u is not None] or managers_of(session, incident)
    reporter = session.get(User, incident.reporter_id)
    out = []
    for u in users:
        if reporter is not None and reporter.manager_id == u.id:
            relation = SUPERVISOR
        elif u.is_manager and u.department_id == incident.department_id:
            relation = DEPARTMENT_MANAGER
        else:
            relation = OFFICER
        out.append(Handler(u.display_name, relation))
    return out


def _advice(session: Session, actor: User, incident, locale: str, handlers: list[Handler],
            decided: bool) -> tuple[list[str], bool]:
    """(the advice in the reader's language, may the reporter ask the recipient to delete the mail?)."""
    now = next_steps.what_now(session, actor=actor, incident_id=incident.id, locale=locale)
    by_supervisor = any(h.relation != OFFICER for h in handlers)
    ask = translate(next_steps.ASK_DELETION, locale) in now.advice
    out = []
    for line in now.advice:
        if line == translate(next_steps.DO_NOT_APOLOGISE, locale) and decided:
            line = translate(DECIDED, locale)
        elif line == translate(next_steps.DO_NOT_CONTACT, locale) and not by_supervisor:
            line = translate(DO_NOT_CONTACT_OFFICER, locale)
        elif line == translate(next_steps.ASK_DELETION, locale) and decided:
            continue  # after the decision, the reporter does what the decision says
        out.append(line)
    return out, ask and not decided


def _due(due: datetime | None, now: datetime, locale: str) -> dict[str, Any] | None:
    if due is None:
        return None
    late = due < now
    span = format_span((now - due) if late else (due - now), locale)
    return {"at": due, "text": format_datetime(due, locale), "late": late,
            "left": (translate("%(span)s overdue", locale, span=span) if late
                     else translate("%(span)s left", locale, span=span))}


def view(session: Session, *, actor: User, incident_id: int, locale: str) -> dict[str, Any]:
    """Everything the reporter's page shows, in `locale`."""
    incident = visible_incident(session, actor, incident_id)
    now = utcnow()
    handlers = told(session, incident)
    decided = actions.decided(session, incident.id)
    advice, may_ask = _advice(session, actor, incident, locale, handlers, decided)
    pending = session.execute(select(Step).where(
        Step.incident_id == incident.id, Step.status == StepStatus.pending, Step.recipient_address.is_(None),
    ).order_by(Step.position)).scalars().all()
    mine = [{"key": s.key, "title": step_title(s.kind, None, locale), "due": _due(s.due_at, now, locale)}
            for s in pending if s.role == "employee"]
    dated = sorted((s for s in pending if s.due_at is not None), key=lambda s: s.due_at)
    nxt = dated[0] if dated else None
    wrong = select(Recipient.address).where(Recipient.incident_id == incident.id, Recipient.kind == "unintended")
    shown = session.execute(wrong.order_by(Recipient.position, Recipient.id).limit(RECIPIENTS_SHOWN)).scalars().all()
    wrong_total = session.execute(select(func.count()).select_from(wrong.subquery())).scalar_one()
    if incident.status != "open":
        stage = "closed"
    elif decided:
        stage = "decided"
    else:
        stage = "deciding"
    return {
        "id": incident.id, "title": incident.title, "status": incident.status,
        "status_label": labels.STATUS.label(incident.status, locale),
        "mistake": labels.MISTAKE_TYPES.label(incident.mistake_type, locale),
        "subject": incident.subject, "sent_at": incident.sent_at, "reported_at": incident.reported_at,
        "handlers": handlers, "stage": stage, "advice": advice, "may_ask_deletion": may_ask,
        "mine": mine, "wrong": shown, "wrong_more": max(wrong_total - len(shown), 0),
        "next": ({"title": step_title(nxt.kind, None, locale), "role": nxt.role, "mine": nxt.role == "employee",
                  "due": _due(nxt.due_at, now, locale)} if nxt is not None else None),
        "is_reporter": incident.reporter_id == actor.id,
    }
