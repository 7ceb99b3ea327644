"""The response's service: keep the playbook in line with the facts, read steps and the assessment.

Mutating actions (done, waive, decide, deletion, apology, bulk, close) live in actions.py.
Keyword-only functions, `session` first; they flush, never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlmodel import Session

from incidents import events
from incidents.audit.service import record
from incidents.cases.models import Incident, IncidentStatus
from incidents.cases.record import ALL, IncidentRecord, record_of
from incidents.db import bulk_insert
from incidents.cases.access import incident_scope, visible_incident
from incidents.organisation import org_profile
from incidents.people.models import User
from incidents.response.assessment import Assessment, AssessmentWithObligations, assess
from incidents.response.deadlines import ResponseDurations, next_notify_at
from incidents.response.facts import IncidentFacts, RecipientFacts
from incidents.response.models import Step, StepStatus
from incidents.response.playbook import ExistingStep, Reconciliation, generate, reconcile
from incidents.response.labels import step_title
from incidents.types import utcnow


class StepPublic(BaseModel):
    id: int
    key: str
    kind: str
    role: str
    title: str
    title_ja: str
    title_en: str
    required: bool
    gated: bool
    recipient: str | None
    status: str
    due_at: datetime | None
    overdue: bool
    note: str
    waive_reason: str
    done_by_id: int | None
    done_at: datetime | None
    request_sent_at: datetime | None
    confirmed_at: datetime | None
    opened: str | None
    phone_at: datetime | None
    written_at: datetime | None
    written_channel: str | None


def durations() -> ResponseDurations:
    return ResponseDurations.from_settings()


def facts_for(session: Session, incident: Incident | IncidentRecord) -> IncidentFacts:
    """The incident's facts (read from its record, every recipient) plus the deletion confirmations
    recorded on its steps."""
    rec = incident if isinstance(incident, IncidentRecord) else None
    if rec is None or not rec.recipients_complete:
        row = incident if isinstance(incident, Incident) else session.get(Incident, incident.id)
        rec = record_of(session, row, recipients=ALL)
    confirmations = {
        addr: (confirmed is not None, opened)
        for addr, confirmed, opened in session.execute(
            select(Step.recipient_address, Step.confirmed_at, Step.opened).where(
                Step.incident_id == rec.id, Step.kind == "deletion", Step.status != StepStatus.not_applicable
            )
        )
    }
    recipients = []
    for r in rec.recipients:
        confirmed, opened = confirmations.get(r.address.strip().lower(), (False, None)) if r.kind == "unintended" else (False, None)
        recipients.append(RecipientFacts.of(r, deletion_confirmed=confirmed, opened=opened))
    return IncidentFacts.of(rec, recipients, public_body=org_profile().is_public_body)


def assessment_of(session: Session, incident: Incident | IncidentRecord) -> Assessment:
    return assess(facts_for(session, incident), durations())


def sync_playbook(session: Session, *, incident: Incident | IncidentRecord, actor: Any,
                  now: datetime | None = None) -> Reconciliation:
    """(Re)generate the playbook from the facts (a row, or its record with every recipient); done and waived
    steps are kept as history."""
    now = now or utcnow()
    d = durations()
    existing = {
        row.key: row
        for row in session.execute(
            select(Step.id, Step.key, Step.status, Step.due_at, Step.manual_due, Step.created_at).where(
                Step.incident_id == incident.id
            )
        )
    }
    facts = facts_for(session, incident)
    # Other duties follow the same facts (the regimes' obligations): one reading of the facts for both.
    events.publish("facts.assessed", session=session, incident=incident, actor=actor, facts=facts, now=now)
    specs = generate(facts, d, assess(facts, d))
    plan = reconcile(
        {k: ExistingStep(k, r.status, r.due_at, r.manual_due) for k, r in existing.items()}, specs
    )
    if incident.status == IncidentStatus.closed:
        plan.retire = []  # history of a closed incident stays as it is
    if not plan.changed:
        return plan
    if plan.create:
        # Per-recipient steps share a few due times: compute each due time's first notification once.
        first_notice: dict[Any, Any] = {}
        for s in plan.create:
            if s.due_at not in first_notice:
                first_notice[s.due_at] = next_notify_at(s.due_at, d, since=now)
        bulk_insert(
            session,
            Step.__table__,
            [
                dict(
                    incident_id=incident.id, key=s.key, kind=s.kind, role=s.role, position=s.position,
                    required=s.required, gated=s.gated, recipient_address=s.recipient, status=StepStatus.pending,
                    due_at=s.due_at, manual_due=False, note="", waive_reason="",
                    next_notify_at=first_notice[s.due_at], created_at=now, updated_at=now,
                )
                for s in plan.create
            ],
        )
    for key, due in plan.update_due:
        row = existing[key]
        session.execute(
            update(Step).where(Step.id == row.id).values(
                due_at=due, next_notify_at=next_notify_at(due, d, since=row.created_at, after=now), updated_at=now
            )
        )
    for spec in plan.reopen:
        row = existing[spec.key]
        session.execute(
            update(Step).where(Step.id == row.id).values(
                status=StepStatus.pending, due_at=spec.due_at, updated_at=now,
                next_notify_at=next_notify_at(spec.due_at, d, since=row.created_at, after=now),
            )
        )
    if plan.retire:
        ids = [existing[k].id for k in plan.retire]
        for chunk in range(0, len(ids), 500):
            session.execute(
                update(Step).where(Step.id.in_(ids[chunk:chunk + 500])).values(
                    status=StepStatus.not_applicable, next_notify_at=None, updated_at=now
                )
            )
    session.flush()
    record(
        session, actor=actor, action="response.playbook_updated", incident_id=incident.id, entity="playbook",
        entity_id=incident.id,
        after={
            "created": len(plan.create), "retired": len(plan.retire), "reopened": len(plan.reopen),
            "due_moved": len(plan.update_due),
            "keys": sorted({s.key for s in plan.create + plan.reopen} | set(plan.retire))[:50],
        },
    )
    return plan


def step_titles(kind: str, recipient: str | None) -> tuple[str, str]:
    """(Japanese, English) title of a step (the JSON contract carries both)."""
    return step_title(kind, recipient, "ja"), step_title(kind, recipient, "en")


def to_public(step: Step, *, now: datetime | None = None, locale: str = "ja") -> StepPublic:
    now = now or utcnow()
    title_ja, title_en = step_titles(step.kind, step.recipient_address)
    return StepPublic(
        id=step.id, key=step.key, kind=step.kind, role=step.role, title=title_ja if locale == "ja" else title_en,
        title_ja=title_ja, title_en=title_en, required=step.required, gated=step.gated,
        recipient=step.recipient_address, status=step.status, due_at=step.due_at,
        overdue=bool(step.status == StepStatus.pending and step.due_at and step.due_at < now),
        note=step.note, waive_reason=step.waive_reason, done_by_id=step.done_by_id, done_at=step.done_at,
        request_sent_at=step.request_sent_at, confirmed_at=step.confirmed_at, opened=step.opened,
        phone_at=step.phone_at, written_at=step.written_at, written_channel=step.written_channel,
    )


def list_steps(
    session: Session, *, actor: User, incident_id: int, kind: str | None = None, status: str | None = None,
    include_not_applicable: bool = False, limit: int | None = None, offset: int = 0, general_only: bool = False,
) -> list[Step]:
    """The incident's steps in playbook order (general_only: without the per-recipient ones)."""
    visible_incident(session, actor, incident_id)
    q = select(Step).where(Step.incident_id == incident_id)
    if general_only:
        q = q.where(Step.recipient_address.is_(None))
    if kind:
        q = q.where(Step.kind == kind)
    if status:
        q = q.where(Step.status == status)
    elif not include_not_applicable:
        q = q.where(Step.status != StepStatus.not_applicable)
    q = q.order_by(Step.position, Step.id).offset(offset)
    if limit:
        q = q.limit(limit)
    return list(session.execute(q).scalars())


