"""The manager's per-recipient work list: every recipient of an incident with where its deletion request and
its apology stand, filtered, searched and paged in the database (an incident may have thousands), and the
same action applied to the selected recipients or to every recipient matching the filter.

Read: `work_list(session, actor=, incident_id=, filters=, page=)`. Act: `apply(session, actor=,
incident_id=, action=, filters=, addresses=)` — one UPDATE per action, one audit event naming the
recipients; the gates of the playbook hold as for one recipient (no letter or apology before the decision).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.access import visible_incident
from incidents.cases.models import Recipient, RecipientField, RecipientKind
from incidents.errors import InvalidInput
from incidents.i18n import LabelTable
from incidents.people.models import User
from incidents.response.actions import _may_act, _open_incident, _require_decision
from incidents.response.models import Step, StepStatus
from incidents.response.service import sync_playbook
from incidents.types import utcnow

PER_PAGE = 50
MAX_SEARCH = 200

# Where a recipient's response stands (the work list's status filter and its counts).
WORK_STATUSES = LabelTable("work_status", {
    "to_request": "Deletion request not sent yet",
    "awaiting": "Waiting for the deletion confirmation",
    "confirmed": "Deletion confirmed",
    "apology_pending": "Apology not made yet",
    "apologised": "Apologised",
    "overdue": "Overdue",
})

# What can be done to many recipients at once.
WORK_ACTIONS = LabelTable("work_action", {
    "request_sent": "Deletion request sent",
    "confirmed_no": "Deletion confirmed: not opened",
    "confirmed_yes": "Deletion confirmed: opened",
    "confirmed_unknown": "Deletion confirmed: unknown whether opened",
    "apology_phone": "Apologised by phone",
    "apology_letter": "Apology letter sent",
    "apology_email": "Apology mail sent",
})


@dataclass(frozen=True)
class WorkFilter:
    status: str | None = None
    kind: str | None = None
    field: str | None = None
    organization: str | None = None
    q: str | None = None

    def __post_init__(self):
        if self.status and self.status not in WORK_STATUSES:
            raise InvalidInput("unknown work status %(value)s", value=self.status[:40], field="status")
        if self.kind and self.kind not in RecipientKind.__members__:
            raise InvalidInput("unknown kind of recipient %(value)s", value=self.kind[:40], field="kind")
        if self.field and self.field not in RecipientField.__members__:
            raise InvalidInput("unknown address field %(value)s", value=self.field[:40], field="field")
        if self.q and len(self.q) > MAX_SEARCH:
            raise InvalidInput("the search text is longer than %(n)s characters", n=MAX_SEARCH, field="q")

    @property
    def active(self) -> bool:
        return any((self.status, self.kind, self.field, self.organization, self.q))


@dataclass
class WorkRow:
    address: str
    name: str | None
    organization: str | None
    field: str
    kind: str
    deletion: dict[str, Any] | None
    apology: dict[str, Any] | None


@dataclass
class WorkList:
    items: list[WorkRow]
    total: int  # matching the filter
    all: int  # every recipient of the incident
    page: int
    pages: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # by work status, over every recipient
    organizations: list[str] = field(default_factory=list)


def _aliases():
    return aliased(Step, name="del_step"), aliased(Step, name="apo_step")


def _joined(incident_id: int, d, a):
    # joined on the step's key ("deletion:<address>"): the (incident_id, key) unique index finds each step
    addr = func.lower(Recipient.address)
    return (select(Recipient).select_from(Recipient)
            .outerjoin(d, and_(d.incident_id == incident_id, d.key == literal("deletion:") + addr,
                               d.status != StepStatus.not_applicable))
            .outerjoin(a, and_(a.incident_id == incident_id, a.key == literal("apology:") + addr,
                               a.status != StepStatus.not_applicable))
            .where(Recipient.incident_id == incident_id))


def _status_cond(status: str, d, a, now: datetime):
    return {
        "to_request": and_(d.id.is_not(None), d.status == StepStatus.pending, d.request_sent_at.is_(None)),
        "awaiting": and_(d.id.is_not(None), d.request_sent_at.is_not(None), d.confirmed_at.is_(None),
                         d.status == StepStatus.pending),
        "confirmed": d.confirmed_at.is_not(None),
        "apology_pending": and_(a.id.is_not(None), a.status == StepStatus.pending),
        "apologised": or_(a.written_at.is_not(None), a.phone_at.is_not(None)),
        "overdue": or_(and_(d.status == StepStatus.pending, d.due_at < now),
                       and_(a.status == StepStatus.pending, a.due_at < now)),
    }[status]


def _conds(f: WorkFilter, d, a, now: datetime) -> list:
    conds = []
    if f.status:
        conds.append(_status_cond(f.status, d, a, now))
    if f.kind:
        conds.append(Recipient.kind == f.kind)
    if f.field:
        conds.append(Recipient.field == f.field)
    if f.organization:
        conds.append(Recipient.organization == f.organization)
    if f.q:
        like = "%" + f.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(or_(func.lower(Recipient.address).like(like, escape="\\"),
                         func.lower(Recipient.name).like(like, escape="\\"),
                         func.lower(Recipient.organization).like(like, escape="\\")))
    return conds


def _step_view(s: Step | None) -> dict[str, Any] | None:
    if s is None or s.id is None:
        return None
    return {k: getattr(s, k) for k in ("status", "due_at", "request_sent_at", "confirmed_at", "opened", "phone_at",
                                        "written_at", "written_channel")}


def work_list(session: Session, *, actor: User, incident_id: int, filters: WorkFilter | None = None,
              page: int = 1, per_page: int = PER_PAGE, now: datetime | None = None) -> WorkList:
    """One page of the incident's recipients with their deletion and apology, and the counts by status."""
    visible_incident(session, actor, incident_id)
    f, now = filters or WorkFilter(), now or utcnow()
    d, a = _aliases()
    base = _joined(incident_id, d, a)
    conds = _conds(f, d, a, now)
    total = session.execute(select(func.count()).select_from(base.where(*conds).subquery())).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        base.add_columns(d, a).where(*conds).order_by(Recipient.position, Recipient.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [WorkRow(address=r.address, name=r.name, organization=r.organization, field=r.field, kind=r.kind,
                     deletion=_step_view(ds), apology=_step_view(ap)) for r, ds, ap in rows]
    counts, everyone = _counts(session, incident_id, now)
    orgs = [o for (o,) in session.execute(
        select(Recipient.organization).where(Recipient.incident_id == incident_id,
                                             Recipient.organization.is_not(None), Recipient.organization != "")
        .group_by(Recipient.organization).order_by(func.count().desc(), Recipient.organization).limit(100))]
    return WorkList(items=items, total=total, all=everyone, page=page, pages=pages, per_page=per_page,
                    counts=counts, organizations=sorted(orgs))


def _counts(session: Session, incident_id: int, now: datetime) -> tuple[dict[str, int], int]:
    """({work status: n}, every recipient): one pass over the recipients with the same joins."""
    d, a = _aliases()
    flags = [func.coalesce(func.sum(case((_status_cond(s, d, a, now), 1), else_=0)), 0) for s in WORK_STATUSES]
    row = session.execute(_joined(incident_id, d, a).with_only_columns(*flags, func.count(Recipient.id))).one()
    return {s: int(n) for s, n in zip(WORK_STATUSES, row[:-1])}, int(row[-1])


# ---- acting on many recipients ---------------------------------------------------------------------

@dataclass
class Applied:
    action: str
    changed: int  # recipients whose record changed
    targeted: int  # recipients selected (or matching the filter)

    @property
    def unchanged(self) -> int:
        return max(0, self.targeted - self.changed)


_AUDIT = {"request_sent": "deletion.requested_many", "apology_phone": "apology.recorded_many",
          "apology_letter": "apology.recorded_many", "apology_email": "apology.recorded_many"}
CHUNK = 500


def _change(action: str, now: datetime, actor: User) -> tuple[str, list, dict[str, Any]]:
    """(step kind, conditions on the step, values to set) of an action."""
    done = {"done_by_id": actor.id, "done_at": now, "next_notify_at": None, "updated_at": now}
    if action == "request_sent":
        return "deletion", [Step.status == StepStatus.pending, Step.request_sent_at.is_(None)], \
            {"request_sent_at": now, "updated_at": now}
    if action.startswith("confirmed_"):
        status = case((Step.status == StepStatus.waived, StepStatus.waived), else_=StepStatus.done)
        return "deletion", [Step.status != StepStatus.not_applicable, Step.confirmed_at.is_(None)], \
            {"confirmed_at": now, "opened": action.removeprefix("confirmed_"), "status": status, **done}
    if action == "apology_phone":
        return "apology", [Step.status != StepStatus.not_applicable, Step.phone_at.is_(None)], \
            {"phone_at": now, "updated_at": now}
    channel = action.removeprefix("apology_")
    return "apology", [Step.status == StepStatus.pending], \
        {"written_at": now, "written_channel": channel, "status": StepStatus.done, **done}


def apply(session: Session, *, actor: User, incident_id: int, action: str, addresses: list[str] | None = None,
          filters: WorkFilter | None = None, now: datetime | None = None) -> Applied:
    """Record `action` for the given recipients, or (addresses=None) for every recipient matching `filters`.
    A recipient the action does not fit (no such step, already recorded) is left as it is and counted."""
    if action not in WORK_ACTIONS:
        raise InvalidInput("unknown action %(value)s", value=str(action)[:40], field="action")
    if addresses is not None and not addresses:
        raise InvalidInput("choose at least one recipient", field="recipients")
    incident = _open_incident(session, actor, incident_id)
    _may_act(session, actor, incident, "employee")
    if not action.startswith("confirmed_"):
        _require_decision(session, incident_id, "a deletion request letter" if action == "request_sent" else "an apology")
    now = now or utcnow()
    kind, step_conds, values = _change(action, now, actor)
    if addresses is not None:
        wanted = sorted({a.strip().lower() for a in addresses if a and a.strip()})
        chunks = [wanted[i:i + CHUNK] for i in range(0, len(wanted), CHUNK)]
        targeted = len(wanted)
    else:
        d, a = _aliases()
        matching = _joined(incident_id, d, a).where(*_conds(filters or WorkFilter(), d, a, now))
        wanted_q = matching.with_only_columns(func.lower(Recipient.address)).distinct()
        targeted = session.execute(select(func.count()).select_from(wanted_q.subquery())).scalar_one()
        chunks = [wanted_q]
    changed: list[str] = []
    for chunk in chunks:
        where = [Step.incident_id == incident_id, Step.kind == kind, Step.recipient_address.in_(chunk), *step_conds]
        ids = session.execute(select(Step.id, Step.recipient_address).where(*where)).all()
        if not ids:
            continue
        changed += [addr for _id, addr in ids]
        id_list = [i for i, _addr in ids]
        for i in range(0, len(id_list), CHUNK):
            session.execute(update(Step).where(Step.id.in_(id_list[i:i + CHUNK])).values(**values)
                            .execution_options(synchronize_session=False))
    session.expire_all()
    session.flush()
    record(session, actor=actor, action=_AUDIT.get(action, "deletion.confirmed_many"), incident_id=incident_id,
           entity="playbook", entity_id=incident_id,
           after={"action": action, "count": len(changed), "recipients": sorted(changed)})
    if action.startswith("confirmed_") and changed:
        sync_playbook(session, incident=incident, actor=actor)  # the assessment may change
    return Applied(action=action, changed=len(changed), targeted=targeted)
