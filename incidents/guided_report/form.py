"""The guided report's form, read into the incident JSON contract (and merged with the sent mail's draft).

The form is one HTML form (it works without JavaScript as a long form). When the sent mail is attached,
the intake domain reads it; the form decides, the mail fills what the form left blank:
- `prefilled=1` (set by the page's script after it showed the mail's proposals in the form): the form is
  the user's final word; the mail only adds what the form cannot carry (attachments, To/Cc/Bcc, names);
- otherwise (no script): blank fields are filled from the mail and its proposals.
No rule of the incident lives here: the cases and intake services validate and record.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from incidents.cases.forms import FIELDS, incident_from_form
from incidents.cases.forms import form_values as report_values
from incidents.cases.schemas import AttachmentIn, IncidentCreate
from incidents.intake.draft import apply_suggestions

# Form field names, in the order of the screens (also used to map errors back to a screen).
TEXT_FIELDS = ("title", "subject", "sender", "summary", "unintended", "intended", "sent_at", "discovered_at",
               "affected_persons", "mistake_type", "discovery_method", "protection")
MAX_ATTACHMENTS_JSON = 200_000


def form_values(form) -> dict[str, Any]:
    """What the user typed, kept as typed (to show the form again)."""
    values = report_values(form, FIELDS)
    values["prefilled"] = form.get("prefilled") == "1"
    raw = str(form.get("attachments_json") or "")
    values["attachments_json"] = raw if len(raw) <= MAX_ATTACHMENTS_JSON else ""
    values["report_token"] = str(form.get("report_token") or "")[:64]
    return values


def _attachments(raw: str) -> list[dict[str, Any]]:
    """Attachment facts the page's script copied from the mail's draft (only metadata, validated)."""
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except json.JSONDecodeError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(AttachmentIn.model_validate(item).model_dump())
        except (ValidationError, TypeError):
            continue
        if len(out) >= 1000:
            break
    return out


def incident(values: dict[str, Any], draft: dict[str, Any] | None = None) -> IncidentCreate:
    """The incident the guided form describes, with the sent mail's reading (and its proposals) where the form
    leaves answers to it; FormInvalid (422) with a message per field otherwise."""
    question = {k: v for k, v in values.items() if k not in ("prefilled", "attachments_json", "report_token")}
    if draft is None:
        return incident_from_form(question, attachments=_attachments(values["attachments_json"]))
    return incident_from_form(question, mail=apply_suggestions(draft, accept_findings=True),
                              fill_from_mail=not values["prefilled"])
