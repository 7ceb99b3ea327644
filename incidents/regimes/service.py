"""The regimes' service: the incident's obligations kept in line with its facts, and its overrides.

    sync(session, incident=, actor=, facts=None)      # after every change of the facts (hooks.py)
    obligations_of(session, incident)                 # stored rows (or a preview if never synced)
    set_overrides(session, actor=, incident_id=, data=)

An obligation keeps the rule version in force when it arose: a later sync evaluates the incident's
regimes with those versions pinned, so a rule added to the catalogue afterwards never rewrites it.
Submitted obligations are history and never touched; one that no longer arises is `withdrawn`, not deleted.
Keyword-only, flush never commit, every change audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.models import Incident
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput
from incidents.organisation import org_profile
from incidents.cases.access import visible_incident
from incidents.people.models import User
from incidents.regimes.catalogue import (
    CATALOGUE,
    Catalogue,
    Entrustment,
    Kind,
    Regime,
    RuleVersion,
    To,
    parse_regimes,
)
from incidents.regimes.labels import ADDRESSEES, OBLIGATION_KINDS, OBLIGATION_STATUS, REGIMES
from incidents.regimes.evaluate import ObligationSpec, RegimeContext, evaluate
from incidents.regimes.models import IncidentRegimes, Obligation, ObligationStatus
from incidents.regimes.public import ObligationPublic
from incidents.response.facts import IncidentFacts
from incidents.types import utcnow


class OverridesIn(BaseModel):
    """What differs for this incident from the organisation's profile (None = leave as it is)."""

    add_regimes: list[str] | None = Field(default=None, max_length=20)
    remove_regimes: list[str] | None = Field(default=None, max_length=20)
    entrustment: Entrustment | None = None
    counterpart: str | None = Field(default=None, max_length=200)
    joint_report: bool | None = None
    delegated_to: To | None = None
    clear_delegated_to: bool = False
    customer_data: bool | None = None
    serious_violation: bool | None = None
    telecom_secrecy: bool | None = None


class OverridesPublic(BaseModel):
    incident_id: int
    regimes: list[str]  # in force for this incident
    add_regimes: list[str]
    remove_regimes: list[str]
    entrustment: str
    counterpart: str
    joint_report: bool
    delegated_to: str | None
    customer_data: bool | None
    serious_violation: bool
    telecom_secrecy: bool


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn or self.reopened)


def organisation_regimes() -> frozenset[Regime]:
    try:
        return frozenset(parse_regimes(get_settings().regimes))
    except ValueError as exc:
        raise InvalidInput(f"the organisation's regimes are misconfigured: {exc}") from None


def overrides_row(session: Session, incident_id: int) -> IncidentRegimes | None:
    return session.get(IncidentRegimes, incident_id)


def regimes_for(row: IncidentRegimes | None) -> frozenset[Regime]:
    regimes = set(organisation_regimes())
    if row is not None:
        regimes |= {Regime(r) for r in row.add_regimes}
        regimes -= {Regime(r) for r in row.remove_regimes}
    return frozenset(regimes)


def context_for(session: Session, incident: Incident, row: IncidentRegimes | None = None,
                stored: list[Obligation] | None = None) -> RegimeContext:
    row = row if row is not None else overrides_row(session, incident.id)
    stored = stored if stored is not None else _stored(session, incident.id)
    principal = next((o for o in stored if o.key == "appi:principal"), None)
    return RegimeContext(
        regimes=regimes_for(row),
        public_body=org_profile().is_public_body,
        entrustment=Entrustment(row.entrustment) if row else Entrustment.none,
        counterpart=row.counterpart if row else "",
        joint_report=bool(row and row.joint_report),
        principal_notified=principal is not None and principal.status == ObligationStatus.submitted,
        delegated_to=To(row.delegated_to) if row and row.delegated_to else None,
        customer_data=row.customer_data if row else None,
        serious_violation=bool(row and row.serious_violation),
        telecom_secrecy=bool(row and row.telecom_secrecy),
        fsa_batch=get_settings().regimes_fsa_batch,
    )


def _stored(session: Session, incident_id: int) -> list[Obligation]:
    return list(session.execute(
        select(Obligation).where(Obligation.incident_id == incident_id).order_by(Obligation.id)
    ).scalars())


