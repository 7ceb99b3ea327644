"""What the record says happened, as facts a letter can state: the mistake's story, the mails, the
protection, the kind of data, and what has been done so far (as counts).

Pure functions over plain data. Nothing here reads a note: notes are internal and never reach an
outbound document. The sentences themselves live in the templates (one partial per language,
`templates/documents/<lang>/_story.html`), keyed by the codes computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from incidents.documents.fields import get

# Data categories decide the likely consequences a notice names (GDPR art. 34(2), APPI item 5).
SENSITIVE = frozenset({"medical", "health_checkup", "disability", "genome", "criminal_record", "criminal_procedure",
                       "crime_victim", "race", "creed", "social_status"})
FINANCIAL = frozenset({"bank_account", "credit_card", "payment_credentials"})
IDENTITY = frozenset({"my_number", "birth_date"})
CONTACT = frozenset({"name", "email_address", "postal_address", "phone"})
BUSINESS = frozenset({"confidential_business"})

# The reader of an apology to an unintended recipient is a third party, except where the mistake
# sent them the right mail with the wrong content or showed their address to others.
READER_WAS_MEANT = frozenset({"bcc_exposure", "wrong_attachment", "inappropriate_content"})
STORIES = frozenset({"wrong_recipient", "bcc_exposure", "wrong_attachment", "lookalike_domain", "distribution_list",
                     "inappropriate_content"})


def story_of(mistake_type: str) -> str:
    return mistake_type if mistake_type in STORIES else "wrong_recipient"


def consequences(items: Iterable[str]) -> list[str]:
    """Codes of the likely consequences, most serious first (the templates word them)."""
    items = set(items or ())
    out = []
    if items & SENSITIVE:
        out.append("sensitive")
    if items & FINANCIAL:
        out.append("financial")
    if "my_number" in items:
        out.append("identity")
    if items & {"postal_address", "phone"}:
        out.append("contact")
    if "email_address" in items:
        out.append("email")
    if items & BUSINESS:
        out.append("business")
    return out or ["general"]


def protection_story(protection: str, key_exposed: bool) -> str:
    """none | encrypted (key kept back) | encrypted_key_sent | zip (password kept back) | zip_password_sent."""
    if protection == "strong_encryption":
        return "encrypted_key_sent" if key_exposed else "encrypted"
    if protection == "password_zip":
        return "zip_password_sent" if key_exposed else "zip"
    return "none"


def mails_of(incident: Any, fmt_dt) -> list[dict[str, Any]]:
    """The mails concerned, in order. A record with one message whose password went to the same
    address by a second mail names both (the second one has no subject of its own in the record)."""
    messages = get(incident, "messages") or []
    if messages:
        return [{"subject": str(get(m, "subject", "")), "sent": fmt_dt(get(m, "sent_at")),
                 "attachments": [str(get(a, "filename", "")) for a in get(m, "attachments", ())],
                 "password": bool(get(m, "password"))} for m in messages]
    message = get(incident, "message")
    first = {"subject": str(get(message, "subject") or get(incident, "subject") or ""),
             "sent": fmt_dt(get(incident, "sent_at")),
             "attachments": [str(get(a, "filename", "")) for a in get(message, "attachments", ())],
             "password": False}
    mails = [first]
    if get(incident, "key_exposed") and get(incident, "protection") in ("password_zip", "strong_encryption"):
        mails.append({"subject": "", "sent": "", "attachments": [], "password": True})
    return mails


def progress(steps: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """What has been done, as counts over the per-recipient steps (never who or what anyone said)."""
    c = dict.fromkeys(("deletion_total", "deletion_requested", "deletion_confirmed", "opened_no", "opened_yes",
                       "opened_unknown", "apology_total", "apology_phoned", "apology_written"), 0)
    for s in steps or ():
        kind, status = s.get("kind"), s.get("status")
        if status == "not_applicable":
            continue
        if kind == "deletion":
            c["deletion_total"] += 1
            if s.get("request_sent_at") or s.get("confirmed_at"):
                c["deletion_requested"] += 1
            if s.get("confirmed_at"):
                c["deletion_confirmed"] += 1
                c[f"opened_{s.get('opened') or 'unknown'}"] = c.get(f"opened_{s.get('opened') or 'unknown'}", 0) + 1
        elif kind == "apology":
            c["apology_total"] += 1
            if s.get("phone_at"):
                c["apology_phoned"] += 1
            if s.get("written_at"):
                c["apology_written"] += 1
    c["deletion_unanswered"] = c["deletion_total"] - c["deletion_confirmed"]
    c["all_confirmed"] = int(c["deletion_total"] > 0 and c["deletion_unanswered"] == 0)
    c["all_unopened"] = int(c["all_confirmed"] and c["opened_no"] == c["deletion_total"])
    return c


def step_done(steps: Iterable[Mapping[str, Any]], kind: str) -> bool:
    return any(s.get("kind") == kind and s.get("status") == "done" for s in steps or ())
