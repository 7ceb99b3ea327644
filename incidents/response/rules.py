"""The legal and playbook rules of the response, as data, each with its source.

This is the one place to change when a threshold or a deadline changes (an APPI amendment
was in preparation in 2026). The workflow code (assessment.py, playbook.py) only reads
these tables; durations that an organisation may tune are Settings fields (see
deadlines.ResponseDurations) whose defaults are the figures below.

Sources (wording ours):
- APPI art. 26; enforcement rules art. 7 (grounds), art. 8 (report items and deadlines);
  PPC guidelines (general rules) 3-5-3; PPC Q&A 6-1 (deleted before it was opened = no leak).
- GDPR art. 33 (authority, 72 hours) and art. 34 (data subjects, high risk).
- Reference figures for the exposure estimate: JNSA 2018 survey (modelled average damage per
  person) and Japanese court awards (2009 Tokyo District Court, 2014 customer-database case,
  esthetic-salon case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class Ground(StrEnum):
    """APPI reportability grounds, in the stable order in which they are listed."""

    sensitive_data = "sensitive_data"
    financial_damage = "financial_damage"
    improper_purpose = "improper_purpose"
    over_1000_persons = "over_1000_persons"
    over_100_persons = "over_100_persons"  # public bodies (行政機関等)


class Exemption(StrEnum):
    strong_encryption = "strong_encryption"
    deleted_unread = "deleted_unread"


class Opened(StrEnum):
    """What the wrong recipient declared on the deletion confirmation form."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


@dataclass(frozen=True)
class GroundRule:
    ground: Ground
    source: str
    label_ja: str
    label_en: str


# The stable order of `grounds` in the assessment is the order of this tuple.
APPI_GROUNDS: tuple[GroundRule, ...] = (
    GroundRule(
        Ground.sensitive_data,
        "APPI enforcement rules art. 7(1) (要配慮個人情報, APPI art. 2(3))",
        "要配慮個人情報が含まれる",
        "Special-care-required (sensitive) personal data",
    ),
    GroundRule(
        Ground.financial_damage,
        "APPI enforcement rules art. 7(2)",
        "不正利用により財産的被害が生じるおそれがある",
        "Misuse may cause financial damage",
    ),
    GroundRule(
        Ground.improper_purpose,
        "APPI enforcement rules art. 7(3)",
        "不正の目的をもって行われたおそれがある",
        "May have been done with an improper purpose",
    ),
    GroundRule(
        Ground.over_1000_persons,
        "APPI enforcement rules art. 7(4)",
        "本人の数が1,000人を超える",
        "More than 1,000 people affected",
    ),
)
# Public bodies (行政機関等, APPI art. 68 with rules art. 43): the number-of-people ground is more than 100.
PUBLIC_BODY_PERSONS_GROUND = GroundRule(
    Ground.over_100_persons,
    "APPI art. 68(1); enforcement rules art. 43(4) (行政機関等: 本人の数が100人を超える)",
    "本人の数が100人を超える（行政機関等）",
    "More than 100 people affected (public body)",
)
GROUND_RULES: dict[Ground, GroundRule] = {r.ground: r for r in (*APPI_GROUNDS, PUBLIC_BODY_PERSONS_GROUND)}

# 要配慮個人情報 (APPI art. 2(3), cabinet order art. 2, enforcement rules art. 5).
SENSITIVE_DATA_ITEMS: frozenset[str] = frozenset(
    {
        "medical",
        "health_checkup",
        "disability",
        "genome",
        "criminal_record",
        "criminal_procedure",
        "crime_victim",
        "race",
        "creed",
        "social_status",
    }
)

# Data whose misuse may cause financial damage (enforcement rules art. 7(2); PPC guidelines
# 3-5-3-1): credit-card numbers, and a login ID + password of a service that can send money or
# pay. Design decision: a bank account number on its own (bank, branch, number, holder) is NOT
# listed. The PPC guidelines give credit-card numbers and payment-service credentials as the
# examples; an account number alone cannot move money. A leak of an account number together
# with its online-banking credentials is recorded as `payment_credentials`.
FINANCIAL_DATA_ITEMS: frozenset[str] = frozenset({"credit_card", "payment_credentials"})

# Items that are not personal data at all (business secrets). Everything else counts as
# personal information, including an email address from which a person can be identified.
NON_PERSONAL_DATA_ITEMS: frozenset[str] = frozenset(
    {"confidential_business", "business_confidential", "trade_secret", "none"}
)

