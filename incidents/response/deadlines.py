"""Configurable durations, reminder thresholds and the due-notification rule (pure).

Every duration is a Settings field `response_due_<name>` (a timedelta; env vars accept ISO 8601
such as `PT2H` or seconds), falling back to the defaults in playbook_rules / rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from incidents.response.playbook_rules import (
    DEFAULT_DURATIONS,
    DEFAULT_ESCALATE_OFFICERS_AFTER,
    DEFAULT_PUBLIC_ANNOUNCEMENT_THRESHOLD,
    DEFAULT_REMINDERS_BEFORE,
)

REMINDER = "reminder"  # before the due time, to the assignee
ESCALATION_MANAGER = "overdue_manager"  # at the due time, to the manager (and the assignee)
ESCALATION_OFFICERS = "overdue_officers"  # later still, to the officers


@dataclass(frozen=True)
class ResponseDurations:
    durations: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    reminders_before: tuple[timedelta, ...] = DEFAULT_REMINDERS_BEFORE
    escalate_officers_after: timedelta = DEFAULT_ESCALATE_OFFICERS_AFTER
    public_announcement_threshold: int = DEFAULT_PUBLIC_ANNOUNCEMENT_THRESHOLD

    def __getitem__(self, name: str) -> timedelta:
        return self.durations[name]

    @classmethod
    def from_settings(cls, settings: Any | None = None) -> "ResponseDurations":
        if settings is None:
            from incidents.config import get_settings

            settings = get_settings()
        durations = {}
        for name, default in DEFAULT_DURATIONS.items():
            value = getattr(settings, f"response_due_{name}", None)
            durations[name] = _as_timedelta(value) if value is not None else default
        reminders = getattr(settings, "response_reminders_before", None)
        escalate = getattr(settings, "response_escalate_officers_after", None)
        threshold = getattr(settings, "response_public_announcement_threshold", None)
        return cls(
            durations=durations,
            reminders_before=tuple(_as_timedelta(v) for v in reminders)
            if reminders is not None
            else DEFAULT_REMINDERS_BEFORE,
            escalate_officers_after=_as_timedelta(escalate)
            if escalate is not None
            else DEFAULT_ESCALATE_OFFICERS_AFTER,
            public_announcement_threshold=int(threshold)
            if threshold is not None
            else DEFAULT_PUBLIC_ANNOUNCEMENT_THRESHOLD,
        )


def _as_timedelta(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value))


@dataclass(frozen=True, order=True)
class DueNotification:
    """One notification a step deserves at `fire_at`; (kind, threshold) is its unique key."""

    fire_at: datetime
    kind: str
    threshold: int  # minutes: before the due time for reminders, after it for escalations


def notifications_for(due_at: datetime, durations: ResponseDurations) -> list[DueNotification]:
    """Every notification a pending step with this due time should get, earliest first."""
    out = [
        DueNotification(due_at - before, REMINDER, int(before.total_seconds() // 60))
        for before in durations.reminders_before
        if before > timedelta(0)
    ]
    out.append(DueNotification(due_at, ESCALATION_MANAGER, 0))
    after = durations.escalate_officers_after
    out.append(DueNotification(due_at + after, ESCALATION_OFFICERS, int(after.total_seconds() // 60)))
    return sorted(set(out))


def _eligible(n: DueNotification, since: datetime | None) -> bool:
    """A notification whose moment lies before the step existed is never sent."""
    return since is None or n.fire_at >= since


def _anchor(due_at: datetime, since: datetime | None) -> datetime:
    """A step created already overdue (recipients added late, facts corrected) is overdue from
    its creation: the manager hears at once, the officers after the usual delay."""
    return since if since is not None and due_at < since else due_at


def fired(
    due_at: datetime,
    now: datetime,
    durations: ResponseDurations,
    *,
    since: datetime | None = None,
) -> list[DueNotification]:
    """The notifications whose time has come at `now`, without stale ones.

    - a notification whose time lies before `since` (the step's creation) is never sent, and a
      step created already overdue counts as overdue from its creation;
    - of several reminders that came due together (the scheduler was down), only the most
      urgent is sent, and none once the step is overdue (the escalation says more).
    The scheduler inserts each result into its outbox under the unique key
    (step, kind, threshold), so asking again later, or from a second process, never yields a
    second delivery.
    """
    anchor = _anchor(due_at, since)
    due = [n for n in notifications_for(anchor, durations) if n.fire_at <= now and _eligible(n, since)]
    escalations = [n for n in due if n.kind != REMINDER]
    if escalations:
        return escalations
    return [n for n in due if n.kind == REMINDER][-1:]


def next_notify_at(
    due_at: datetime | None,
    durations: ResponseDurations,
    *,
    since: datetime | None,
    after: datetime | None = None,
) -> datetime | None:
    """When the scheduler should next look at a pending step: the earliest eligible
    notification later than `after` (None = any, even one already past). None = never again."""
    if due_at is None:
        return None
    times = [
        n.fire_at
        for n in notifications_for(_anchor(due_at, since), durations)
        if _eligible(n, since) and (after is None or n.fire_at > after)
    ]
    return min(times, default=None)
