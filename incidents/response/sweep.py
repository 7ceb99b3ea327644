"""The scheduler's due-sweep: turn due reminders and escalations into queued notifications, once.

Cost is proportional to the work that is due, not to the number of pending steps: each pending
step carries `next_notify_at` (indexed), the moment of its next notification. A sweep takes the
steps whose moment has come (FOR UPDATE SKIP LOCKED on PostgreSQL, so two schedulers share the
work; SQLite serialises writers), inserts one `response_reminders` row per (step, kind,
threshold) with ON CONFLICT DO NOTHING, queues deliveries only for the rows it inserted, and moves
`next_notify_at` on, all in one transaction. A reminder is thus queued exactly once across
restarts and processes; the delivery outbox (notify.service) then sends each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from incidents.cases.models import Incident
from incidents.notify.service import insert_ignore, insert_rows, rows_for
from incidents.people.models import User
from incidents.response.deadlines import (
    ESCALATION_MANAGER,
    ESCALATION_OFFICERS,
    REMINDER,
    ResponseDurations,
    fired,
    next_notify_at,
)
from incidents.response.messages import StepContext, step_notice
from incidents.response.models import Reminder, Step, StepStatus
from incidents.response.labels import step_title


class _People:
    """Per-sweep cache of who receives what (few queries however many reminders)."""

    def __init__(self, session: Session):
        from incidents.response.hooks import managers_of, officers

        self.session = session
        self._managers_of = managers_of
        self.officers = officers(session)
        self._managers: dict[tuple[int, int], list[User]] = {}

        self._users: dict[int, User | None] = {}

    def preload(self, user_ids: set[int]) -> None:
        """One query for every reporter (the identity map holds objects weakly: keep them here)."""
        missing = sorted(user_ids - self._users.keys())
        for chunk in _chunks(missing, 1000):
            for u in self.session.execute(select(User).where(User.id.in_(chunk))).scalars():
                self._users[u.id] = u

    def user(self, user_id: int) -> User | None:
        if user_id not in self._users:
            self._users[user_id] = self.session.get(User, user_id)
        return self._users[user_id]

    def managers(self, incident: Incident) -> list[User]:
        key = (incident.reporter_id, incident.department_id)
        if key not in self._managers:
            self._managers[key] = self._managers_of(self.session, incident)
        return self._managers[key]

    def assignees(self, role: str, incident: Incident) -> list[User]:
        if role == "officer":
            return self.officers
        if role == "manager":
            return self.managers(incident)
        reporter = self.user(incident.reporter_id)
        return [reporter] if reporter else []

    def for_kind(self, kind: str, role: str, incident: Incident) -> list[User]:
        if kind == REMINDER:
            return self.assignees(role, incident)
        if kind == ESCALATION_MANAGER:
            return self.assignees(role, incident) + self.managers(incident)
        return self.officers


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def emit_due(session: Session, *, now: datetime, durations: ResponseDurations, settings: Any,
             limit: int = 1000) -> int:
    """One batch of the sweep; returns the number of reminders this call inserted (and queued)."""
    return emit_batch(session, now=now, durations=durations, settings=settings, limit=limit)[1]


def sweep_all(session_factory: Any, *, now: datetime, durations: ResponseDurations, settings: Any,
              batch: int = 250, max_batches: int = 400) -> tuple[int, int]:
    """The whole sweep in batches, each its own short transaction (SQLite's writer lock is held
    briefly; a backlog after downtime drains at once). Returns (batches, reminders queued)."""
    queued = 0
    for n in range(1, max_batches + 1):
        with session_factory() as session:
            rows, q = emit_batch(session, now=now, durations=durations, settings=settings, limit=batch)
        queued += q
        if rows < batch:
            return n, queued
    return max_batches, queued


def emit_batch(session: Session, *, now: datetime, durations: ResponseDurations, settings: Any,
               limit: int = 1000) -> tuple[int, int]:
    """Take up to `limit` steps whose moment has come: (steps taken, reminders queued)."""
    q = (
        select(Step.id, Step.incident_id, Step.kind, Step.role, Step.recipient_address, Step.due_at, Step.created_at,
               Step.status)
        # next_notify_at alone (its index): every transition out of pending clears it; a status
        # condition here would lead SQLite's planner to scan all pending steps instead
        .where(Step.next_notify_at <= now)
        .order_by(Step.next_notify_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = session.execute(q).all()
    if not rows:
        return 0, 0
    wanted, moves = [], []
    for r in rows:
        if r.status != StepStatus.pending:
            moves.append({"b_id": r.id, "b_next": None})
            continue
        for n in fired(r.due_at, now, durations, since=r.created_at):
            wanted.append(dict(step_id=r.id, incident_id=r.incident_id, kind=n.kind, threshold=n.threshold,
                               fire_at=n.fire_at, created_at=now))
        moves.append({"b_id": r.id, "b_next": next_notify_at(r.due_at, durations, since=r.created_at, after=now)})
    inserted = []
    for chunk in _chunks(wanted, 1000):
        inserted += insert_ignore(session, Reminder, chunk, returning=(Reminder.id, Reminder.step_id, Reminder.kind))
    table = Step.__table__
    move = table.update().where(table.c.id == bindparam("b_id")).values(next_notify_at=bindparam("b_next"))
    conn = session.connection()
    for chunk in _chunks(moves, 1000):
        conn.execute(move, chunk)
    if inserted:
        _queue(session, inserted, {r.id: r for r in rows}, now=now, settings=settings)
    session.flush()
    return len(rows), len(inserted)


def _queue(session: Session, inserted: list[Any], steps: dict[int, Any], *, now: datetime, settings: Any) -> None:
    incident_ids = {steps[r.step_id].incident_id for r in inserted}
    incidents: dict[int, Incident] = {}
    for chunk in _chunks(sorted(incident_ids), 1000):
        incidents.update((i.id, i) for i in session.execute(select(Incident).where(Incident.id.in_(chunk))).scalars())
    people = _People(session)
    people.preload({i.reporter_id for i in incidents.values()})
    base = settings.base_url.rstrip("/")
    all_inapp, all_deliveries = [], []
    for rem in inserted:
        step = steps[rem.step_id]
        incident = incidents[step.incident_id]
        assignee = ", ".join(u.display_name for u in people.assignees(step.role, incident)[:3]) or step.role
        ctx = StepContext(
            incident_id=incident.id, incident_title=incident.title, step_title_ja=step_title(step.kind, step.recipient_address, "ja"),
            step_title_en=step_title(step.kind, step.recipient_address, "en"),
            due_at=step.due_at, assignee=assignee, link=f"{base}/incidents/{incident.id}",
        )

        def notice_for(user: User, ctx: StepContext = ctx, kind: str = rem.kind):
            return step_notice(kind, ctx, locale=user.locale, recipient_name=user.display_name, now=now, tz=settings.tz)

        hook = None
        if rem.kind != REMINDER:  # webhooks carry escalations, not personal reminders
            hook = step_notice(rem.kind, ctx, locale=settings.default_locale,
                               recipient_name="各位" if settings.default_locale == "ja" else "all", now=now, tz=settings.tz)
        inapp, deliveries = rows_for(users=people.for_kind(rem.kind, step.role, incident), notice_for=notice_for,
                                     key=f"rem:{rem.id}", incident_id=incident.id, webhook_notice=hook,
                                     settings=settings, now=now, extra={"step_id": step.id})
        all_inapp += inapp
        all_deliveries += deliveries
    insert_rows(session, all_inapp, all_deliveries)


__all__ = ["emit_due", "emit_batch", "sweep_all", "ESCALATION_OFFICERS"]