def _pins(stored: list[Obligation]) -> list[RuleVersion]:
    """The versions the incident's obligations already follow (the rule in force when they arose)."""
    pins: dict[tuple[str, str], RuleVersion] = {}
    for o in stored:
        if o.status == ObligationStatus.withdrawn or not o.rule:
            continue
        rule = RuleVersion.from_snapshot(o.rule)
        pins.setdefault((rule.regime.value, rule.variant), rule)
    return list(pins.values())


def _facts(session: Session, incident: Incident) -> IncidentFacts:
    from incidents.response.service import facts_for

    return facts_for(session, incident)


def _durations():
    from incidents.response.service import durations

    return durations()


def specs_for(session: Session, incident: Incident, *, facts: IncidentFacts | None = None,
              catalogue: Catalogue = CATALOGUE, stored: list[Obligation] | None = None) -> list[ObligationSpec]:
    stored = stored if stored is not None else _stored(session, incident.id)
    facts = facts or _facts(session, incident)
    ctx = context_for(session, incident, stored=stored)
    return evaluate(facts, ctx, _durations(), catalogue.pinned(_pins(stored)))


def _values(spec: ObligationSpec) -> dict[str, Any]:
    rule = spec.rule.snapshot()
    rule["applied"] = {"due": spec.duration, "limit": spec.limit_duration}
    return dict(regime=spec.regime.value, kind=spec.kind.value, to=spec.to.value, due_at=spec.due_at,
                limit_at=spec.limit_at, arose_at=spec.arose_at, rule_version=spec.rule.version, rule=rule,
                basis=list(spec.basis), joint=spec.joint)


def sync(session: Session, *, incident: Incident, actor: Any, facts: IncidentFacts | None = None,
         now: datetime | None = None, catalogue: Catalogue = CATALOGUE) -> SyncResult:
    """Bring the stored obligations in line with the facts (and the overrides)."""
    now = now or utcnow()
    stored = _stored(session, incident.id)
    specs = specs_for(session, incident, facts=facts, catalogue=catalogue, stored=stored)
    by_key = {o.key: o for o in stored}
    result = SyncResult()
    wanted = set()
    for spec in specs:
        wanted.add(spec.key)
        status = ObligationStatus.released if spec.released else ObligationStatus.pending
        row = by_key.get(spec.key)
        if row is None:
            session.add(Obligation(incident_id=incident.id, key=spec.key, status=status, created_at=now,
                                   updated_at=now, **_values(spec)))
            result.created.append(spec.key)
            continue
        if row.status == ObligationStatus.submitted:
            continue
        values = _values(spec)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if row.status == ObligationStatus.withdrawn:
            result.reopened.append(spec.key)
        elif changed or row.status != status:
            result.updated.append(spec.key)
        else:
            continue
        for k, v in values.items():
            setattr(row, k, v)
        row.status, row.updated_at = status, now
    for row in stored:
        if row.key not in wanted and row.status in (ObligationStatus.pending, ObligationStatus.released):
            row.status, row.updated_at = ObligationStatus.withdrawn, now
            result.withdrawn.append(row.key)
    meta = overrides_row(session, incident.id)
    if meta is None:
        meta = IncidentRegimes(incident_id=incident.id, updated_at=now)
        session.add(meta)
    meta.synced_at = now
    session.flush()
    if result.changed:
        record(session, actor=actor, action="obligations.updated", incident_id=incident.id, entity="obligations",
               entity_id=incident.id, after={k: v for k, v in vars(result).items() if v})
    return result


def obligations_of(session: Session, incident: Incident) -> list[Obligation]:
    """The stored obligations; for an incident never synced (filed before regimes existed), a preview
    evaluated now and not stored."""
    stored = _stored(session, incident.id)
    if stored or overrides_row(session, incident.id) is not None:
        return stored
    now = utcnow()
    return [Obligation(incident_id=incident.id, key=s.key, status=ObligationStatus.released if s.released
                       else ObligationStatus.pending, created_at=now, updated_at=now, **_values(s))
            for s in specs_for(session, incident, stored=[])]


ORDER = {k: i for i, k in enumerate(Kind)}


