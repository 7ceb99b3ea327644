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
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from incidents.cases.forms import recipient_lines
from incidents.cases.schemas import AttachmentIn, IncidentCreate
from incidents.i18n import gettext as _
from incidents.intake.draft import apply_suggestions
from incidents.times import parse_datetime

# Form field names, in the order of the screens (also used to map errors back to a screen).
TEXT_FIELDS = ("title", "subject", "sender", "summary", "unintended", "intended", "sent_at", "discovered_at",
               "affected_persons", "mistake_type", "discovery_method", "protection")
FLAGS = ("key_exposed", "improper_purpose", "eu")
MAX_ATTACHMENTS_JSON = 200_000


def form_values(form) -> dict[str, Any]:
    """What the user typed, kept as typed (to show the form again)."""
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in TEXT_FIELDS}
    values["data_items"] = [str(v) for v in form.getlist("data_items")]
    for flag in FLAGS:
        values[flag] = form.get(flag) == "on"
    values["prefilled"] = form.get("prefilled") == "1"
    raw = str(form.get("attachments_json") or "")
    values["attachments_json"] = raw if len(raw) <= MAX_ATTACHMENTS_JSON else ""
    return values


def _local(value: str) -> datetime | str | None:
    if not value:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return value  # the schema says what is wrong with it


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


def default_title(subject: str) -> str:
    subject = " ".join(subject.split())
    return (f"{_('Mis-sent mail')}: {subject}" if subject else _("Mis-sent mail"))[:200]


def payload(values: dict[str, Any], draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """The incident JSON for cases.service.report (no mail) or intake's create_from_draft overrides."""
    mail = (draft or {}).get("incident") or {}
    mail_message = mail.get("message") or {}
    fill = draft is not None and not values["prefilled"]  # no script showed the proposals: blanks from the mail

    def pick(form_value: str, mail_value: Any) -> Any:
        return form_value if form_value or not fill else (mail_value or "")

    recipients = recipient_lines(values["unintended"], "unintended") + recipient_lines(values["intended"], "intended")
    if draft is not None:
        proposed = apply_suggestions(draft, accept_findings=True)["recipients"]  # intake's one place for this
        known = {r["address"].lower(): r for r in proposed}
        if recipients:  # the form decides who; the mail adds To/Cc/Bcc, name and organisation
            for r in recipients:
                m = known.get(r["address"].lower())
                if m:
                    r["field"] = m.get("field") or "to"
                    r["name"] = r["name"] or m.get("name")
                    r["organization"] = r["organization"] or m.get("organization")
        else:
            recipients = [dict(r) for r in proposed]

    subject = pick(values["subject"], mail_message.get("subject"))
    data_items = list(values["data_items"])
    if fill:
        data_items += [d for d in draft.get("suggested_data_items") or [] if d not in data_items]
    affected = values["affected_persons"].strip()
    if fill and affected in ("", "0"):
        affected = str(draft.get("suggested_affected_persons") or affected or 0)
    protection = values["protection"] or "none"
    if fill and protection == "none":
        protection = draft.get("suggested_protection") or "none"
    mistake = values["mistake_type"] or (draft or {}).get("suggested_mistake_type") or "other"
    attachments = mail_message.get("attachments") if draft is not None else _attachments(values["attachments_json"])
    title = values["title"].strip() or (mail.get("title") if fill else "") or default_title(subject)
    return {
        "title": title,
        "mistake_type": mistake,
        "discovery_method": values["discovery_method"] or "self_noticed",
        "sent_at": _local(values["sent_at"]) or (mail.get("sent_at") if draft is not None else None),
        "discovered_at": _local(values["discovered_at"]),
        "message": {"subject": subject,
                    "sender": pick(values["sender"], mail_message.get("sender")) or None,
                    "summary": pick(values["summary"], mail_message.get("summary")),
                    "attachments": attachments or []},
        "recipients": recipients,
        "data_items": data_items,
        "affected_persons": affected or 0,
        "protection": protection,
        "key_exposed": values["key_exposed"],
        "improper_purpose": values["improper_purpose"],
        "jurisdictions": ["jp", "eu"] if values["eu"] else ["jp"],
    }


# ---- errors, in the user's words, on the screen that asked ---------------------------------------

_FIELD_OF = {"title": "title", "mistake_type": "mistake_type", "discovery_method": "discovery_method",
             "sent_at": "sent_at", "discovered_at": "discovered_at", "data_items": "data_items",
             "affected_persons": "affected_persons", "protection": "protection", "jurisdictions": "eu",
             "subject": "subject", "sender": "sender", "summary": "summary", "attachments": "mail"}


def _message(err: dict[str, Any]) -> str:
    text = str(err.get("msg", ""))
    if "discovered_at must not be before sent_at" in text:
        return _("The time it was found must not be before the time it was sent.")
    if "must not be in the future" in text:
        return _("This time is in the future.")
    if err.get("type") in ("missing", "none_required") or (err.get("type") == "datetime_type"
                                                             and err.get("input") is None):
        return _("Please answer this question.")
    if "datetime" in str(err.get("type", "")) or "timezone" in str(err.get("type", "")):
        return _("Please give a date and time.")
    if "email" in text.lower() or "address" in text.lower():
        return _("This is not a valid mail address.")
    if err.get("type", "").startswith("int"):
        return _("Please give a whole number.")
    return _("Please check this answer.")


def errors_of(exc: ValidationError, data: dict[str, Any]) -> dict[str, str]:
    """{form field name: message}; a recipient's error points at the list it came from."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        if not loc:
            field = "discovered_at"
        elif loc[0] == "recipients" and len(loc) > 1 and loc[1].isdigit():
            idx = int(loc[1])
            recips = data.get("recipients") or []
            kind = recips[idx].get("kind") if idx < len(recips) else "unintended"
            field = "intended" if kind == "intended" else "unintended"
            address = recips[idx].get("address") if idx < len(recips) else ""
            out.setdefault(field, f"{_('This is not a valid mail address.')} {address}")
            continue
        elif loc[0] == "message" and len(loc) > 1:
            field = _FIELD_OF.get(loc[1], "summary")
        else:
            field = _FIELD_OF.get(loc[0], "title")
        out.setdefault(field, _message(err))
    return out


def validate(data: dict[str, Any]) -> tuple[IncidentCreate | None, dict[str, str]]:
    try:
        return IncidentCreate.model_validate(data), {}
    except ValidationError as exc:
        return None, errors_of(exc, data)