# "More than 1,000": 1,000 exactly is not enough.
OVER_PERSONS_THRESHOLD = 1000
OVER_PERSONS_SOURCE = "APPI enforcement rules art. 7(4): 1,000人を超える (1,000 exactly is not enough)"
PUBLIC_BODY_PERSONS_THRESHOLD = 100  # rules art. 43(4): 100 exactly is not enough

# Protection values: only strong encryption with the key kept safe exempts. A password ZIP
# never does (the password usually follows to the same wrong address).
EXEMPTING_PROTECTIONS: frozenset[str] = frozenset({"strong_encryption"})
STRONG_ENCRYPTION_SOURCE = (
    "APPI enforcement rules art. 7(1) parenthesis; PPC guidelines 3-5-3-1: 高度な暗号化その他の"
    "個人の権利利益を保護するために必要な措置 (CRYPTREC cipher, key not leaked)"
)
DELETED_UNREAD_SOURCE = (
    "PPC Q&A 6-1: every wrong recipient deleted the mail without opening it = no leak"
)


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    default: timedelta
    source: str


# Defaults of the configurable durations (Settings fields override them).
DEADLINES: dict[str, DeadlineRule] = {
    rule.name: rule
    for rule in (
        DeadlineRule(
            "preliminary_report_target",
            timedelta(days=3),
            "APPI enforcement rules art. 8(1) 速報 'promptly'; PPC guidelines: about 3-5 days",
        ),
        DeadlineRule(
            "preliminary_report_limit",
            timedelta(days=5),
            "PPC guidelines 3-5-3-3: 速報 within about 3-5 days of knowing",
        ),
        DeadlineRule(
            "final_report",
            timedelta(days=30),
            "APPI enforcement rules art. 8(2): 確報 within 30 days",
        ),
        DeadlineRule(
            "final_report_improper_purpose",
            timedelta(days=60),
            "APPI enforcement rules art. 8(2): 60 days for improper purpose",
        ),
        DeadlineRule(
            "gdpr_authority",
            timedelta(hours=72),
            "GDPR art. 33(1): where feasible within 72 hours of becoming aware",
        ),
    )
}


# --- exposure estimate -------------------------------------------------------------------
@dataclass(frozen=True)
class ExposureTier:
    """Per-person yen range for one kind of leaked data, from court awards and the JNSA 2018 survey."""

    name: str
    low_per_person: int
    high_per_person: int
    basis_en: str
    basis_ja: str


EXPOSURE_TIERS: dict[str, ExposureTier] = {
    t.name: t
    for t in (
        ExposureTier(
            "sensitive",
            30_000,
            35_000,
            "¥30,000–35,000 per person: court award for sensitive data (esthetic-salon case)",
            "1人あたり3万〜3万5千円：要配慮情報の漏えいに対する判決例（エステティックサロン事件）",
        ),
        ExposureTier(
            "financial",
            3_300,
            29_768,
            "¥3,300 (2014 customer-database award) to ¥29,768 per person "
            "(JNSA 2018 modelled average damage)",
            "1人あたり3,300円（2014年の顧客情報漏えい判決）〜29,768円（JNSA 2018 想定損害賠償額の平均）",
        ),
        ExposureTier(
            "contact",
            500,
            15_000,
            "¥500 per person (common voluntary gesture) to ¥15,000 "
            "(court awards of ¥5,000–15,000 for basic contact data)",
            "1人あたり500円（一般的なお詫びの金券）〜1万5千円（基本的な連絡先情報の判決例5千〜1万5千円）",
        ),
        ExposureTier(
            "email_only",
            0,
            500,
            "¥0 (a claim for a Cc leak of addresses alone was dismissed, Tokyo District Court "
            "2009) to ¥500 per person (common voluntary gesture)",
            "0円（アドレスのみのCc漏えいの請求は棄却：東京地裁2009年）〜1人あたり500円（一般的なお詫びの金券）",
        ),
    )
}
EMAIL_ONLY_ITEMS: frozenset[str] = frozenset({"email_address", "email", "name"})
EXPOSURE_DISCLAIMER_EN = (
    "Reference figures from Japanese court awards and the JNSA 2018 survey; a range for planning, never legal advice."
)
EXPOSURE_DISCLAIMER_JA = "国内の判決例とJNSA 2018年調査の参考値に基づく目安であり、法的助言ではありません。"
