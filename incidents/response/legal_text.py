"""The legal assessment in words, for the incident page: every reporting ground of the APPI that was checked,
whether it holds and why (or why not), with its citation in the reader's language (個人情報保護法第26条第1項,
施行規則第7条第1号 …), and the conclusion. Reads the assessment (assessment.py); decides nothing itself."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.i18n import N_, translate
from incidents.response.assessment import Assessment
from incidents.response.facts import IncidentFacts
from incidents.response.rules import (
    OVER_PERSONS_THRESHOLD,
    PUBLIC_BODY_PERSONS_THRESHOLD,
    Exemption,
    Ground,
)

DUTY = N_("APPI art. 26(1); APPI Enforcement Rules art. 7")
PUBLIC_DUTY = N_("APPI art. 68(1); APPI Enforcement Rules art. 43")

# (ground, what it is, its citation) in the order the rules list them.
GROUNDS = (
    (Ground.sensitive_data, N_("Special-care-required personal data (e.g. medical history, health check results)"),
     N_("APPI Enforcement Rules art. 7(i)")),
    (Ground.financial_damage, N_("Data whose misuse may cause financial damage (card numbers, payment credentials)"),
     N_("APPI Enforcement Rules art. 7(ii)")),
    (Ground.improper_purpose, N_("A leak that may have been caused with an improper purpose"),
     N_("APPI Enforcement Rules art. 7(iii)")),
    (Ground.over_1000_persons, N_("More than %(num)s people affected"), N_("APPI Enforcement Rules art. 7(iv)")),
)
PUBLIC_PERSONS = (N_("More than %(num)s people affected (public body)"), N_("APPI Enforcement Rules art. 43(iv)"))

HOLDS = {
    Ground.sensitive_data: N_("The mail held special-care-required personal data."),
    Ground.financial_damage: N_("The mail held data that can be used to move or spend money."),
    Ground.improper_purpose: N_("An improper purpose is suspected."),
    Ground.over_1000_persons: N_("%(persons)s people are affected."),
}
NOT_HOLDS = {
    Ground.sensitive_data: N_("None of the data items recorded is special-care-required personal data."),
    Ground.financial_damage: N_("No card number or payment credential is recorded."),
    Ground.improper_purpose: N_("No improper purpose is suspected: the mail was sent by mistake."),
    Ground.over_1000_persons: N_("%(persons)s people are affected: not more than %(num)s."),
}
EXEMPTIONS = {
    Exemption.deleted_unread: (
        N_("Every wrong recipient confirmed deleting the mail without opening it: the data did not leak."),
        N_("PPC Guidelines (General Rules) 3-5-1-1")),
    Exemption.strong_encryption: (
        N_("The data was strongly encrypted and the key did not leak."),
        N_("APPI Enforcement Rules art. 7(i), parenthesis; PPC Guidelines (General Rules) 3-5-3-1")),
}


@dataclass(frozen=True)
class Check:
    name: str
    citation: str
    holds: bool
    why: str


@dataclass(frozen=True)
class LegalText:
    conclusion: str
    duty: str  # the duty's citation
    checks: tuple[Check, ...]
    exemption: str
    exemption_citation: str


def explain(assessment: Assessment, facts: IncidentFacts, locale: str) -> LegalText:
    appi = assessment.appi
    public = facts.public_body
    threshold = PUBLIC_BODY_PERSONS_THRESHOLD if public else OVER_PERSONS_THRESHOLD
    num, persons = f"{threshold:,}", f"{facts.affected_persons:,}"
    checks = []
    for ground, name, citation in GROUNDS:
        if ground is Ground.over_1000_persons and public:
            name, citation = PUBLIC_PERSONS
        holds = ground in appi.grounds or (ground is Ground.over_1000_persons and Ground.over_100_persons in appi.grounds)
        why = translate((HOLDS if holds else NOT_HOLDS)[ground], locale, num=num, persons=persons)
        checks.append(Check(translate(name, locale, num=num), translate(citation, locale), holds, why))
    if not appi.leak and appi.exemption is None:
        conclusion = N_("No personal data leaked, so there is nothing to report to the Personal Information "
                        "Protection Commission.")
    elif appi.reportable:
        conclusion = N_("Reportable to the Personal Information Protection Commission, and the people affected "
                        "must be notified: a reporting ground below holds.")
    elif appi.exemption is not None:
        conclusion = N_("Not reportable to the Personal Information Protection Commission: the exemption below "
                        "applies.")
    else:
        conclusion = N_("Not reportable to the Personal Information Protection Commission: all four reporting "
                        "grounds were checked and none holds. Keep the record and the measures against a "
                        "recurrence.")
    ex_text, ex_cite = EXEMPTIONS.get(appi.exemption, ("", "")) if appi.exemption else ("", "")
    return LegalText(
        conclusion=translate(conclusion, locale),
        duty=translate(PUBLIC_DUTY if public else DUTY, locale),
        checks=tuple(checks),
        exemption=translate(ex_text, locale) if ex_text else "",
        exemption_citation=translate(ex_cite, locale) if ex_cite else "",
    )
