"""The correspondence log of each obligation: submitted when and by whom, reference numbers, questions
from the regulator or counsel and our answers, resubmissions, the reason for a delay.

Officers write it; everyone who may see the incident reads it. Every entry is audited. Submitting an
obligation marks it done (and ticks the matching playbook step); the 委託先's notice to the 委託元
releases its own reports (PPC guidelines 3-5-3-5). A submitted report keeps the form as it was sent, so the
確報 can say what changed since the 速報.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.errors import Conflict, Forbidden, InvalidInput, NotFound
from incidents.i18n import gettext as _
from incidents.cases.access import visible_incident
from incidents.people.models import User
from incidents.regimes import service
from incidents.regimes.labels import LOG_KINDS
from incidents.regimes.models import CorrespondenceEntry, LogKind, Obligation, ObligationStatus
from incidents.times import When
from incidents.types import utcnow

# Submitting these obligations is what these playbook steps ask for.
PLAYBOOK_STEP = {"appi:preliminary": "preliminary_report", "appi:final": "final_report",
                 "appi:notice": "notify_individuals", "gdpr:report": "gdpr_authority",
                 "gdpr:notice": "gdpr_individuals"}
_SKEW = timedelta(minutes=5)  # clocks differ a little: "now" from another machine is not the future
NEEDS_TEXT = {LogKind.question, LogKind.answer, LogKind.delay_reason, LogKind.note}
FORMS = {"appi:preliminary": ("ppc", "preliminary"), "appi:final": ("ppc", "final"),
         "pmark:preliminary": ("pmark", "preliminary"), "pmark:final": ("pmark", "final")}


class EntryIn(BaseModel):
    kind: LogKind
    at: When | None = Field(default=None, description="When it happened; without a zone, the organisation's zone")
    reference: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=4000)

    @field_validator("reference", "text")
    @classmethod
    def _clean(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value.strip()


class EntryPublic(BaseModel):
    id: int
    obligation_key: str
    kind: str
    kind_label: str
    at: datetime
    actor: str
    reference: str
    text: str
    created_at: datetime


def _aware(at: datetime | None) -> datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        at = at.replace(tzinfo=get_settings().tz)
    if at > utcnow() + _SKEW:
        raise InvalidInput("the time of a correspondence entry cannot lie in the future")
    return at


def _obligation(session: Session, incident_id: int, key: str) -> Obligation:
    row = session.execute(
        select(Obligation).where(Obligation.incident_id == incident_id, Obligation.key == key.strip())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"incident {incident_id} has no obligation {key!r}")
    return row


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def to_public(entries: list[CorrespondenceEntry], session: Session, keys: dict[int, str],
              locale: str = "ja") -> list[EntryPublic]:
    names = _names(session, {e.actor_id for e in entries if e.actor_id})
    return [EntryPublic(id=e.id, obligation_key=keys.get(e.obligation_id, ""), kind=e.kind,
                        kind_label=LOG_KINDS.label(e.kind, locale),
                        at=e.at, actor=names.get(e.actor_id, ""), reference=e.reference, text=e.text,
                        created_at=e.created_at) for e in entries]


def entries_of(session: Session, incident_id: int, key: str | None = None) -> tuple[list[CorrespondenceEntry], dict[int, str]]:
    keys = dict(session.execute(select(Obligation.id, Obligation.key).where(Obligation.incident_id == incident_id)).all())
    q = select(CorrespondenceEntry).where(CorrespondenceEntry.incident_id == incident_id)
    if key is not None:
        ids = [i for i, k in keys.items() if k == key]
        q = q.where(CorrespondenceEntry.obligation_id.in_(ids))
    return list(session.execute(q.order_by(CorrespondenceEntry.at, CorrespondenceEntry.id)).scalars()), keys


def list_entries(session: Session, *, actor: User, incident_id: int, key: str | None = None,
                 locale: str = "ja") -> list[EntryPublic]:
    visible_incident(session, actor, incident_id)
    entries, keys = entries_of(session, incident_id, key)
    return to_public(entries, session, keys, locale)


def _form_snapshot(session: Session, actor: User, incident_id: int, key: str) -> dict[str, Any] | None:
    if key not in FORMS:
        return None
    from incidents.regimes.ppc_form import build_form

    form, phase = FORMS[key]
    return build_form(session, actor=actor, incident_id=incident_id, phase=phase, form=form,
                      compare_preliminary=False).model_dump(mode="json")


def add_entry(session: Session, *, actor: User, incident_id: int, key: str, data: EntryIn) -> EntryPublic:
    incident = visible_incident(session, actor, incident_id, for_update=True)
    if not actor.is_officer:
        raise Forbidden("only a privacy officer may record correspondence with a regulator")
    ob = _obligation(session, incident_id, key)
    at = _aware(data.at)
    kind = data.kind
    if kind in NEEDS_TEXT and not data.text:
        raise InvalidInput(f"a {kind.value.replace('_', ' ')} entry needs its text")
    if kind in (LogKind.reference,) and not data.reference:
        raise InvalidInput("give the reference number received")
    before = {"status": ob.status, "reference": ob.reference, "submitted_at": ob.submitted_at}
    if kind == LogKind.submitted:
        if ob.status == ObligationStatus.submitted:
            raise Conflict(f"{key} was already submitted on {ob.submitted_at:%Y-%m-%d}; record a resubmission instead")
        if ob.status == ObligationStatus.withdrawn:
            raise Conflict(f"{key} no longer applies to this incident")
        ob.status, ob.submitted_at, ob.submitted_by_id = ObligationStatus.submitted, at, actor.id
        ob.snapshot = _form_snapshot(session, actor, incident_id, key)
    elif kind == LogKind.resubmitted:
        if ob.status != ObligationStatus.submitted:
            raise Conflict(f"{key} has not been submitted yet")
        ob.snapshot = _form_snapshot(session, actor, incident_id, key) or ob.snapshot
    if data.reference and kind in (LogKind.submitted, LogKind.reference, LogKind.resubmitted):
        ob.reference = data.reference
    ob.updated_at = utcnow()
    entry = CorrespondenceEntry(obligation_id=ob.id, incident_id=incident_id, kind=kind.value, at=at,
                                actor_id=actor.id, reference=data.reference, text=data.text)
    session.add(entry)
    session.flush()
    record(session, actor=actor, action="obligation.correspondence", incident_id=incident_id,
           entity="obligation", entity_id=ob.id, before=before,
           after={"key": key, "kind": kind.value, "at": at, "reference": data.reference, "text": data.text[:500],
                  "status": ob.status})
    if kind == LogKind.submitted:
        _tick_step(session, actor, incident, key, at)
        if key == "appi:principal":
            service.sync(session, incident=incident, actor=actor)  # the 委託先 is now released
    return to_public([entry], session, {ob.id: ob.key}, actor.locale)[0]


def _tick_step(session: Session, actor: User, incident: Any, key: str, at: datetime) -> None:
    step_key = PLAYBOOK_STEP.get(key)
    if not step_key:
        return
    from incidents.response.actions import _finish
    from incidents.response.models import Step, StepStatus

    step = session.execute(
        select(Step).where(Step.incident_id == incident.id, Step.key == step_key)
    ).scalar_one_or_none()
    if step is not None and step.status == StepStatus.pending:
        _finish(session, actor=actor, step=step, status=StepStatus.done, action="step.done",
                note=_("submitted on %(date)s", date=at.astimezone(get_settings().tz).strftime("%Y-%m-%d %H:%M")))
