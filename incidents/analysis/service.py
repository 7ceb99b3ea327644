"""Root-cause analysis and countermeasures: plain functions, keyword-only, `session` first; they flush,
never commit; every change is audited in the same transaction.

Who may do what: whoever may see the incident (its reporter, the managers of its department, officers)
edits the analysis and adds countermeasures; the owner of a countermeasure (or a manager) marks it done;
the effectiveness review (effective / not effective) is a manager's or officer's decision.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from incidents.analysis.blame import check_chain
from incidents.analysis.models import Analysis, Countermeasure
from incidents.analysis.schemas import (AnalysisIn, AnalysisPublic, BlameOut, CountermeasureIn, CountermeasurePublic,
                                        CountermeasureUpdate)
from incidents.analysis.vocab import FACTOR_BY_CODE, OPEN_STATUSES, TRANSITIONS, CountermeasureStatus
from incidents import events
from incidents.audit.service import record
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from incidents.cases.access import can_manage, visible_incident
from incidents.people.models import User
from incidents.types import utcnow

REVIEW_OUTCOMES = frozenset({CountermeasureStatus.effective, CountermeasureStatus.ineffective})


def today() -> date:
    """Today in the organisation's zone (due dates are calendar days there)."""
    return utcnow().astimezone(get_settings().tz).date()


def _analysis_row(session: Session, incident_id: int) -> Analysis | None:
    return session.execute(select(Analysis).where(Analysis.incident_id == incident_id)).scalar_one_or_none()


def _user(session: Session, email: str | None, what: str) -> User | None:
    if not email:
        return None
    user = session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None or not user.active:
        raise InvalidInput(f"{what}: no active user {email}")
    return user


def _four_m(analysis: Analysis | None) -> list[str]:
    if analysis is None:
        return []
    codes = {FACTOR_BY_CODE[f].four_m.value for f in analysis.factors if f in FACTOR_BY_CODE}
    codes |= {c.get("four_m") for c in analysis.causes if c.get("four_m")}
    return sorted(codes)


def cm_public(session: Session, cm: Countermeasure, *, on: date | None = None) -> CountermeasurePublic:
    on = on or today()
    owner = session.get(User, cm.owner_id)
    reviewer = session.get(User, cm.reviewer_id) if cm.reviewer_id else None
    return CountermeasurePublic(
        id=cm.id, incident_id=cm.incident_id, title=cm.title, four_e=cm.four_e, owner=owner.email if owner else "",
        owner_name=owner.display_name if owner else "", reviewer=reviewer.email if reviewer else None,
        due_on=cm.due_on, review_on=cm.review_on, status=cm.status, note=cm.note, done_at=cm.done_at,
        reviewed_at=cm.reviewed_at, review_note=cm.review_note,
        overdue=cm.status in OPEN_STATUSES and cm.due_on < on,
        review_due=cm.status == CountermeasureStatus.done and cm.review_on is not None and cm.review_on <= on,
    )


def _countermeasures(session: Session, incident_id: int) -> list[Countermeasure]:
    return list(session.execute(select(Countermeasure).where(Countermeasure.incident_id == incident_id)
                                .order_by(Countermeasure.id)).scalars())


def _public(session: Session, incident_id: int, row: Analysis | None) -> AnalysisPublic:
    warning = check_chain(row.whys) if row else None
    return AnalysisPublic(
        incident_id=incident_id, whys=row.whys if row else [], factors=row.factors if row else [],
        factor_notes=row.factor_notes if row else "", causes=row.causes if row else [],
        kind_of_work=row.kind_of_work if row else "", four_m=_four_m(row),
        blame_warning=BlameOut(**warning.public()) if warning else None,
        updated_at=row.updated_at if row else None,
        countermeasures=[cm_public(session, c) for c in _countermeasures(session, incident_id)],
    )


def get_analysis(session: Session, *, actor: User, incident_id: int) -> AnalysisPublic:
    visible_incident(session, actor, incident_id)
    return _public(session, incident_id, _analysis_row(session, incident_id))


