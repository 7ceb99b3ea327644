"""Incident commands: report, list, show, correct, recipients, timeline, close, reopen."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError

from incidents.control_room.audit_view import NOISE, field_label
from cli.common import (AsUser, CliError, JsonOut, command_session, fact, fail, heading, print_json, say,
                        set_language_override, table)
from cli.errors import validation_message
from cli.examples import REPORT_EXAMPLE
from incidents.audit.labels import AUDIT_ACTIONS
from incidents.cases import service as cases
from incidents.cases.labels import (DATA_ITEMS, DISCOVERY_METHODS, FIELD_NAMES, FIELDS, JURISDICTIONS, KINDS,
                                    MISTAKE_TYPES, PROTECTION, STATUS)
from incidents.cases.queries import IncidentFilter
from incidents.cases.recipients_csv import parse_recipients_csv
from incidents.cases.schemas import IncidentCreate, IncidentUpdate, RecipientIn
from incidents.i18n import gettext as _
from incidents.i18n import get_locale, ngettext
from incidents.response import next_steps
from incidents.times import format_datetime

recipients_app = typer.Typer(help="Recipients of an incident.", no_args_is_help=True)
IncidentId = Annotated[int, typer.Argument(help="Incident number")]
SHOWN_RECIPIENTS = 50


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        fail("no such file: %(path)s", path=path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail("%(path)s is not UTF-8 text", path=path)
    except OSError as exc:
        fail("cannot read %(path)s (%(reason)s)", path=path, reason=exc.strerror or "")


def _parse(model, text: str):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail("the input is not valid JSON (line %(line)s, column %(column)s)", line=exc.lineno, column=exc.colno)
    try:
        return model.model_validate(data) if hasattr(model, "model_validate") else model.validate_python(data)
    except ValidationError as exc:
        raise CliError(validation_message(exc)) from None


def what_happens_next(session, actor, incident_id: int) -> None:
    """After a report: who was told, what to do and not to do now, the reporter's next steps."""
    now = next_steps.what_now(session, actor=actor, incident_id=incident_id, locale=get_locale())
    say()
    heading(_("Reported as incident #%(id)s. Thank you.", id=incident_id))
    if now.told:
        names = ", ".join(t.name for t in now.told)
        if all(t.role == "officer" for t in now.told):
            say(_("The privacy officer was told at once: %(names)s.", names=names))
        else:
            say(_("Your supervisor was told at once: %(names)s.", names=names))
    else:
        say(_("Nobody could be told automatically: tell your supervisor yourself now."), style="yellow")
    heading(_("What to do now"))
    for i, advice in enumerate(now.advice, 1):
        say(f"{i}. {advice}")
    if now.steps:
        heading(_("Your next steps"))
        for s in now.steps:
            due = _(" (by %(when)s)", when=format_datetime(s.due_at)) if s.due_at else ""
            say(f"- {s.title}{due}")
    say(_("See it again: incidents show %(id)s", id=incident_id))


