"""Read-only aggregates for the manager's control room, always inside the actor's incident scope.

Steps and their deadlines belong to the response domain (its tables, its rules); this module only
counts and pages them for one screen. Who may see what is decided by incidents.cases.access.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from incidents.cases.access import incident_scope, require_incident_reader
from incidents.cases.models import Incident, IncidentStatus, MistakeType
from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.people.access import managed_department_ids, require_role
from incidents.people.models import Department, User
from incidents.response.models import Step, StepStatus
from incidents.types import utcnow

# The steps whose deadline is owed to a regulator (keys of incidents.response.playbook_rules).
REGULATOR_STEPS = ("preliminary_report", "final_report", "gdpr_authority")
PER_PAGE = 10


@dataclass(frozen=True)
class RoomFilter:
    department_id: int | None = None
    mistake_type: str | None = None
    days: int = 7  # look-ahead for upcoming steps and regulator deadlines
    months: int = 6  # span of the charts

    def __post_init__(self):
        if self.mistake_type and self.mistake_type not in MistakeType.__members__:
            raise InvalidInput(f"unknown mistake type {self.mistake_type!r}")
        if not 1 <= self.days <= 90 or not 1 <= self.months <= 24:
            raise InvalidInput("days must be 1..90 and months 1..24")


@dataclass
class Paged:
    items: list[Any]
    total: int
    page: int
    pages: int
    steps: int = 0  # for step lists: the steps behind the lines


def require_room(session: Session, actor: User) -> None:
    """The control room is for managers and officers."""
    require_incident_reader(actor)
    require_role(actor, "manager", "officer")


def departments(session: Session, actor: User) -> list[Department]:
    q = select(Department).order_by(Department.name)
    if not actor.is_officer:
        q = q.where(Department.id.in_(managed_department_ids(session, actor) or {-1}))
    return list(session.execute(q).scalars())


def _where(session: Session, actor: User, f: RoomFilter) -> list:
    conds = []
    scope = incident_scope(session, actor)
    if scope is not None:
        conds.append(scope)
    if f.department_id:
        conds.append(Incident.department_id == f.department_id)
    if f.mistake_type:
        conds.append(Incident.mistake_type == f.mistake_type)
    return conds


def _page(total: int, page: int, per_page: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / per_page))
    return min(max(1, page), pages), pages


def open_incidents(session: Session, actor: User, f: RoomFilter, *, page: int = 1, per_page: int = PER_PAGE,
                   now: datetime | None = None) -> Paged:
    """Open incidents, the newest first (what is late is listed above them, step by step)."""
    now = now or utcnow()
    conds = [Incident.status == IncidentStatus.open, *_where(session, actor, f)]
    total = session.execute(select(func.count()).select_from(Incident).where(*conds)).scalar_one()
    page, pages = _page(total, page, per_page)
    # one pass over the pending steps, not a subquery per incident
    agg = (select(Step.incident_id.label("iid"), func.min(Step.due_at).label("next_due"),
                  func.sum(case((Step.due_at < now, 1), else_=0)).label("late"))
           .where(Step.status == StepStatus.pending).group_by(Step.incident_id).subquery())
    late = func.coalesce(agg.c.late, 0)
    rows = session.execute(
        select(Incident, Department.name, User.display_name, agg.c.next_due, late)
        .join(Department, Department.id == Incident.department_id).join(User, User.id == Incident.reporter_id)
        .outerjoin(agg, agg.c.iid == Incident.id)
        .where(*conds)
        .order_by(Incident.reported_at.desc(), Incident.id.desc())  # the newest first: a new case is never hidden
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [{"incident": i, "department": d, "reporter": r, "next_due": _aware(nd), "overdue": n or 0}
             for i, d, r, nd, n in rows]
    return Paged(items, total, page, pages)


def _aware(value):
    if isinstance(value, str):  # SQLite returns the aggregate as text
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        from datetime import timezone

        value = value.replace(tzinfo=timezone.utc)
    return value


def steps(session: Session, actor: User, f: RoomFilter, *, which: str, page: int = 1, per_page: int = PER_PAGE,
          now: datetime | None = None, count_only: bool = False) -> Paged:
    """Pending steps of open incidents: `regulator_overdue`, `overdue` (other steps), `regulator` deadlines and
    `upcoming` steps due within f.days.

    Per-recipient steps of one kind are one line (\"apology, 12 recipients\"): a manager acts per incident.
    Items: {"incident", "kind", "due_at" (the earliest), "count", "recipient" (when only one)}.
    """
    now = now or utcnow()
    conds = [Step.status == StepStatus.pending, Step.due_at.is_not(None), Incident.status == IncidentStatus.open,
             *_where(session, actor, f)]
    # Each pending step is in one list at most: regulator deadlines apart from the other steps, overdue apart
    # from what is still to come (an overdue regulator deadline is never "in the next days").
    regulator, other = Step.kind.in_(REGULATOR_STEPS), Step.kind.not_in(REGULATOR_STEPS)
    if which == "regulator_overdue":
        conds += [regulator, Step.due_at < now]
    elif which == "overdue":
        conds += [other, Step.due_at < now]
    elif which == "upcoming":
        conds += [other, Step.due_at >= now, Step.due_at < now + timedelta(days=f.days)]
    elif which == "regulator":
        conds += [regulator, Step.due_at >= now, Step.due_at < now + timedelta(days=f.days)]
    else:
        raise InvalidInput(f"unknown list {which!r}")
    n_steps = session.execute(select(func.count()).select_from(Step).join(Incident, Incident.id == Step.incident_id)
                              .where(*conds)).scalar_one()
    if count_only:
        return Paged([], 0, 1, 1, n_steps)
    due = func.min(Step.due_at)
    groups = (select(Step.incident_id, Step.kind, due.label("due_at"), func.count().label("n"),
                     func.min(Step.recipient_address).label("recipient"))
              .join(Incident, Incident.id == Step.incident_id).where(*conds).group_by(Step.incident_id, Step.kind))
    total = session.execute(select(func.count()).select_from(groups.subquery())).scalar_one()
    page, pages = _page(total, page, per_page)
    rows = session.execute(groups.order_by(due, Step.incident_id, Step.kind)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    incidents = {i.id: i for i in session.execute(
        select(Incident).where(Incident.id.in_({r.incident_id for r in rows} or {-1}))).scalars()}
    items = [{"incident": incidents[r.incident_id], "kind": r.kind, "due_at": _aware(r.due_at), "count": r.n,
              "recipient": r.recipient if r.n == 1 else None, "regulator": r.kind in REGULATOR_STEPS} for r in rows]
    return Paged(items, total, page, pages, n_steps)


def counts(session: Session, actor: User, f: RoomFilter, *, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    conds = _where(session, actor, f)
    open_n = session.execute(select(func.count()).select_from(Incident)
                             .where(Incident.status == IncidentStatus.open, *conds)).scalar_one()
    start = _month_start(now, 0)
    month_n = session.execute(select(func.count()).select_from(Incident)
                              .where(Incident.discovered_at >= start, *conds)).scalar_one()
    # each tile counts the lines of the list it links to (a line is one kind of step of one incident)
    return {"open": open_n, "this_month": month_n,
            "overdue": steps(session, actor, f, which="overdue", now=now, per_page=1).total,
            "regulator_overdue": steps(session, actor, f, which="regulator_overdue", now=now, per_page=1).total,
            "upcoming": steps(session, actor, f, which="upcoming", now=now, per_page=1).total,
            "regulator": steps(session, actor, f, which="regulator", now=now, per_page=1).total}


# ---- charts' data ---------------------------------------------------------------------------------


def _month_start(now: datetime, back: int) -> datetime:
    local = now.astimezone(get_settings().tz)
    year, month = local.year, local.month - back
    while month < 1:
        month += 12
        year -= 1
    return datetime(year, month, 1, tzinfo=get_settings().tz)


def _month_keys(now: datetime, months: int) -> list[str]:
    return [_month_start(now, back).strftime("%Y-%m") for back in range(months - 1, -1, -1)]


def by_type_per_month(session: Session, actor: User, f: RoomFilter, *, now: datetime | None = None
                      ) -> tuple[list[str], dict[str, dict[str, int]]]:
    """(months, {month: {mistake_type: n}}) for incidents discovered in the last f.months months."""
    now = now or utcnow()
    keys = _month_keys(now, f.months)
    out: dict[str, dict[str, int]] = {k: {} for k in keys}
    tz = get_settings().tz
    rows = session.execute(
        select(Incident.discovered_at, Incident.mistake_type)
        .where(Incident.discovered_at >= _month_start(now, f.months - 1), *_where(session, actor, f))
    )
    for at, kind in rows:
        key = _aware(at).astimezone(tz).strftime("%Y-%m")
        if key in out:
            out[key][kind] = out[key].get(kind, 0) + 1
    return keys, out


def report_delay_per_month(session: Session, actor: User, f: RoomFilter, *, now: datetime | None = None
                           ) -> tuple[list[str], dict[str, float | None]]:
    """(months, {month: median minutes from discovery to the first report, or None})."""
    now = now or utcnow()
    keys = _month_keys(now, f.months)
    spans: dict[str, list[float]] = {k: [] for k in keys}
    tz = get_settings().tz
    rows = session.execute(
        select(Incident.discovered_at, Incident.reported_at)
        .where(Incident.discovered_at >= _month_start(now, f.months - 1), *_where(session, actor, f))
    )
    for found, reported in rows:
        found, reported = _aware(found), _aware(reported)
        key = found.astimezone(tz).strftime("%Y-%m")
        if key in spans and reported is not None:
            spans[key].append(max(0.0, (reported - found).total_seconds() / 60))
    return keys, {k: (statistics.median(v) if v else None) for k, v in spans.items()}


def overdue_by_kind(session: Session, actor: User, f: RoomFilter, *, now: datetime | None = None) -> list[tuple[str, int]]:
    now = now or utcnow()
    rows = session.execute(
        select(Step.kind, func.count()).join(Incident, Incident.id == Step.incident_id)
        .where(Step.status == StepStatus.pending, Step.due_at < now, Incident.status == IncidentStatus.open,
               *_where(session, actor, f))
        .group_by(Step.kind).order_by(func.count().desc())
    ).all()
    return [(k, n) for k, n in rows]