def save_analysis(session: Session, *, actor: User, incident_id: int, data: AnalysisIn) -> AnalysisPublic:
    """Replace the analysis (whys, factors, causes). A person-blaming last answer is saved but flagged."""
    incident = visible_incident(session, actor, incident_id)
    row = _analysis_row(session, incident_id)
    before = None
    if row is None:
        row = Analysis(incident_id=incident_id)
    else:
        before = {"whys": row.whys, "factors": row.factors, "factor_notes": row.factor_notes, "causes": row.causes,
                  "kind_of_work": row.kind_of_work}
    after = data.model_dump(mode="json")
    after["whys"] = [w for w in after["whys"] if w]
    row.whys, row.factors, row.factor_notes = after["whys"], after["factors"], after["factor_notes"]
    row.causes, row.kind_of_work = after["causes"], after["kind_of_work"]
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    session.add(row)
    session.flush()
    record(session, actor=actor, action="analysis.saved", incident_id=incident_id, entity="rca_analysis",
           entity_id=row.id, before=before, after=after)
    out = _public(session, incident_id, row)
    # e.g. the response playbook may tick its "root_cause" step when the chain ends in the system
    events.publish("analysis.saved", session=session, incident=incident, actor=actor, analysis=out)
    return out


def analysis_dict(session: Session, incident_id: int) -> dict:
    """The analysis as plain data for the near-miss draft (no permission check: callers have done it)."""
    row = _analysis_row(session, incident_id)
    data = {"whys": row.whys, "factors": row.factors, "factor_notes": row.factor_notes, "causes": row.causes,
            "kind_of_work": row.kind_of_work} if row else {}
    data["countermeasures"] = [{"title": c.title, "four_e": c.four_e, "status": c.status}
                               for c in _countermeasures(session, incident_id)]
    return data


def _check_dates(due_on: date, review_on: date | None) -> None:
    if review_on is not None and review_on < due_on:
        raise InvalidInput("the effectiveness review date must not be before the due date")


def add_countermeasure(session: Session, *, actor: User, incident_id: int, data: CountermeasureIn) -> CountermeasurePublic:
    incident = visible_incident(session, actor, incident_id)
    _check_dates(data.due_on, data.review_on)
    owner = _user(session, data.owner, "owner")
    reviewer = _user(session, data.reviewer, "reviewer")
    cm = Countermeasure(incident_id=incident_id, title=data.title, four_e=data.four_e, owner_id=owner.id,
                        reviewer_id=reviewer.id if reviewer else None, due_on=data.due_on, review_on=data.review_on,
                        note=data.note, created_by_id=actor.id)
    session.add(cm)
    session.flush()
    record(session, actor=actor, action="countermeasure.added", incident_id=incident_id, entity="countermeasure",
           entity_id=cm.id, after=data.model_dump(mode="json"))
    out = cm_public(session, cm)
    events.publish("countermeasure.added", session=session, incident=incident, actor=actor, countermeasure=out)
    return out


def _get_cm(session: Session, actor: User, countermeasure_id: int) -> Countermeasure:
    cm = session.get(Countermeasure, countermeasure_id)
    if cm is None:
        raise NotFound(f"countermeasure {countermeasure_id} not found")
    if cm.owner_id == actor.id or cm.reviewer_id == actor.id:
        return cm
    try:
        visible_incident(session, actor, cm.incident_id)
    except (NotFound, Forbidden):
        raise NotFound(f"countermeasure {countermeasure_id} not found") from None
    return cm


def _sees_incident(session: Session, actor: User, cm: Countermeasure) -> bool:
    try:
        visible_incident(session, actor, cm.incident_id)
    except (NotFound, Forbidden):
        return False
    return True


def _public_for(session: Session, actor: User, cm: Countermeasure) -> CountermeasurePublic:
    """An owner or reviewer who cannot see the incident sees the task, not the notes written about the case."""
    out = cm_public(session, cm)
    if not _sees_incident(session, actor, cm):
        out = out.model_copy(update={"note": "", "review_note": ""})
    return out


def get_countermeasure(session: Session, *, actor: User, countermeasure_id: int) -> CountermeasurePublic:
    return _public_for(session, actor, _get_cm(session, actor, countermeasure_id))