def report(
    file: Annotated[str | None, typer.Option("--file", "-f", help="JSON file with the incident, or - for stdin "
                                                                 "(see --example and docs/report-file.md)")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja | en (default: the acting user's language)")] = None,
    guided: Annotated[bool | None, typer.Option("--guided/--no-guided", help="Ask questions (default: in a terminal)")] = None,
    example: Annotated[bool, typer.Option("--example", help="Print a complete example of the --file JSON and exit")] = False,
):
    """Report a mis-sent mail: guided questions in a terminal, or --file for scripts."""
    if lang:
        set_language_override(lang)
    if example:
        print_json(REPORT_EXAMPLE)
        return
    if file is None:
        if not (guided if guided is not None else sys.stdin.isatty()):
            fail("not a terminal: pass --file FILE (or --file - for standard input); incidents report --example "
                 "shows the format")
        from cli.guided import ask_incident

        with command_session(as_user) as (_session, actor):
            sender = actor.email
        data = ask_incident(default_sender=sender)
    else:
        data = _parse(IncidentCreate, _read_text(file))
    with command_session(as_user) as (session, actor):
        incident = cases.report(session, actor=actor, data=data)
        public = cases.to_public(session, incident)
        if as_json:
            print_json(public)
        elif file is not None and not sys.stdout.isatty():
            print(public.id)  # a script reading the output gets the number alone
        else:
            what_happens_next(session, actor, public.id)


def list_(
    as_user: AsUser = None,
    status: Annotated[str | None, typer.Option(help="open | closed")] = None,
    mistake_type: Annotated[str | None, typer.Option("--type", help="mistake type(s), comma-separated")] = None,
    department: Annotated[str | None, typer.Option(help="department name")] = None,
    period: Annotated[str | None, typer.Option(help="YYYY or YYYY-MM (discovery)")] = None,
    since: Annotated[str | None, typer.Option("--from", help="discovered from (date or date and time)")] = None,
    until: Annotated[str | None, typer.Option("--to", help="discovered until (a date is inclusive)")] = None,
    q: Annotated[str | None, typer.Option("--text", "-q", help="words in title, subject or summary")] = None,
    page: int = 1,
    per_page: int = 50,
    as_json: JsonOut = False,
):
    """List the incidents you may see, newest first."""
    f = IncidentFilter(status=status, mistake_type=mistake_type, department=department, period=period,
                       period_from=since, period_to=until, q=q)
    with command_session(as_user) as (session, actor):
        result = cases.list_incidents(session, actor=actor, filters=f, page=page, per_page=per_page)
    if as_json:
        print_json(result)
        return
    title = ngettext("%(num)s incident", "%(num)s incidents", result.total) + " · " + \
        _("page %(page)s of %(pages)s", page=result.page, pages=max(result.pages, 1))
    table(title, ["#", _("Status"), _("What happened"), _("Title"), _("Discovered"), _("People"), _("Department"),
                  _("Reporter")],
          [[i.id, STATUS.label(i.status), MISTAKE_TYPES.label(i.mistake_type), i.title,
            format_datetime(i.discovered_at), i.affected_persons, i.department, i.reporter] for i in result.items])


def show(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """Show one incident with its recipients."""
    with command_session(as_user) as (session, actor):
        public = cases.to_public(session, cases.get(session, actor=actor, incident_id=incident_id))
    if as_json:
        print_json(public)
        return
    n = FIELD_NAMES.label
    heading(f"#{public.id} {public.title}")
    fact(n("status"), STATUS.label(public.status))
    fact(n("mistake_type"), MISTAKE_TYPES.label(public.mistake_type))
    fact(n("discovery_method"), DISCOVERY_METHODS.label(public.discovery_method))
    fact(n("sent_at"), format_datetime(public.sent_at))
    fact(n("discovered_at"), format_datetime(public.discovered_at))
    fact(n("reported_at"), format_datetime(public.reported_at))
    fact(_("Reporter"), f"{public.reporter_name} <{public.reporter}>")
    fact(_("Department"), public.department)
    fact(n("affected_persons"), f"{public.affected_persons:,}")
    fact(n("data_items"), DATA_ITEMS.join(public.data_items) or _("none"))
    fact(n("protection"), PROTECTION.label(public.protection))
    fact(n("key_exposed"), public.key_exposed)
    fact(n("improper_purpose"), public.improper_purpose)
    fact(n("jurisdictions"), JURISDICTIONS.join(public.jurisdictions))
    fact(n("subject"), public.message.subject)
    fact(n("sender"), public.message.sender or "-")
    if public.message.summary:
        fact(n("summary"), public.message.summary)
    for a in public.message.attachments:
        size = _(" (%(n)s bytes)", n=f"{a.size_bytes:,}") if a.size_bytes is not None else ""
        fact(n("attachments"), f"{a.filename}{size}")
    rows = [[r.address, r.name, r.organization, FIELDS.label(r.field), KINDS.label(r.kind)]
            for r in public.recipients[:SHOWN_RECIPIENTS]]
    table(_("Recipients (%(n)s)", n=f"{public.recipients_count:,}"),
          [n("address"), n("name"), n("organization"), n("field"), _("Kind")], rows)
    if public.recipients_count > SHOWN_RECIPIENTS:
        say(_("… and %(n)s more (incidents recipients list %(id)s)", n=f"{public.recipients_count - SHOWN_RECIPIENTS:,}",
              id=public.id))


def correct(
    incident_id: IncidentId,
    file: Annotated[str, typer.Option("--file", "-f", help="JSON with the fields to correct, or -")],
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Correct facts of an incident (each change is audited)."""
    data = _parse(IncidentUpdate, _read_text(file))
    with command_session(as_user) as (session, actor):
        public = cases.to_public(session, cases.update(session, actor=actor, incident_id=incident_id, data=data))
    print_json(public) if as_json else say(_("Incident #%(id)s corrected.", id=incident_id))


def close(incident_id: IncidentId, reason: Annotated[str, typer.Option("--reason")] = "", as_user: AsUser = None,
          as_json: JsonOut = False):
    """Close an incident (only when every required step is done or waived)."""
    with command_session(as_user) as (session, actor):
        inc = cases.set_status(session, actor=actor, incident_id=incident_id, status="closed", reason=reason)
        public = cases.to_public(session, inc, with_recipients=False)
    print_json(public) if as_json else say(_("Incident #%(id)s closed.", id=incident_id))


def reopen(incident_id: IncidentId, reason: Annotated[str, typer.Option("--reason")] = "", as_user: AsUser = None,
           as_json: JsonOut = False):
    """Reopen a closed incident."""
    with command_session(as_user) as (session, actor):
        inc = cases.set_status(session, actor=actor, incident_id=incident_id, status="open", reason=reason)
        public = cases.to_public(session, inc, with_recipients=False)
    print_json(public) if as_json else say(_("Incident #%(id)s reopened.", id=incident_id))


def _changed(after: Any) -> str:
    if not isinstance(after, dict):
        return ""
    return ", ".join(field_label(k) for k in sorted(after) if k not in NOISE)


def timeline(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """The incident's audit timeline: who did what, when."""
    with command_session(as_user) as (session, actor):
        events = cases.timeline(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json(events)
        return
    table(_("Incident #%(id)s", id=incident_id), ["#", _("When"), _("Who"), _("What"), _("Changed")],
          [[e.seq, format_datetime(e.at, seconds=True), e.actor, AUDIT_ACTIONS.label(e.action), _changed(e.after)]
           for e in events])


@recipients_app.command("add")
def recipients_add(
    incident_id: IncidentId,
    csv_file: Annotated[str | None, typer.Option("--csv", help="CSV file (address,name,organization,field,kind)")] = None,
    json_file: Annotated[str | None, typer.Option("--file", help="JSON list of recipients, or -")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Add recipients in bulk from a CSV or JSON file."""
    if bool(csv_file) == bool(json_file):
        fail("give exactly one of --csv FILE or --file FILE")
    if csv_file:
        path = Path(csv_file)
        if csv_file != "-" and not path.is_file():
            fail("no such file: %(path)s", path=csv_file)
        recipients = parse_recipients_csv(sys.stdin.buffer.read() if csv_file == "-" else path.read_bytes())
    else:
        text = _read_text(json_file)
        data = _parse(TypeAdapter(list[RecipientIn] | dict), text)
        recipients = data if isinstance(data, list) else _parse(TypeAdapter(list[RecipientIn]),
                                                                  json.dumps(data.get("recipients")))
    with command_session(as_user) as (session, actor):
        result = cases.add_recipients(session, actor=actor, incident_id=incident_id, recipients=recipients)
    if as_json:
        print_json(result)
    else:
        say(_("%(added)s recipient(s) added, %(skipped)s duplicate(s) skipped; %(total)s in all",
              added=f"{result.added:,}", skipped=f"{result.skipped_duplicates:,}", total=f"{result.recipients_count:,}"))


@recipients_app.command("list")
def recipients_list(
    incident_id: IncidentId, as_user: AsUser = None, kind: str | None = None, page: int = 1,
    per_page: int = 100, as_json: JsonOut = False,
):
    """List recipients page by page."""
    with command_session(as_user) as (session, actor):
        result = cases.list_recipients(session, actor=actor, incident_id=incident_id, page=page,
                                       per_page=per_page, kind=kind)
    if as_json:
        print_json(result)
        return
    n = FIELD_NAMES.label
    table(None, ["#", n("address"), n("name"), n("organization"), n("field"), _("Kind")],
          [[r.id, r.address, r.name, r.organization, FIELDS.label(r.field), KINDS.label(r.kind)] for r in result.items])
    say(_("page %(page)s of %(pages)s, %(n)s recipient(s)", page=result.page, pages=max(result.pages, 1),
          n=f"{result.total:,}"))


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("correct")(correct)
    app.command("close")(close)
    app.command("reopen")(reopen)
    app.command("timeline")(timeline)
    app.add_typer(recipients_app, name="recipients")
