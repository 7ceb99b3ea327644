"""The legal assessment: a pure function from facts to the assessment's JSON contract.

    assess(facts, durations) -> Assessment
    Assessment.model_dump(mode="json") ==
    {"appi": {"leak", "reportable", "grounds", "exemption", "preliminary_report_due",
              "preliminary_report_limit", "final_report_due", "notify_individuals", ...},
     "gdpr": {"applicable", "authority_notification_due", "notify_individuals", ...},
     "exposure_estimate_jpy": {"low", "high", "basis", ...}}

Only rules.py holds thresholds and item lists; this module applies them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from incidents.regimes.public import ObligationPublic
from incidents.response.deadlines import ResponseDurations
from incidents.response.facts import IncidentFacts
from incidents.response.rules import (
    APPI_GROUNDS,
    DELETED_UNREAD_SOURCE,
    EMAIL_ONLY_ITEMS,
    EXEMPTING_PROTECTIONS,
    EXPOSURE_DISCLAIMER_EN,
    EXPOSURE_DISCLAIMER_JA,
    EXPOSURE_TIERS,
    FINANCIAL_DATA_ITEMS,
    GROUND_RULES,
    NON_PERSONAL_DATA_ITEMS,
    OVER_PERSONS_THRESHOLD,
    PUBLIC_BODY_PERSONS_THRESHOLD,
    SENSITIVE_DATA_ITEMS,
    STRONG_ENCRYPTION_SOURCE,
    Exemption,
    Ground,
    Opened,
)


class GroundDetail(BaseModel):
    ground: Ground
    rule: str
    label_ja: str
    label_en: str


class AppiAssessment(BaseModel):
    leak: bool
    reportable: bool
    grounds: list[Ground]
    exemption: Exemption | None
    preliminary_report_due: datetime | None
    preliminary_report_limit: datetime | None = Field(
        description="The hard limit of the preliminary report (5 days); the *_due is the 3-day target."
    )
    final_report_due: datetime | None
    notify_individuals: bool
    exemption_rule: str | None = None
    ground_details: list[GroundDetail] = []


class GdprAssessment(BaseModel):
    applicable: bool
    authority_notification_due: datetime | None
    notify_individuals: bool
    rule: str = "GDPR art. 33 (72 hours), art. 34 (high risk to the people concerned)"


class ExposureEstimate(BaseModel):
    low: int
    high: int
    basis: str
    basis_ja: str
    persons: int
    tier: str | None


class Assessment(BaseModel):
    appi: AppiAssessment
    gdpr: GdprAssessment
    exposure_estimate_jpy: ExposureEstimate


class AssessmentWithObligations(Assessment):
    """What the API and `assess --json` return: the assessment and the incident's stored obligations."""

    obligations: list[ObligationPublic] = Field(
        default_factory=list,
        description="Every duty under the regimes in force (regime, kind, due, status, to), with its rule version.",
    )


def has_personal_data(facts: IncidentFacts) -> bool:
    if facts.affected_persons > 0:
        return True
    return any(item not in NON_PERSONAL_DATA_ITEMS for item in facts.data_items)


def persons_threshold(facts: IncidentFacts) -> int:
    return PUBLIC_BODY_PERSONS_THRESHOLD if facts.public_body else OVER_PERSONS_THRESHOLD


def grounds_for(facts: IncidentFacts, persons_over: int | None = None) -> list[Ground]:
    """Every ground that holds, in the stable order of rules.APPI_GROUNDS.

    The number-of-people ground is "more than 1,000" for a business and "more than 100" for a public body
    (over_100_persons); `persons_over` lets a versioned rule (regimes/catalogue.py) give its own figure."""
    items = set(facts.data_items)
    public = facts.public_body
    threshold = persons_threshold(facts) if persons_over is None else persons_over
    holds = {
        Ground.sensitive_data: bool(items & SENSITIVE_DATA_ITEMS),
        Ground.financial_damage: bool(items & FINANCIAL_DATA_ITEMS),
        Ground.improper_purpose: facts.improper_purpose,
        Ground.over_1000_persons: not public and facts.affected_persons > threshold,
    }
    out = [rule.ground for rule in APPI_GROUNDS if holds[rule.ground]]
    if public and facts.affected_persons > threshold:
        out.append(Ground.over_100_persons)
    return out


def deleted_unread(facts: IncidentFacts) -> bool:
    """Every unintended recipient confirmed the deletion and declared opened == no.

    One unconfirmed recipient, or one 'yes' / 'unknown', and it is still a possible leak.
    No unintended recipient at all: nothing was confirmed, so no exemption.
    """
    wrong = facts.unintended
    return bool(wrong) and all(r.deletion_confirmed and r.opened == Opened.no for r in wrong)


