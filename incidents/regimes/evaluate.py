"""From facts to obligations (pure): which duties an incident gives rise to under each regime in force.

    evaluate(facts, context, durations=None, catalogue=CATALOGUE) -> list[ObligationSpec]

Each spec names its regime, kind (速報, 確報, notice, publication, batch, report, principal), whom it goes to,
when it is due, the rule version it follows (the version in force when the organisation knew: the
discovery time) and the grounds it rests on. Thresholds and deadlines come from catalogue.py; the APPI
durations an organisation tuned (Settings `response_due_*`) win over the catalogue's defaults.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from incidents.regimes.catalogue import (
    CATALOGUE,
    JST,
    Catalogue,
    Entrustment,
    Kind,
    Regime,
    RuleVersion,
    To,
)
from incidents.response.assessment import deleted_unread, grounds_for, has_personal_data, strongly_encrypted
from incidents.response.deadlines import ResponseDurations
from incidents.response.playbook_rules import DEFAULT_DURATIONS
from incidents.response.facts import IncidentFacts
from incidents.response.rules import FINANCIAL_DATA_ITEMS, Ground

HIGH_RISK = {Ground.sensitive_data, Ground.financial_damage, Ground.improper_purpose}


@dataclass(frozen=True)
class RegimeContext:
    """What the organisation's profile and the incident's overrides say about the regimes."""

    regimes: frozenset[Regime] = frozenset({Regime.appi, Regime.gdpr})
    public_body: bool = False
    entrustment: Entrustment = Entrustment.none
    counterpart: str = ""  # the other party's name (委託元 or 委託先)
    joint_report: bool = False  # 委託元 and 委託先 report together (連名)
    principal_notified: bool = False  # the 委託先 has told the 委託元 (it is then released)
    delegated_to: To | None = None  # an industry whose PPC authority is delegated (権限委任業種)
    customer_data: bool | None = None  # FSA: individual customers' data (None = assumed when personal data)
    serious_violation: bool = False  # P-mark: a serious violation of the rules (速報)
    telecom_secrecy: bool = False  # MIC: the secrecy of communications was breached
    fsa_batch: bool = False  # the association accepts minor misdeliveries in a quarterly batch


@dataclass(frozen=True)
class ObligationSpec:
    key: str  # unique within the incident: "<regime>:<kind>"
    regime: Regime
    kind: Kind
    to: To
    due_at: datetime
    limit_at: datetime | None
    arose_at: datetime
    rule: RuleVersion
    basis: tuple[str, ...] = ()  # grounds / reasons, codes
    released: bool = False  # entrustment: the 委託先 told the 委託元 and is released
    joint: bool = False
    duration: str = ""  # which deadline figure of the rule gave due_at (kept with the obligation)
    limit_duration: str = ""

    def with_due(self, due_at: datetime, limit_at: datetime | None = None) -> "ObligationSpec":
        return replace(self, due_at=due_at, limit_at=limit_at)


@dataclass
class _Builder:
    facts: IncidentFacts
    ctx: RegimeContext
    durations: ResponseDurations
    catalogue: Catalogue
    out: list[ObligationSpec] = field(default_factory=list)

    @property
    def t0(self) -> datetime:
        return self.facts.discovered_at

    def rule(self, regime: Regime, variant: str = "") -> RuleVersion:
        return self.catalogue.in_force(regime, self.t0, variant)

    def add(self, rule: RuleVersion, kind: Kind, to: To, due_name: str, *, limit_name: str = "",
            basis: tuple[str, ...] = (), due_at: datetime | None = None, **extra: Any) -> None:
        due = due_at if due_at is not None else self.t0 + self.figure(rule, due_name)
        limit = self.t0 + self.figure(rule, limit_name) if limit_name else None
        self.out.append(ObligationSpec(
            key=f"{rule.regime.value}:{kind.value}", regime=rule.regime, kind=kind, to=to, due_at=due,
            limit_at=limit, arose_at=self.t0, rule=rule, basis=tuple(str(b) for b in basis),
            duration=due_name, limit_duration=limit_name, **extra,
        ))

    def figure(self, rule: RuleVersion, name: str) -> timedelta:
        return figure(rule, name, self.durations)


# The organisation's tuned APPI durations (Settings) override the catalogue's defaults.
_SETTING_OF = {
    "preliminary_target": "preliminary_report_target",
    "preliminary_limit": "preliminary_report_limit",
    "final": "final_report",
    "final_improper_purpose": "final_report_improper_purpose",
    "notice": "notify_individuals",
}


def _tuned(durations: ResponseDurations | None, name: str | None) -> timedelta | None:
    """A duration the organisation set itself (differs from the shipped default), else None."""
    if durations is None or name is None:
        return None
    value = durations.durations.get(name)
    return value if value is not None and value != DEFAULT_DURATIONS.get(name) else None


def figure(rule: RuleVersion, name: str, durations: ResponseDurations | None = None) -> timedelta:
    """A deadline figure of a rule (timedelta). A duration the organisation tuned in its Settings wins over
    the rule's default (APPI, My Number, GDPR); otherwise the rule version's own figure applies."""
    tuned = None
    if rule.regime in (Regime.appi, Regime.mynumber):
        tuned = _tuned(durations, _SETTING_OF.get(name))
    elif rule.regime is Regime.gdpr:
        tuned = _tuned(durations, {"authority": "gdpr_authority", "notice": "gdpr_individuals"}.get(name))
    if tuned is not None:
        return tuned
    value = rule.params[name]
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def evaluate(facts: IncidentFacts, ctx: RegimeContext, durations: ResponseDurations | None = None,
             catalogue: Catalogue = CATALOGUE) -> list[ObligationSpec]:
    b = _Builder(facts, ctx, durations or ResponseDurations(), catalogue)
    personal = has_personal_data(facts)
    if not personal:
        return []
    leak = not deleted_unread(facts)  # PPC Q&A 6-1: deleted before anyone opened it = no leak
    if Regime.appi in ctx.regimes and leak:
        _appi(b)
    if "my_number" in facts.data_items and leak:
        _mynumber(b)
    if Regime.gdpr in ctx.regimes and "eu" in facts.jurisdictions and leak:
        _gdpr(b)
    if Regime.pmark in ctx.regimes:
        _pmark(b)  # every accident, suspected and encrypted ones too
    if Regime.fsa in ctx.regimes and leak and ctx.customer_data is not False:
        _fsa(b)
    if Regime.meti in ctx.regimes and leak and set(facts.data_items) & FINANCIAL_DATA_ITEMS:
        _meti(b)
    if Regime.mic in ctx.regimes and leak and ctx.telecom_secrecy:
        _mic(b)
    if Regime.accredited in ctx.regimes and leak:
        b.add(b.rule(Regime.accredited), Kind.report, To.accredited_body, "report", basis=("personal_data_leak",))
    if Regime.local_gov in ctx.regimes and leak:
        _local_gov(b)
    return b.out


def appi_addressee(ctx: RegimeContext) -> To:
    """Routing question 3 of the PPC form: an industry whose authority is delegated reports to that ministry."""
    if ctx.delegated_to is not None:
        return ctx.delegated_to
    if Regime.fsa in ctx.regimes:
        return To.fsa
    if Regime.mic in ctx.regimes:
        return To.mic
    return To.ppc


def _appi(b: _Builder) -> None:
    variant = "public" if b.ctx.public_body else "private"
    rule = b.rule(Regime.appi, variant)
    grounds = grounds_for(b.facts, persons_over=int(rule.params["persons_over"]))
    if not grounds or strongly_encrypted(b.facts):
        return
    to = appi_addressee(b.ctx)
    contractor = b.ctx.entrustment is Entrustment.contractor
    joint = b.ctx.entrustment is not Entrustment.none and b.ctx.joint_report
    released = contractor and b.ctx.principal_notified and not joint
    final = "final_improper_purpose" if Ground.improper_purpose in grounds else "final"
    if contractor and not joint:
        # PPC guidelines 3-5-3-5: the 委託先 that promptly tells the 委託元 is released from reporting.
        b.add(rule, Kind.principal, To.principal, "preliminary_target", limit_name="preliminary_limit", basis=grounds)
    b.add(rule, Kind.preliminary, to, "preliminary_target", limit_name="preliminary_limit", basis=grounds,
          released=released, joint=joint)
    b.add(rule, Kind.final, to, final, basis=grounds, released=released, joint=joint)
    b.add(rule, Kind.notice, To.individuals, "notice", basis=grounds, released=released)


def _mynumber(b: _Builder) -> None:
    rule = b.rule(Regime.mynumber)
    basis = []
    if b.facts.improper_purpose:
        basis.append(Ground.improper_purpose)
    if b.facts.affected_persons > int(rule.params["persons_over"]):
        basis.append("over_100_persons")
    if not basis:
        return
    final = "final_improper_purpose" if b.facts.improper_purpose else "final"
    b.add(rule, Kind.preliminary, To.ppc, "preliminary_target", limit_name="preliminary_limit", basis=tuple(basis))
    b.add(rule, Kind.final, To.ppc, final, basis=tuple(basis))


def _gdpr(b: _Builder) -> None:
    rule = b.rule(Regime.gdpr)
    grounds = set(grounds_for(b.facts))
    b.add(rule, Kind.report, To.supervisory_authority, "authority", basis=("personal_data_breach",))
    if grounds & HIGH_RISK and not strongly_encrypted(b.facts):
        b.add(rule, Kind.notice, To.individuals, "notice", basis=tuple(sorted(grounds & HIGH_RISK)))


def _pmark(b: _Builder) -> None:
    rule = b.rule(Regime.pmark)
    grounds = [g for g in grounds_for(b.facts, persons_over=int(rule.params["persons_over"]))
               if g is not Ground.over_100_persons]
    severe = list(grounds) + (["serious_violation"] if b.ctx.serious_violation else [])
    if severe:
        b.add(rule, Kind.preliminary, To.jipdec, "preliminary_target", limit_name="preliminary_limit",
              basis=tuple(severe))
    final = "final_improper_purpose" if b.facts.improper_purpose else "final"
    b.add(rule, Kind.final, To.jipdec, final, basis=tuple(severe) or ("personal_information_accident",))


def quarter_end(at: datetime) -> datetime:
    """The last moment of the calendar quarter (Japan time) containing `at`."""
    local = at.astimezone(JST)
    month = ((local.month - 1) // 3 + 1) * 3
    last = calendar.monthrange(local.year, month)[1]
    return datetime(local.year, month, last, 23, 59, 59, tzinfo=JST)


def half_year_end(at: datetime) -> datetime:
    """The last moment of the fiscal half-year (April–September, October–March) containing `at`."""
    local = at.astimezone(JST)
    if 4 <= local.month <= 9:
        return datetime(local.year, 9, 30, 23, 59, 59, tzinfo=JST)
    year = local.year + 1 if local.month >= 10 else local.year
    return datetime(year, 3, 31, 23, 59, 59, tzinfo=JST)


def _fsa(b: _Builder) -> None:
    rule = b.rule(Regime.fsa)
    appi_grounds = grounds_for(b.facts)
    if Regime.appi in b.ctx.regimes and appi_grounds and not strongly_encrypted(b.facts) \
            and appi_addressee(b.ctx) is To.fsa:
        return  # the APPI report goes to the FSA itself (delegated): one report, not two
    if b.ctx.fsa_batch and not appi_grounds:
        due = quarter_end(b.t0) + b.figure(rule, "batch_due_after_quarter")
        b.add(rule, Kind.batch, To.association, "batch_due_after_quarter", due_at=due, basis=("customer_data_leak",))
        return
    b.add(rule, Kind.preliminary, To.fsa, "preliminary_target", limit_name="preliminary_limit",
          basis=("customer_data_leak",))
    b.add(rule, Kind.final, To.fsa, "final", basis=("customer_data_leak",))


def _meti(b: _Builder) -> None:
    rule = b.rule(Regime.meti)
    final = "final_improper_purpose" if b.facts.improper_purpose else "final"
    b.add(rule, Kind.preliminary, To.meti, "preliminary_target", limit_name="preliminary_limit",
          basis=("credit_card_numbers",))
    b.add(rule, Kind.final, To.meti, final, basis=("credit_card_numbers",))


def _mic(b: _Builder) -> None:
    rule = b.rule(Regime.mic)
    b.add(rule, Kind.preliminary, To.mic, "preliminary_target", limit_name="preliminary_limit",
          basis=("secrecy_of_communications",))
    b.add(rule, Kind.final, To.mic, "final", basis=("secrecy_of_communications",))


def _local_gov(b: _Builder) -> None:
    rule = b.rule(Regime.local_gov)
    public = b.catalogue.in_force(Regime.appi, b.t0, "public")
    grounds = grounds_for(replace(b.facts, public_body=True), persons_over=int(public.params["persons_over"]))
    if grounds:
        b.add(rule, Kind.publication, To.public, "individual_publication", basis=tuple(grounds))
        return
    due = half_year_end(b.t0) + b.figure(rule, "list_due_after_half")
    b.add(rule, Kind.publication, To.public, "list_due_after_half", due_at=due, basis=("half_yearly_list",))