def step_counts(session: Session, *, actor: User, incident_id: int) -> dict[str, dict[str, int]]:
    """{kind: {status: n}} (the per-recipient table's summary)."""
    visible_incident(session, actor, incident_id)
    out: dict[str, dict[str, int]] = {}
    for kind, status, n in session.execute(
        select(Step.kind, Step.status, func.count()).where(Step.incident_id == incident_id).group_by(Step.kind, Step.status)
    ):
        out.setdefault(kind, {})[status] = n
    return out


def get_assessment(session: Session, *, actor: User, incident_id: int) -> AssessmentWithObligations:
    """The APPI/GDPR assessment and every obligation under the regimes in force, with its rule."""
    from incidents.regimes.service import list_obligations

    incident = visible_incident(session, actor, incident_id)
    return AssessmentWithObligations(
        **assessment_of(session, incident).model_dump(),
        obligations=list_obligations(session, actor=actor, incident_id=incident_id, locale=actor.locale),
    )


def overdue(session: Session, *, actor: User, now: datetime | None = None, limit: int = 500) -> list[tuple[Step, Incident]]:
    """Pending steps past their due time, in the incidents the actor may see, most overdue first."""
    now = now or utcnow()
    q = (
        select(Step, Incident).join(Incident, Incident.id == Step.incident_id)
        .where(Step.status == StepStatus.pending, Step.due_at < now, Incident.status == IncidentStatus.open)
    )
    scope = incident_scope(session, actor)
    if scope is not None:
        q = q.where(scope)
    return [(s, i) for s, i in session.execute(q.order_by(Step.due_at, Step.id).limit(limit)).all()]


def open_deadlines(session: Session, *, actor: User, incident_id: int | None = None, limit: int = 2000) -> list[tuple[Step, Incident]]:
    """Pending steps with a due time (the calendar feed): one incident, or all the actor may see."""
    q = (
        select(Step, Incident).join(Incident, Incident.id == Step.incident_id)
        .where(Step.status == StepStatus.pending, Step.due_at.is_not(None), Incident.status == IncidentStatus.open)
    )
    if incident_id is not None:
        visible_incident(session, actor, incident_id)
        q = q.where(Step.incident_id == incident_id)
    else:
        scope = incident_scope(session, actor)
        if scope is not None:
            q = q.where(scope)
    return [(s, i) for s, i in session.execute(q.order_by(Step.due_at, Step.id).limit(limit)).all()]