def strongly_encrypted(facts: IncidentFacts) -> bool:
    return facts.protection in EXEMPTING_PROTECTIONS and not facts.key_exposed


def exemption_for(facts: IncidentFacts) -> Exemption | None:
    # Deleted unread first: it means no leak at all, the stronger conclusion.
    if deleted_unread(facts):
        return Exemption.deleted_unread
    if strongly_encrypted(facts):
        return Exemption.strong_encryption
    return None


def assess(facts: IncidentFacts, durations: ResponseDurations | None = None) -> Assessment:
    durations = durations or ResponseDurations()
    personal = has_personal_data(facts)
    grounds = grounds_for(facts) if personal else []
    exemption = exemption_for(facts) if personal else None
    leak = personal and exemption is not Exemption.deleted_unread
    reportable = leak and bool(grounds) and exemption is None
    t0 = facts.discovered_at
    final = durations["final_report_improper_purpose" if Ground.improper_purpose in grounds else "final_report"]
    appi = AppiAssessment(
        leak=leak,
        reportable=reportable,
        grounds=grounds,
        exemption=exemption,
        preliminary_report_due=t0 + durations["preliminary_report_target"] if reportable else None,
        preliminary_report_limit=t0 + durations["preliminary_report_limit"] if reportable else None,
        final_report_due=t0 + final if reportable else None,
        notify_individuals=reportable,
        exemption_rule={
            Exemption.deleted_unread: DELETED_UNREAD_SOURCE,
            Exemption.strong_encryption: STRONG_ENCRYPTION_SOURCE,
        }.get(exemption) if exemption else None,
        ground_details=[
            GroundDetail(
                ground=g,
                rule=GROUND_RULES[g].source,
                label_ja=GROUND_RULES[g].label_ja,
                label_en=GROUND_RULES[g].label_en,
            )
            for g in grounds
        ],
    )
    return Assessment(appi=appi, gdpr=_gdpr(facts, personal, grounds, durations), exposure_estimate_jpy=_exposure(facts, personal, grounds, exemption))


def _gdpr(facts: IncidentFacts, personal: bool, grounds: list[Ground], durations: ResponseDurations) -> GdprAssessment:
    """Art. 33: every personal-data breach goes to the authority within 72 hours unless it is
    unlikely to result in a risk; that judgement stays with the officer, so the deadline is
    always shown (design decision). Art. 34: high risk (sensitive or financial data, or an
    improper purpose), unless the data was unintelligible (strong encryption, key safe)."""
    applicable = "eu" in facts.jurisdictions
    breach = applicable and personal and not deleted_unread(facts)
    high_risk = bool(
        {Ground.sensitive_data, Ground.financial_damage, Ground.improper_purpose} & set(grounds)
    )
    return GdprAssessment(
        applicable=applicable,
        authority_notification_due=facts.discovered_at + durations["gdpr_authority"] if breach else None,
        notify_individuals=breach and high_risk and not strongly_encrypted(facts),
    )


def _exposure(facts: IncidentFacts, personal: bool, grounds: list[Ground], exemption: Exemption | None) -> ExposureEstimate:
    persons = facts.affected_persons
    if not personal or exemption is not None or persons <= 0:
        why_en = "no personal data" if not personal else (
            f"exempt ({exemption.value})" if exemption else "number of people unknown (0)")
        why_ja = "個人データなし" if not personal else (
            f"報告対象外（{exemption.value}）" if exemption else "人数不明（0人）")
        return ExposureEstimate(
            low=0, high=0, persons=persons, tier=None,
            basis=f"¥0: {why_en}. {EXPOSURE_DISCLAIMER_EN}",
            basis_ja=f"0円：{why_ja}。{EXPOSURE_DISCLAIMER_JA}",
        )
    items = set(facts.data_items)
    if Ground.sensitive_data in grounds:
        tier = EXPOSURE_TIERS["sensitive"]
    elif Ground.financial_damage in grounds:
        tier = EXPOSURE_TIERS["financial"]
    elif items and items <= EMAIL_ONLY_ITEMS:
        tier = EXPOSURE_TIERS["email_only"]
    else:
        tier = EXPOSURE_TIERS["contact"]
    return ExposureEstimate(
        low=tier.low_per_person * persons,
        high=tier.high_per_person * persons,
        persons=persons,
        tier=tier.name,
        basis=f"{persons:,} persons × {tier.basis_en}. {EXPOSURE_DISCLAIMER_EN}",
        basis_ja=f"{persons:,}人 × {tier.basis_ja}。{EXPOSURE_DISCLAIMER_JA}",
    )
