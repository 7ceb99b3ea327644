"""Playbook generation and reconciliation (pure).

    generate(facts, durations) -> list[StepSpec]      # what the incident needs now
    reconcile(existing, specs) -> Reconciliation       # how to bring stored steps up to date

Which steps exist, who does them and by when is data (playbook_rules.STEP_RULES); this
module evaluates the conditions against the facts and the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Mapping

from incidents.response.assessment import Assessment, assess
from incidents.response.deadlines import ResponseDurations
from incidents.response.facts import IncidentFacts, RecipientFacts
from incidents.response.playbook_rules import (
    ALWAYS,
    APPI_REPORTABLE,
    GDPR_AUTHORITY,
    GDPR_INDIVIDUALS,
    MANY_PERSONS,
    STEP_RULES,
    StepRule,
)
from incidents.response.rules import Ground

PENDING = "pending"
DONE = "done"
WAIVED = "waived"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class StepSpec:
    key: str  # unique within the incident: "decision", "deletion:a@b.example", ...
    kind: str  # the rule key: "decision", "deletion", ...
    role: str
    due_at: datetime | None
    position: int  # display order
    required: bool
    gated: bool
    source: str
    recipient: str | None = None  # lower-cased address for per-recipient steps


Condition = Callable[[IncidentFacts, Assessment, ResponseDurations], bool]

CONDITIONS: dict[str, Condition] = {
    ALWAYS: lambda f, a, d: True,
    APPI_REPORTABLE: lambda f, a, d: a.appi.reportable,
    GDPR_AUTHORITY: lambda f, a, d: a.gdpr.authority_notification_due is not None,
    GDPR_INDIVIDUALS: lambda f, a, d: a.gdpr.notify_individuals,
    MANY_PERSONS: lambda f, a, d: f.affected_persons > d.public_announcement_threshold,
}


def step_key(kind: str, recipient: str | None = None) -> str:
    return f"{kind}:{recipient.strip().lower()}" if recipient else kind


def _due(rule: StepRule, facts: IncidentFacts, assessment: Assessment, durations: ResponseDurations) -> datetime | None:
    if rule.due is None:
        return None
    if rule.key == "final_report" and Ground.improper_purpose in assessment.appi.grounds:
        return facts.discovered_at + durations["final_report_improper_purpose"]
    return facts.discovered_at + durations[rule.due]


def _recipients_for(rule: StepRule, facts: IncidentFacts) -> Iterable[RecipientFacts]:
    if rule.per_recipient == "unintended":
        return facts.unintended
    return facts.recipients


def generate(
    facts: IncidentFacts,
    durations: ResponseDurations | None = None,
    assessment: Assessment | None = None,
) -> list[StepSpec]:
    """Every step the incident needs given its facts, in display order."""
    durations = durations or ResponseDurations()
    assessment = assessment or assess(facts, durations)
    specs: list[StepSpec] = []
    for position, rule in enumerate(STEP_RULES):
        if not CONDITIONS[rule.when](facts, assessment, durations):
            continue
        due = _due(rule, facts, assessment, durations)
        common = dict(
            kind=rule.key, role=rule.role, due_at=due, position=position * 1_000_000,
            required=rule.required, gated=rule.gated, source=rule.source,
        )
        if rule.per_recipient is None:
            specs.append(StepSpec(key=rule.key, **common))
            continue
        seen: set[str] = set()
        for i, recipient in enumerate(_recipients_for(rule, facts)):
            if recipient.key in seen:
                continue
            seen.add(recipient.key)
            specs.append(
                StepSpec(
                    key=step_key(rule.key, recipient.key),
                    recipient=recipient.key,
                    **{**common, "position": position * 1_000_000 + i + 1},
                )
            )
    return specs


@dataclass(frozen=True)
class ExistingStep:
    """The part of a stored step that reconciliation needs."""

    key: str
    status: str
    due_at: datetime | None
    manual_due: bool = False  # a due time someone set by hand is kept


@dataclass
class Reconciliation:
    create: list[StepSpec] = field(default_factory=list)
    update_due: list[tuple[str, datetime | None]] = field(default_factory=list)
    reopen: list[StepSpec] = field(default_factory=list)  # not_applicable → pending again
    retire: list[str] = field(default_factory=list)  # pending → not_applicable

    @property
    def changed(self) -> bool:
        return bool(self.create or self.update_due or self.reopen or self.retire)


def reconcile(existing: Mapping[str, ExistingStep], specs: Iterable[StepSpec]) -> Reconciliation:
    """Bring stored steps in line with freshly generated specs.

    Done and waived steps are history and never touched. A pending step that no longer
    applies becomes not_applicable (so its reminders stop); one that applies again reopens.
    """
    plan = Reconciliation()
    wanted: dict[str, StepSpec] = {}
    for spec in specs:
        wanted[spec.key] = spec
        step = existing.get(spec.key)
        if step is None:
            plan.create.append(spec)
        elif step.status == NOT_APPLICABLE:
            plan.reopen.append(spec)
        elif step.status == PENDING and not step.manual_due and step.due_at != spec.due_at:
            plan.update_due.append((spec.key, spec.due_at))
    for key, step in existing.items():
        if key not in wanted and step.status == PENDING:
            plan.retire.append(key)
    return plan


def closable(steps: Iterable[tuple[str, str, bool, str | None]]) -> list[str]:
    """Keys of required steps that block closing: (key, status, required, waive_reason).

    An incident closes only when every required step is done, not applicable, or waived
    with a reason.
    """
    blocking = []
    for key, status, required, reason in steps:
        if not required or status in (DONE, NOT_APPLICABLE):
            continue
        if status == WAIVED and (reason or "").strip():
            continue
        blocking.append(key)
    return blocking
