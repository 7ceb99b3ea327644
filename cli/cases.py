"""Incident commands: report, list, show, correct, recipients, timeline, close."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError

from cli.common import AsUser, JsonOut, command_session, console, fail, print_json, print_result, table
from incidents.cases import service as cases
from incidents.cases.recipients_csv import parse_recipients_csv
from incidents.cases.queries import IncidentFilter
from incidents.cases.schemas import IncidentCreate, IncidentUpdate, RecipientIn

recipients_app = typer.Typer(help="Recipients of an incident.", no_args_is_help=True)
IncidentId = Annotated[int, typer.Argument(help="Incident number")]


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        fail(f"no such file: {path}")
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")


def _validation(exc: ValidationError) -> str:
    err = exc.errors()[0]
    if err.get("type") == "json_invalid":
        return "the file is not valid JSON"
    loc = ".".join(str(x) for x in err["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{loc}: {err['msg']}{more}" if loc else f"{err['msg']}{more}"


def _parse(model, text: str):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"the input is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    try:
        return model.model_validate(data) if hasattr(model, "model_validate") else model.validate_python(data)
    except ValidationError as exc:
        fail(_validation(exc))


def report(
    file: Annotated[str | None, typer.Option("--file", "-f", help="JSON file with the incident, or - for stdin")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja | en for the guided questions")] = None,
    guided: Annotated[bool | None, typer.Option("--guided/--no-guided", help="Ask questions (default: in a terminal)")] = None,
):
    """Report a mis-sent mail: guided questions in a terminal, or --file for scripts."""
    if file is None:
        if not (guided if guided is not None else sys.stdin.isatty()):
            fail("not a terminal: pass --file FILE (or --file - for standard input)")
        from cli.guided import ask_incident

        with command_session(as_user) as (_session, actor):
            locale = lang or actor.locale
        data = ask_incident(locale, default_sender=actor.email)
    else:
        data = _parse(IncidentCreate, _read_text(file))
    with command_session(as_user) as (session, actor):
        incident = cases.report(session, actor=actor, data=data)
        public = cases.to_public(session, incident)
    if as_json:
        print_json(public)
    else:
        print(public.id)


def list_(
    as_user: AsUser = None,
    status: Annotated[str | None, typer.Option(help="open | closed")] = None,
    mistake_type: Annotated[str | None, typer.Option("--type", help="mistake type(s), comma-separated")] = None,
    department: Annotated[str | None, typer.Option(help="department name")] = None,
    period: Annotated[str | None, typer.Option(help="YYYY or YYYY-MM (discovery)")] = None,
    since: Annotated[str | None, typer.Option("--from", help="discovered from (ISO date/time)")] = None,
    until: Annotated[str | None, typer.Option("--to", help="discovered until (ISO date, inclusive)")] = None,
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
    table(f"{result.total} incident(s), page {result.page}/{result.pages}",
          ["id", "status", "type", "title", "discovered", "persons", "department", "reporter"],
          [[i.id, i.status, i.mistake_type, i.title, i.discovered_at.strftime("%Y-%m-%d %H:%M"),
            i.affected_persons, i.department, i.reporter] for i in result.items])


def show(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """Show one incident with its recipients."""
    with command_session(as_user) as (session, actor):
        public = cases.to_public(session, cases.get(session, actor=actor, incident_id=incident_id))
    if as_json:
        print_json(public)
        return
    for key in ("id", "title", "status", "mistake_type", "discovery_method", "sent_at", "discovered_at",
                "reported_at", "affected_persons", "protection", "key_exposed", "improper_purpose", "reporter",
                "department"):
        console.print(f"[bold]{key}[/bold]: {getattr(public, key)}", highlight=False)
    console.print(f"[bold]data_items[/bold]: {', '.join(public.data_items) or '-'}")
    console.print(f"[bold]jurisdictions[/bold]: {', '.join(public.jurisdictions)}")
    console.print(f"[bold]subject[/bold]: {public.message.subject}", markup=True, highlight=False)
    for a in public.message.attachments:
        console.print(f"  attachment: {a.filename} ({a.size_bytes} bytes)", highlight=False)
    rows = [[r.address, r.name, r.organization, r.field, r.kind] for r in public.recipients[:50]]
    table(f"recipients ({public.recipients_count})", ["address", "name", "organization", "field", "kind"], rows)
    if public.recipients_count > 50:
        console.print(f"… and {public.recipients_count - 50} more (incidents recipients list {public.id})")


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
    print_json(public) if as_json else console.print(f"incident {incident_id} corrected")


def close(incident_id: IncidentId, reason: Annotated[str, typer.Option("--reason")] = "", as_user: AsUser = None,
          as_json: JsonOut = False):
    """Close an incident (only when every required step is done or waived)."""
    with command_session(as_user) as (session, actor):
        inc = cases.set_status(session, actor=actor, incident_id=incident_id, status="closed", reason=reason)
        public = cases.to_public(session, inc, with_recipients=False)
    print_json(public) if as_json else console.print(f"incident {incident_id} closed")


def reopen(incident_id: IncidentId, reason: Annotated[str, typer.Option("--reason")] = "", as_user: AsUser = None,
           as_json: JsonOut = False):
    """Reopen a closed incident."""
    with command_session(as_user) as (session, actor):
        inc = cases.set_status(session, actor=actor, incident_id=incident_id, status="open", reason=reason)
        public = cases.to_public(session, inc, with_recipients=False)
    print_json(public) if as_json else console.print(f"incident {incident_id} reopened")


def timeline(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """The incident's audit timeline: who did what, when."""
    with command_session(as_user) as (session, actor):
        events = cases.timeline(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json(events)
        return
    table(f"incident {incident_id}", ["seq", "at", "actor", "action", "change"],
          [[e.seq, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action,
            ", ".join(sorted((e.after or {}).keys())) if isinstance(e.after, dict) else ""] for e in events])


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
            fail(f"no such file: {csv_file}")
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
        console.print(f"{result.added} recipient(s) added, {result.skipped_duplicates} duplicate(s) skipped; "
                      f"{result.recipients_count} in all")


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
    print_result(result.items, False, columns=["id", "address", "name", "organization", "field", "kind"])
    console.print(f"page {result.page}/{result.pages}, {result.total} recipient(s)")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("correct")(correct)
    app.command("close")(close)
    app.command("reopen")(reopen)
    app.command("timeline")(timeline)
    app.add_typer(recipients_app, name="recipients")