def to_public(o: Obligation, *, now: datetime | None = None, locale: str = "ja") -> ObligationPublic:
    now = now or utcnow()
    return ObligationPublic(
        id=o.id, key=o.key, regime=o.regime, regime_label=REGIMES.label(o.regime, locale), kind=o.kind,
        kind_label=OBLIGATION_KINDS.label(o.kind, locale), to=o.to, to_label=_to_label(o.to, locale),
        due=o.due_at, limit=o.limit_at, status=o.status, status_label=OBLIGATION_STATUS.label(o.status, locale),
        overdue=o.status == ObligationStatus.pending and o.due_at < now, arose_at=o.arose_at,
        rule_version=o.rule_version, sources=list((o.rule or {}).get("sources") or []), basis=list(o.basis or []),
        joint=o.joint, submitted_at=o.submitted_at, reference=o.reference,
    )


def _to_label(code: str, locale: str) -> str:
    name = get_settings().regimes_accredited_body
    if code == To.accredited_body and name:
        return name
    return ADDRESSEES.label(code, locale)


def sorted_obligations(rows: list[Obligation]) -> list[Obligation]:
    regimes = {r.value: i for i, r in enumerate(Regime)}
    return sorted(rows, key=lambda o: (o.status == ObligationStatus.withdrawn, o.due_at,
                                       regimes.get(o.regime, 99), ORDER.get(o.kind, 99)))


def list_obligations(session: Session, *, actor: User, incident_id: int, locale: str = "ja",
                     include_withdrawn: bool = False) -> list[ObligationPublic]:
    incident = visible_incident(session, actor, incident_id)
    rows = [o for o in obligations_of(session, incident) if include_withdrawn or o.status != ObligationStatus.withdrawn]
    now = utcnow()
    return [to_public(o, now=now, locale=locale) for o in sorted_obligations(rows)]


def public_overrides(session: Session, incident: Incident) -> OverridesPublic:
    row = overrides_row(session, incident.id) or IncidentRegimes(incident_id=incident.id)
    return OverridesPublic(
        incident_id=incident.id, regimes=sorted(r.value for r in regimes_for(row)), add_regimes=row.add_regimes,
        remove_regimes=row.remove_regimes, entrustment=row.entrustment, counterpart=row.counterpart,
        joint_report=row.joint_report, delegated_to=row.delegated_to, customer_data=row.customer_data,
        serious_violation=row.serious_violation, telecom_secrecy=row.telecom_secrecy,
    )


def get_overrides(session: Session, *, actor: User, incident_id: int) -> OverridesPublic:
    return public_overrides(session, visible_incident(session, actor, incident_id))


def _codes(values: list[str]) -> list[str]:
    try:
        return [r.value for r in parse_regimes(",".join(values))]
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def set_overrides(session: Session, *, actor: User, incident_id: int, data: OverridesIn) -> OverridesPublic:
    """Officers only: which regimes apply to this incident is a legal judgement."""
    incident = visible_incident(session, actor, incident_id, for_update=True)
    if not actor.is_officer:
        raise Forbidden("only a privacy officer may change which regimes apply to an incident")
    row = overrides_row(session, incident_id)
    if row is None:
        row = IncidentRegimes(incident_id=incident_id)
        session.add(row)
        session.flush()
    before = public_overrides(session, incident).model_dump(mode="json")
    if data.add_regimes is not None:
        row.add_regimes = _codes(data.add_regimes)
    if data.remove_regimes is not None:
        row.remove_regimes = _codes(data.remove_regimes)
    if set(row.add_regimes) & set(row.remove_regimes):
        raise InvalidInput("a regime cannot be both added and removed")
    for name in ("counterpart", "joint_report", "customer_data", "serious_violation", "telecom_secrecy"):
        value = getattr(data, name)
        if value is not None:
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    if data.entrustment is not None:
        row.entrustment = data.entrustment.value
    if data.delegated_to is not None:
        row.delegated_to = data.delegated_to.value
    elif data.clear_delegated_to:
        row.delegated_to = None
    if row.entrustment != Entrustment.none and not row.counterpart:
        raise InvalidInput("name the other party of the entrustment (委託元 or 委託先)")
    row.updated_at = utcnow()
    session.flush()
    after = public_overrides(session, incident)
    record(session, actor=actor, action="regimes.overridden", incident_id=incident_id, entity="incident_regimes",
           entity_id=incident_id, before=before, after=after.model_dump(mode="json"))
    sync(session, incident=incident, actor=actor)
    return after