def list_countermeasures(session: Session, *, actor: User, incident_id: int | None = None,
                         mine: bool = False, open_only: bool = False) -> list[CountermeasurePublic]:
    stmt = select(Countermeasure).order_by(Countermeasure.due_on, Countermeasure.id)
    if incident_id is not None:
        visible_incident(session, actor, incident_id)
        stmt = stmt.where(Countermeasure.incident_id == incident_id)
    elif mine:
        stmt = stmt.where(Countermeasure.owner_id == actor.id)
    else:
        raise InvalidInput("give an incident, or ask for your own countermeasures")
    if open_only:
        stmt = stmt.where(Countermeasure.status.in_([s.value for s in OPEN_STATUSES]))
    return [_public_for(session, actor, c) for c in session.execute(stmt).scalars()]


def update_countermeasure(session: Session, *, actor: User, countermeasure_id: int,
                          data: CountermeasureUpdate) -> CountermeasurePublic:
    cm = _get_cm(session, actor, countermeasure_id)
    incident = visible_incident(session, actor, cm.incident_id) if cm.owner_id != actor.id else None
    changes = data.model_dump(exclude_unset=True, mode="json")
    if not changes:
        return cm_public(session, cm)
    for name in ("title", "four_e", "owner", "due_on", "note"):
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} cannot be empty")
    if incident is None and set(changes) - {"note"}:
        visible_incident(session, actor, cm.incident_id)  # owners who cannot see the incident may only add notes
    before = {k: getattr(cm, k if k not in ("owner", "reviewer") else k + "_id") for k in changes}
    if "owner" in changes:
        cm.owner_id = _user(session, changes.pop("owner"), "owner").id
    if "reviewer" in changes:
        reviewer = _user(session, changes.pop("reviewer"), "reviewer")
        cm.reviewer_id = reviewer.id if reviewer else None
    for key in ("title", "four_e", "note"):
        if key in changes:
            setattr(cm, key, changes[key])
    if incident is None and "note" in changes and not _sees_incident(session, actor, cm):
        # an owner who cannot see the incident adds to the note, never replaces (or empties) what others wrote
        cm.note = "\n".join(x for x in (before.get("note") or "", changes["note"] or "") if x)
    if "due_on" in changes:
        cm.due_on = data.due_on
    if "review_on" in changes:
        cm.review_on = data.review_on
    _check_dates(cm.due_on, cm.review_on)
    cm.updated_at = utcnow()
    session.add(cm)
    session.flush()
    record(session, actor=actor, action="countermeasure.updated", incident_id=cm.incident_id,
           entity="countermeasure", entity_id=cm.id, before=before, after=data.model_dump(exclude_unset=True, mode="json"))
    return _public_for(session, actor, cm)


def set_status(session: Session, *, actor: User, countermeasure_id: int, status: str, note: str = "") -> CountermeasurePublic:
    cm = _get_cm(session, actor, countermeasure_id)
    new = CountermeasureStatus(status)
    old = CountermeasureStatus(cm.status)
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(f"a countermeasure cannot go from {old.value} to {new.value}")
    if new is CountermeasureStatus.dropped and not _sees_incident(session, actor, cm):
        raise Forbidden("only someone who can see the incident may drop one of its countermeasures")
    if new in REVIEW_OUTCOMES:
        from incidents.cases.models import Incident

        incident = session.get(Incident, cm.incident_id)
        if not (cm.reviewer_id == actor.id or can_manage(session, actor, incident)):
            raise Forbidden("the effectiveness review is for the reviewer, a manager of the department or an officer")
        cm.reviewed_at, cm.review_note = utcnow(), note
    elif new is CountermeasureStatus.done:
        cm.done_at = utcnow()
        if note:
            cm.note = (cm.note + "\n" + note).strip()
    elif note:
        cm.note = (cm.note + "\n" + note).strip()
    cm.status, cm.updated_at = new.value, utcnow()
    session.add(cm)
    session.flush()
    record(session, actor=actor, action=f"countermeasure.{new.value}", incident_id=cm.incident_id,
           entity="countermeasure", entity_id=cm.id, before={"status": old.value}, after={"status": new.value, "note": note})
    out = cm_public(session, cm)
    events.publish("countermeasure.status", session=session, incident_id=cm.incident_id, actor=actor, countermeasure=out)
    return _public_for(session, actor, cm)
