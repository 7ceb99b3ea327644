"""Detection: every detector proposes findings with reasons; nothing is applied here.

`classify(mail, ctx)` runs them all and returns the findings, best first, and the proposal for
the incident's mistake type, data items and number of affected people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..addressbook import Directory
from ..types import DetectionContext, Finding, ParsedMail
from .content import attachments, inappropriate_content
from .recipients import bcc_exposure, distribution_lists, lookalike_domains, wrong_recipients

MISTAKE_TYPES = (
    "wrong_recipient", "bcc_exposure", "wrong_attachment", "lookalike_domain", "distribution_list",
    "inappropriate_content",
)


SUGGEST_AT = 0.4  # weaker findings are shown with their reasons but not proposed as the mistake type


@dataclass(slots=True)
class Classification:
    findings: list[Finding] = field(default_factory=list)
    mistake_type: str | None = None  # the most likely mistake, a proposal
    data_items: list[str] = field(default_factory=list)
    affected_persons: int | None = None
    protection: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggested_mistake_type": self.mistake_type,
            "suggested_data_items": self.data_items,
            "suggested_affected_persons": self.affected_persons,
            "suggested_protection": self.protection,
            "findings": [f.to_dict() for f in self.findings],
        }


def detect(mail: ParsedMail, ctx: DetectionContext | None = None) -> list[Finding]:
    ctx = ctx or DetectionContext()
    d = Directory.build(ctx)
    findings: list[Finding] = []
    hit = bcc_exposure(mail, d, ctx)
    if hit:
        findings.append(hit)
    findings.extend(lookalike_domains(mail, d, ctx))
    hit = distribution_lists(mail, d, ctx)
    if hit:
        findings.append(hit)
    findings.extend(wrong_recipients(mail, d, ctx))
    findings.extend(attachments(mail, d, ctx))
    findings.extend(inappropriate_content(mail, d, ctx))
    findings.sort(key=lambda f: (-f.confidence, f.type))
    return findings


def classify(mail: ParsedMail, ctx: DetectionContext | None = None) -> Classification:
    findings = detect(mail, ctx)
    result = Classification(findings=findings)
    mistakes = [f for f in findings if f.type in MISTAKE_TYPES and f.confidence >= SUGGEST_AT]
    if mistakes:
        result.mistake_type = mistakes[0].type
    items: list[str] = []
    affected = 0
    for f in findings:
        for item in f.data_items:
            if item not in items:
                items.append(item)
        affected = max(affected, int(f.details.get("affected_persons") or 0))
        if f.type == "protection" and result.protection is None:
            result.protection = f.details.get("protection")
    result.data_items = sorted(items)
    result.affected_persons = affected or None
    return result
