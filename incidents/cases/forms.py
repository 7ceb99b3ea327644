"""The report forms of the web pages, read into one `IncidentCreate` by one function.

Three HTML forms report an incident: the plain form (`/incidents/new`), the guided report (`/report`) and the
review of a sent mail (`/intake/mail`). Each reads what the user typed with `form_values(form, asks=...)` and
turns it into the incident with `incident_from_form(values, mail=...)`, so the same answer means the same
everywhere and the same bad answer is refused the same way: `FormInvalid` (HTTP 422) with a message per form
field, in the user's language, for the page to show beside the field.

What a form does not ask comes from the sent mail's reading (`mail`: the incident part of intake's draft with
the proposals the user accepted) or a default. What it asks and the user left blank stays blank, unless the
form was not pre-filled from the mail (`fill_from_mail`: the guided report without its script), in which case
the mail fills the blanks. The recipients typed decide who got the mail; the mail only adds To/Cc/Bcc, names
and organisations it knows of those addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.utils import parseaddr
from typing import Any

from pydantic import ValidationError

from incidents.cases.schemas import IncidentCreate
from incidents.counts import parse_count
from incidents.errors import InvalidInput
from incidents.i18n import gettext as _
from incidents.times import parse_datetime

TEXT_FIELDS = ("title", "mistake_type", "discovery_method", "sent_at", "discovered_at", "subject", "sender",
               "summary", "unintended", "intended", "affected_persons", "protection")
FLAGS = ("key_exposed", "improper_purpose", "eu")
FIELDS = TEXT_FIELDS + ("data_items",) + FLAGS  # every question of the full report
MAX_TEXT = 2_000_000  # a pasted recipient list may be long; the schema bounds each value


class FormInvalid(InvalidInput):
    """Answers of a report form that cannot make an incident; `errors` = {form field: message}."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per answer to check: «question: what is wrong», in the current language."""
        return [_("%(question)s: %(problem)s", question=question(field), problem=message)
                for field, message in self.errors.items()]


def question(field: str) -> str:
    """What a form field asks, in words (never the field's name)."""
    from incidents.cases.labels import FIELD_NAMES

    key = {"unintended": "recipients", "intended": "recipients", "eu": "jurisdictions", "mail": "message"}.get(field, field)
    return FIELD_NAMES.label(key) if key in FIELD_NAMES else FIELD_NAMES.label("message")


def form_values(form: Any, asks: Iterable[str] = FIELDS) -> dict[str, Any]:
    """What the user typed, as typed (to show the form again): the asked text fields as strings, `data_items`
    as a list, flags as booleans. A field the form does not ask is absent."""
    values: dict[str, Any] = {}
    for name in asks:
        if name in FLAGS:
            values[name] = form.get(name) in ("on", "1", "true")
        elif name == "data_items":
            values[name] = [str(v) for v in form.getlist(name)]
        else:
            values[name] = str(form.get(name) or "")[:MAX_TEXT]
    return values


