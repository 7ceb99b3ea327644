"""Guided questions for `incidents report` in a terminal, in the reporter's language.

Someone who has just mis-sent a mail is stressed: short questions, sensible defaults, choices by number and
in words (never a code), every answer checked as it is typed (an address, a time, «約30» people), and at the
end the whole report to read once more before it is sent. It asks what the web report asks.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from cli.common import ask_yes_no, say, table
from cli.errors import validation_message
from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS, FIELDS, MISTAKE_TYPES, PROTECTION, mistake_options
from incidents.cases.schemas import IncidentCreate, RecipientIn
from incidents.config import get_settings
from incidents.counts import parse_count
from incidents.i18n import gettext as _
from incidents.times import format_datetime, parse_datetime
from incidents.validation import check_address

MAX_ATTACHMENT_BYTES_HASHED = 512 * 1024 * 1024


def _ask(question: str, *, default: str | None = None, required: bool = True) -> str:
    while True:
        answer = typer.prompt(question, default=default if default is not None else "",
                              show_default=bool(default)).strip()
        if answer or not required:
            return answer
        say(_("Please answer this question."))


def _choose(question: str, options: list[tuple[str, str]], *, default: int = 1) -> str:
    """One of `options` [(code, label)], chosen by its number (or typed as its label or code)."""
    for i, (_code, text) in enumerate(options, start=1):
        say(f"  {i}. {text}")
    while True:
        answer = typer.prompt(question, default=str(default)).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
        for code, text in options:
            if answer.lower() in (code.lower(), text.lower()):
                return code
        say(_("Please give one of the numbers 1 to %(n)s.", n=len(options)))


def _choose_many(question: str, options: list[tuple[str, str]], default: list[str]) -> list[str]:
    width = max(len(text) for _code, text in options) + 6
    per_row = max(1, min(3, 78 // width))
    rows = [options[i:i + per_row] for i in range(0, len(options), per_row)]
    start = 1
    for row in rows:
        say("".join(f"{start + j:3}. {text}".ljust(width) for j, (_code, text) in enumerate(row)).rstrip())
        start += len(row)
    preset = ",".join(str(i) for i, (code, _t) in enumerate(options, 1) if code in default)
    while True:
        answer = typer.prompt(question, default=preset, show_default=bool(preset)).strip()
        parts = [p.strip() for p in answer.replace("、", ",").replace(" ", ",").split(",") if p.strip()]
        if all(p.isdigit() and 1 <= int(p) <= len(options) for p in parts):
            picked = [options[int(p) - 1][0] for p in parts]
            return list(dict.fromkeys(picked))
        say(_("Please give numbers from 1 to %(n)s, separated by commas.", n=len(options)))


def _time(question: str, *, default_now: bool) -> Any:
    while True:
        answer = typer.prompt(question, default="", show_default=False).strip()
        if not answer and default_now:
            moment = datetime.now(get_settings().tz).replace(second=0, microsecond=0)
        elif not answer:
            say(_("Please answer this question."))
            continue
        else:
            try:
                moment = parse_datetime(answer)
            except ValueError as exc:
                say(exc.message() if hasattr(exc, "message") else str(exc))
                continue
        say("  → " + format_datetime(moment, zone=True))
        return moment


def _address(question: str, *, default: str | None = None, required: bool = False) -> str:
    while True:
        answer = _ask(question, default=default, required=required)
        if not answer:
            return ""
        try:
            return check_address(answer)
        except ValueError:
            say(_("%(address)s is not a mail address; please type it again.", address=answer))


def _field() -> str:
    options = FIELDS.options()
    while True:
        answer = typer.prompt("  " + _("To, Cc or Bcc"), default=FIELDS.label("to")).strip().lower()
        for i, (code, text) in enumerate(options, 1):
            if answer in (code, text.lower(), str(i)):
                return code
        say(_("Please answer to, cc or bcc."))


def _recipients(question: str, kind: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        address = _address(question)
        if not address:
            return out
        if any(r["address"].lower() == address.lower() for r in out):
            say(_("%(address)s is already in the list.", address=address))
            continue
        name = _ask("  " + _("Name (optional)"), required=False) or None
        org = _ask("  " + _("Organisation (optional)"), required=False) or None
        out.append({"address": address, "name": name, "organization": org, "field": _field(), "kind": kind})


def _attachment(text: str) -> dict[str, Any]:
    """A file name, or the path of the file itself (then its size and fingerprint are recorded too)."""
    path = Path(text).expanduser()
    try:
        if path.is_file():
            size = path.stat().st_size
            digest = None
            if size <= MAX_ATTACHMENT_BYTES_HASHED:
                h = hashlib.sha256()
                with path.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
                digest = h.hexdigest()
            return {"filename": path.name, "size_bytes": size, "sha256": digest,
                    "content_type": mimetypes.guess_type(path.name)[0]}
    except OSError:
        pass
    return {"filename": text}


def _attachments() -> list[dict[str, Any]]:
    out = []
    while True:
        text = _ask(_("Attached file: its name, or where the file is (empty to go on)"), required=False)
        if not text:
            return out
        out.append(_attachment(text))


def _persons(default: int) -> int:
    while True:
        answer = typer.prompt(_("How many people's data did it hold (an estimate such as «about 30» is fine)"),
                              default=str(default)).strip()
        try:
            return parse_count(answer)
        except ValueError as exc:
            say(exc.message() if hasattr(exc, "message") else str(exc))


QUESTIONS: dict[str, Callable[[dict[str, Any], str], Any]] = {}


def question(name: str):
    def register(fn):
        QUESTIONS[name] = fn
        return fn
    return register


@question("title")
def _q_title(a, sender):
    return _ask(_("Short title (e.g. Quote sent to the wrong contact at A Corp)"), default=a.get("title") or None)


@question("mistake_type")
def _q_mistake(a, sender):
    options = mistake_options()
    current = [c for c, _t in options].index(a["mistake_type"]) + 1 if a.get("mistake_type") else 1
    return _choose(_("What went wrong (number)"), options, default=current)


@question("discovery_method")
def _q_discovery(a, sender):
    options = DISCOVERY_METHODS.options()
    current = [c for c, _t in options].index(a["discovery_method"]) + 1 if a.get("discovery_method") else 1
    return _choose(_("How was it found (number)"), options, default=current)


@question("sent_at")
def _q_sent(a, sender):
    return _time(_("When was it sent (e.g. 2026/11/28 15:20; empty for now)"), default_now=True)


@question("discovered_at")
def _q_discovered(a, sender):
    return _time(_("When was it noticed (empty for now)"), default_now=True)


@question("subject")
def _q_subject(a, sender):
    return _ask(_("Subject of the mail"), default=a.get("subject") or None, required=False)


@question("sender")
def _q_sender(a, sender):
    return _address(_("Sent from (address)"), default=a.get("sender") or sender, required=True)


@question("summary")
def _q_summary(a, sender):
    return _ask(_("What was in it, in short (do not copy personal data here)"), default=a.get("summary") or None,
                required=False)


@question("unintended")
def _q_unintended(a, sender):
    return _recipients(_("Who received it by mistake: one address (empty to go on)"), "unintended")


@question("intended")
def _q_intended(a, sender):
    return _recipients(_("Who should have received it: one address (empty to go on)"), "intended")


@question("data_items")
def _q_data(a, sender):
    return _choose_many(_("What data did it hold (numbers, comma-separated; empty if none)"), DATA_ITEMS.options(),
                        a.get("data_items") or [])


@question("affected_persons")
def _q_persons(a, sender):
    return _persons(a.get("affected_persons") or max(1, len(a.get("unintended") or [])))


@question("attachments")
def _q_attachments(a, sender):
    return _attachments()


@question("protection")
def _q_protection(a, sender):
    options = PROTECTION.options()
    current = [c for c, _t in options].index(a.get("protection") or "none") + 1
    return _choose(_("How were the attachments protected (number)"), options, default=current)


@question("key_exposed")
def _q_key(a, sender):
    if a.get("protection", "none") == "none":
        return False
    return ask_yes_no(_("Did the password or key reach the wrong party too?"), default=False)


@question("improper_purpose")
def _q_improper(a, sender):
    return ask_yes_no(_("Is an improper purpose suspected (unauthorised access, data taken out)?"), default=False)


@question("eu")
def _q_eu(a, sender):
    return ask_yes_no(_("Are people in the EU concerned (GDPR)?"), default=False)


ORDER = list(QUESTIONS)


def _incident(a: dict[str, Any]) -> IncidentCreate:
    return IncidentCreate(
        title=a["title"], mistake_type=a["mistake_type"], discovery_method=a["discovery_method"],
        sent_at=a["sent_at"], discovered_at=a["discovered_at"],
        message={"subject": a.get("subject") or "", "sender": a.get("sender") or None, "summary": a.get("summary") or "",
                 "attachments": a.get("attachments") or []},
        recipients=[RecipientIn(**r) for r in (a.get("unintended") or []) + (a.get("intended") or [])],
        data_items=a.get("data_items") or [], affected_persons=a["affected_persons"],
        protection=a.get("protection") or "none", key_exposed=bool(a.get("key_exposed")),
        improper_purpose=bool(a.get("improper_purpose")), jurisdictions=["jp", "eu"] if a.get("eu") else ["jp"],
    )


def _addresses(rows: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['address']} ({FIELDS.label(r['field'])})" for r in rows) or "-"


def summary_rows(a: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(question, its label, the answer in words) in the order they were asked."""
    yes_no = {True: _("yes"), False: _("no")}
    words = {
        "title": (_("Title"), a.get("title") or ""),
        "mistake_type": (_("What went wrong"), MISTAKE_TYPES.label(a.get("mistake_type"))),
        "discovery_method": (_("How it was found"), DISCOVERY_METHODS.label(a.get("discovery_method"))),
        "sent_at": (_("Sent at"), format_datetime(a.get("sent_at"))),
        "discovered_at": (_("Noticed at"), format_datetime(a.get("discovered_at"))),
        "subject": (_("Subject of the mail"), a.get("subject") or "-"),
        "sender": (_("Sent from"), a.get("sender") or "-"),
        "summary": (_("What was in it"), a.get("summary") or "-"),
        "unintended": (_("Received by mistake"), _addresses(a.get("unintended") or [])),
        "intended": (_("Should have received it"), _addresses(a.get("intended") or [])),
        "data_items": (_("Data it held"), DATA_ITEMS.join(a.get("data_items")) or _("none")),
        "affected_persons": (_("Number of people"), f"{a.get('affected_persons', 0):,}"),
        "attachments": (_("Attachments"), ", ".join(x["filename"] for x in a.get("attachments") or []) or _("none")),
        "protection": (_("Protection of the attachments"), PROTECTION.label(a.get("protection") or "none")),
        "key_exposed": (_("Password or key sent too"), yes_no[bool(a.get("key_exposed"))]),
        "improper_purpose": (_("Improper purpose suspected"), yes_no[bool(a.get("improper_purpose"))]),
        "eu": (_("People in the EU concerned"), yes_no[bool(a.get("eu"))]),
    }
    return [(name, *words[name]) for name in ORDER]


def ask_incident(*, default_sender: str) -> IncidentCreate:
    say(_("Let's record what happened. Tell what you know; you can correct it later."))
    a: dict[str, Any] = {}
    for name in ORDER:
        a[name] = QUESTIONS[name](a, default_sender)
    while True:
        rows = summary_rows(a)
        say()
        table(_("Your report"), ["#", _("Question"), _("Answer")], [[i, q, v] for i, (_n, q, v) in enumerate(rows, 1)])
        try:
            data = _incident(a)
        except ValidationError as exc:
            say(_("Please correct: %(problems)s", problems=validation_message(exc)), style="yellow")
            data = None
        if data is not None and ask_yes_no(_("Report it as shown?"), default=True):
            return data
        while True:
            answer = typer.prompt(_("Number of the answer to change (empty to stop without reporting)"),
                                  default="", show_default=False).strip()
            if not answer:
                raise typer.Abort()
            if answer.isdigit() and 1 <= int(answer) <= len(rows):
                break
            say(_("Please give one of the numbers 1 to %(n)s.", n=len(rows)))
        name = rows[int(answer) - 1][0]
        a[name] = QUESTIONS[name](a, default_sender)
        if name == "protection" and a["protection"] == "none":
            a["key_exposed"] = False
