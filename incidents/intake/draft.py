"""Map a parsed mail and its classification onto the incident JSON contract (`incidents.cases.schemas.IncidentCreate`).

The draft holds facts read from the mail. The detectors' proposals stay apart (`findings`,
`suggested_*`) until the user accepts them: `apply_suggestions` is the one place they are applied.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any

from incidents.validation import check_address

from .addressbook import Directory
from .detect import Classification
from .domains import registrable_domain
from .types import DetectionContext, ParsedMail
from .textbody import draft_summary

TITLE_MAX = 200


def build_draft(
    mail: ParsedMail,
    classification: Classification,
    *,
    ctx: DetectionContext | None = None,
    include_body: bool = False,
    locale: str = "ja",
    display_tz: tzinfo = timezone.utc,
) -> dict[str, Any]:
    """The parsed mail as an incident draft plus the findings; nothing is decided for the user."""
    d = Directory.build(ctx or DetectionContext())
    recipients, rejected = _recipients(mail, d)
    names = [a.filename for a in mail.attachments if not a.inline]
    subject = mail.subject or ("(件名なし)" if locale == "ja" else "(no subject)")
    title = (f"メール誤送信: {subject}" if locale == "ja" else f"Misdirected mail: {subject}")[:TITLE_MAX]
    sender = mail.sender.address if mail.sender and _valid(mail.sender.address) else None
    incident: dict[str, Any] = {
        "title": title,
        "mistake_type": None,
        "sent_at": _iso(mail.sent_at, display_tz),
        "message": {
            "subject": mail.subject,
            "sender": sender,
            # the body is read for the findings but never drafted into the record: a person asks for it per
            # incident (keep_body), else the summary says only what the subject and file names say
            "summary": draft_summary(mail.subject, "", names, locale=locale),
            "attachments": [a.public() for a in mail.attachments],
        },
        "recipients": recipients,
        "data_items": [],
    }
    out: dict[str, Any] = {
        "source": {
            "format": mail.source_format,
            "message_id": mail.message_id,
            "sender_name": mail.sender.name if mail.sender else "",
            "recipient_count": len(mail.recipients),
            "attachment_count": len(mail.attachments),
        },
        "incident": incident,
        **classification.to_dict(),
        "warnings": [w.to_dict() for w in mail.warnings],
    }
    if rejected:
        out["rejected_recipients"] = rejected[:100]
        out["warnings"].append(
            {
                "code": "invalid_addresses",
                "message_ja": f"形式が正しくない宛先 {len(rejected):,} 件を除きました。",
                "message_en": f"{len(rejected):,} recipients with an invalid address were left out.",
            }
        )
    if include_body:
        out["body"] = mail.body_text
    return out


def apply_suggestions(draft: dict[str, Any], *, accept_findings: bool = True) -> dict[str, Any]:
    """The incident part of a draft with the proposals applied (called only on the user's yes)."""
    incident = {k: v for k, v in draft["incident"].items()}
    incident["recipients"] = [dict(r) for r in incident["recipients"]]
    if not accept_findings:
        incident["mistake_type"] = incident.get("mistake_type") or "other"
        return incident
    incident["mistake_type"] = incident.get("mistake_type") or draft.get("suggested_mistake_type") or "other"
    items = list(incident.get("data_items") or [])
    for item in draft.get("suggested_data_items") or []:
        if item not in items:
            items.append(item)
    incident["data_items"] = items
    if draft.get("suggested_affected_persons") and not incident.get("affected_persons"):
        incident["affected_persons"] = draft["suggested_affected_persons"]
    if draft.get("suggested_protection") and incident.get("protection", "none") == "none":
        incident["protection"] = draft["suggested_protection"]
    present = {r["address"].lower() for r in incident["recipients"]}
    for finding in draft.get("findings", []):
        if finding["type"] not in ("wrong_recipient", "lookalike_domain"):
            continue
        flagged = {a.lower() for a in finding.get("addresses", [])}
        for r in incident["recipients"]:
            if r["address"].lower() in flagged:
                r["kind"] = "unintended"
        intended = finding.get("intended_address")
        if not intended and finding.get("intended_domain"):
            for address in finding.get("addresses", [])[:20]:
                candidate = f"{address.rpartition('@')[0]}@{finding['intended_domain']}"
                _add_intended(incident, present, candidate, address)
        elif intended:
            for address in finding.get("addresses", [])[:1]:
                _add_intended(incident, present, intended, address)
    return incident


def _add_intended(incident: dict[str, Any], present: set[str], candidate: str, instead_of: str) -> None:
    if candidate.lower() in present or not _valid(candidate):
        return
    source = next((r for r in incident["recipients"] if r["address"].lower() == instead_of.lower()), None)
    incident["recipients"].append(
        {
            "address": candidate,
            "name": source.get("name") if source else None,
            "organization": source.get("organization") if source else None,
            "field": source["field"] if source else "to",
            "kind": "intended",
        }
    )
    present.add(candidate.lower())


def _recipients(mail: ParsedMail, d: Directory) -> tuple[list[dict[str, Any]], list[str]]:
    out: list[dict[str, Any]] = []
    rejected: list[str] = []
    seen: set[tuple[str, str]] = set()
    valid_cache: dict[str, bool] = {}
    for r in mail.recipients:
        key = (r.address.lower(), r.field)
        if key in seen:
            continue
        seen.add(key)
        ok = valid_cache.get(r.address)
        if ok is None:
            ok = valid_cache[r.address] = _valid(r.address)
        if not ok:
            rejected.append(r.address)
            continue
        contact = d.by_address.get(r.address.lower())
        org = (contact.organization if contact else "") or d.org_by_domain.get(registrable_domain(r.domain), "")
        out.append(
            {
                "address": r.address,
                "name": (r.name or (contact.name if contact else ""))[:200] or None,
                "organization": org[:200] or None,
                "field": r.field,
                "kind": "unintended",
            }
        )
    return out, rejected


def _valid(address: str) -> bool:
    try:
        check_address(address)
    except ValueError:
        return False
    return True


def _iso(when: datetime | None, tz: tzinfo) -> str | None:
    if when is None:
        return None
    return when.astimezone(tz).isoformat()