def recipient_lines(text: str, kind: str) -> list[dict[str, Any]]:
    """One recipient per line: `address`, `address, name, organisation` or `Name <address>`."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        if "<" in parts[0]:
            name, address = parseaddr(parts[0])
        else:
            name, address = "", parts[0]
        out.append({"address": address or parts[0],
                    "name": name or (parts[1] if len(parts) > 1 else "") or None,
                    "organization": (parts[2] if len(parts) > 2 else "") or None,
                    "field": "to", "kind": kind})
    return out


def default_title(subject: str) -> str:
    subject = " ".join(subject.split())
    return (f"{_('Mis-sent mail')}: {subject}" if subject else _("Mis-sent mail"))[:200]


def incident_from_form(values: Mapping[str, Any], *, mail: Mapping[str, Any] | None = None,
                       fill_from_mail: bool = False,
                       attachments: list[dict[str, Any]] | None = None) -> IncidentCreate:
    """The incident the form describes (merged with the sent mail's reading, if any), or FormInvalid."""
    errors: dict[str, str] = {}
    data = _payload(values, mail or {}, fill=mail is not None and fill_from_mail, attachments=attachments,
                    errors=errors)
    sent, found = data["sent_at"], data["discovered_at"]
    if sent is not None and found is not None and found < sent:  # said even when other answers are wrong too
        errors.setdefault("discovered_at", _("The time it was found must not be before the time it was sent."))
    try:
        checked = IncidentCreate.model_validate(data)
    except ValidationError as exc:
        for field, message in errors_of(exc, data).items():
            errors.setdefault(field, message)
        raise FormInvalid(errors) from None
    if errors:
        raise FormInvalid(errors)
    return checked


def _payload(values: Mapping[str, Any], mail: Mapping[str, Any], *, fill: bool,
             attachments: list[dict[str, Any]] | None, errors: dict[str, str]) -> dict[str, Any]:
    message = mail.get("message") or {}

    def answer(name: str, from_mail: Any = None, *, blank_from_mail: bool | None = None) -> Any:
        """The form's answer; the mail's where the form does not ask (or, when filling, left it blank)."""
        if name not in values:
            return from_mail
        given = str(values[name]).strip()
        if given:
            return given
        return from_mail if (fill if blank_from_mail is None else blank_from_mail) else None

    subject = answer("subject", message.get("subject")) or ""
    data: dict[str, Any] = {
        "title": answer("title", mail.get("title")) or default_title(subject),
        "mistake_type": answer("mistake_type", mail.get("mistake_type"), blank_from_mail=True) or "other",
        "discovery_method": answer("discovery_method", mail.get("discovery_method")) or "",
        "sent_at": _moment(answer("sent_at", mail.get("sent_at"), blank_from_mail=True), "sent_at", errors),
        "discovered_at": _moment(answer("discovered_at", mail.get("discovered_at")), "discovered_at", errors),
        "message": {"subject": subject, "sender": answer("sender", message.get("sender")) or None,
                    "summary": answer("summary", message.get("summary")) or "",
                    "attachments": list(message.get("attachments") or attachments or [])},
        "recipients": _recipients(values, mail),
        "data_items": _data_items(values, mail, fill),
        "affected_persons": _count(answer("affected_persons", mail.get("affected_persons")), mail, fill, errors),
        "protection": _protection(answer("protection", mail.get("protection")), mail, fill),
        "key_exposed": values["key_exposed"] if "key_exposed" in values else bool(mail.get("key_exposed")),
        "improper_purpose": (values["improper_purpose"] if "improper_purpose" in values
                             else bool(mail.get("improper_purpose"))),
        "jurisdictions": (["jp", "eu"] if values["eu"] else ["jp"]) if "eu" in values
        else list(mail.get("jurisdictions") or ["jp"]),
    }
    return data


def _moment(value: Any, field: str, errors: dict[str, str]) -> Any:
    if value in (None, ""):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        errors[field] = _("Please give a date and time.")
        return None


def _count(value: Any, mail: Mapping[str, Any], fill: bool, errors: dict[str, str]) -> int:
    if isinstance(value, int):
        return value
    if not str(value or "").strip():
        return 0
    try:
        number = parse_count(value)  # «約30», «1,200名», «1.2万人»: an estimate is fine
    except ValueError:
        errors["affected_persons"] = _("Please give a whole number.")
        return 0
    if fill and number == 0 and mail.get("affected_persons"):
        return int(mail["affected_persons"])
    return number


def _protection(value: Any, mail: Mapping[str, Any], fill: bool) -> str:
    value = value or "none"
    if fill and value == "none":
        return mail.get("protection") or "none"
    return value


def _data_items(values: Mapping[str, Any], mail: Mapping[str, Any], fill: bool) -> list[str]:
    if "data_items" not in values:
        return list(mail.get("data_items") or [])
    items = list(values["data_items"])
    if fill:
        items += [d for d in mail.get("data_items") or [] if d not in items]
    return items


def _recipients(values: Mapping[str, Any], mail: Mapping[str, Any]) -> list[dict[str, Any]]:
    typed = recipient_lines(values.get("unintended") or "", "unintended") + \
        recipient_lines(values.get("intended") or "", "intended")
    proposed = [dict(r) for r in mail.get("recipients") or []]
    if not typed:
        return proposed
    known = {r["address"].lower(): r for r in proposed}
    for r in typed:  # the form decides who; the mail adds To/Cc/Bcc, name and organisation
        m = known.get(r["address"].lower())
        if m:
            r["field"] = m.get("field") or "to"
            r["name"] = r["name"] or m.get("name")
            r["organization"] = r["organization"] or m.get("organization")
    return typed


# ---- errors, in the user's words, on the field that asked ------------------------------------------

_FIELD_OF = {"title": "title", "mistake_type": "mistake_type", "discovery_method": "discovery_method",
             "sent_at": "sent_at", "discovered_at": "discovered_at", "data_items": "data_items",
             "affected_persons": "affected_persons", "protection": "protection", "jurisdictions": "eu",
             "key_exposed": "key_exposed", "improper_purpose": "improper_purpose",
             "subject": "subject", "sender": "sender", "summary": "summary", "attachments": "mail"}


def _message(err: dict[str, Any]) -> str:
    text = str(err.get("msg", ""))
    kind = str(err.get("type", ""))
    if "discovered_at must not be before sent_at" in text:
        return _("The time it was found must not be before the time it was sent.")
    if "must not be in the future" in text:
        return _("This time is in the future.")
    if kind in ("missing", "none_required") or (kind == "datetime_type" and err.get("input") is None) \
            or (kind == "enum" and err.get("input") in ("", None)):
        return _("Please answer this question.")
    if kind in ("enum", "literal_error"):
        return _("Please check this answer.")
    if "datetime" in kind or "timezone" in kind:
        return _("Please give a date and time.")
    if "email" in text.lower() or "address" in text.lower():
        return _("This is not a valid mail address.")
    if kind.startswith("int"):
        return _("Please give a whole number.")
    return _("Please check this answer.")


def errors_of(exc: ValidationError, data: Mapping[str, Any]) -> dict[str, str]:
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
