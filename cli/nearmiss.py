"""Near-miss commands: `incidents nearmiss draft|publish|withdraw|search|show|stats|digest`.
Thin wrappers over incidents.nearmiss.service / library / digest."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from cli.common import (AsUser, CliError, JsonOut, command_session, console, fail, heading, operator_session,
                        print_json, say, table)
from cli.errors import validation_message
from incidents.analysis.labels import FACTOR_LABELS
from incidents.i18n import gettext as _
from incidents.nearmiss.labels import PUBLICATION_STATUSES
from incidents.cases.labels import MISTAKE_TYPES
from incidents.i18n import get_locale
from incidents.nearmiss import library, service
from incidents.nearmiss.digest import send_digest
from incidents.nearmiss.schemas import LibraryFilter, PublishIn

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
Locale = Annotated[str, typer.Option("--locale", help="ja | en")]
nearmiss_app = typer.Typer(help="Anonymised near-miss cases (ヒヤリハット): draft, publish, withdraw, library.",
                           no_args_is_help=True)

KIND_STYLE = {"person": "red", "organization": "magenta", "email": "cyan", "date": "green", "count": "green",
              "amount": "green", "time": "green"}


def _highlight(text: str, replacements: list[dict]) -> str:
    from rich.markup import escape

    out, pos = [], 0
    for r in sorted(replacements, key=lambda r: r["start"]):
        out.append(escape(text[pos:r["start"]]))
        style = KIND_STYLE.get(r["kind"], "yellow")
        out.append(f"[reverse {style}]{escape(text[r['start']:r['end']])}[/]")
        pos = r["end"]
    out.append(escape(text[pos:]))
    return "".join(out)


@nearmiss_app.command("draft")
def draft(incident_id: IncidentId, locale: Locale = "ja", as_user: AsUser = None, as_json: JsonOut = False):
    """The anonymised draft, every replacement highlighted (with --json: spans, kinds and originals)."""
    with command_session(as_user) as (session, actor):
        out = service.draft(session, actor=actor, incident_id=incident_id, locale=locale)
    if as_json:
        print_json(out)
        return
    d = out.draft
    console.print(f"[bold]{_highlight(d['title']['text'], d['title']['replacements'])}[/bold]")
    for s in d["sections"]:
        say()
        say(s["title"], style="bold underline")
        console.print(_highlight(s["text"], s["replacements"]))
    n = sum(len(s["replacements"]) for s in d["sections"])
    say()
    say(_("%(n)s replacement(s). Publication: %(status)s", n=n,
          status=PUBLICATION_STATUSES.label(out.publication.status or "draft")))


@nearmiss_app.command("publish")
def publish(incident_id: IncidentId, locale: Locale = "ja",
            file: Annotated[str | None, typer.Option("--file", help='Edits as JSON: {"title": ..., "sections": {"what_happened": ...}}; - for stdin')] = None,
            as_user: AsUser = None, as_json: JsonOut = False):
    """Approve and publish the case (manager of the department or officer)."""
    edits = {}
    if file:
        try:
            raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            fail("cannot read %(path)s as UTF-8 text", path=file)
        try:
            edits = json.loads(raw)
        except json.JSONDecodeError as exc:
            fail("the input is not valid JSON (line %(line)s, column %(column)s)", line=exc.lineno, column=exc.colno)
        if not isinstance(edits, dict):
            fail("the edits are a JSON object: {\"title\": ..., \"sections\": {...}}")
    try:
        data = PublishIn(locale=locale, **edits)
    except ValidationError as exc:
        raise CliError(validation_message(exc, None)) from None
    with command_session(as_user) as (session, actor):
        case = service.publish(session, actor=actor, incident_id=incident_id, data=data)
    print_json(case) if as_json else say(_("Published as near-miss case no. %(id)s: %(title)s", id=case.id,
                                           title=case.title))


@nearmiss_app.command("withdraw")
def withdraw(incident_id: IncidentId, reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn")],
             case: Annotated[bool, typer.Option("--case", help="ID is the case number (officers)")] = False,
             as_user: AsUser = None, as_json: JsonOut = False):
    """Withdraw a published case: it vanishes from the library, the search, the feed and the digest."""
    with command_session(as_user) as (session, actor):
        kwargs = {"case_id": incident_id} if case else {"incident_id": incident_id}
        out = service.withdraw(session, actor=actor, reason=reason, **kwargs)
    print_json(out) if as_json else say(_("Near-miss case no. %(id)s: %(status)s", id=out.id,
                                          status=PUBLICATION_STATUSES.label(out.status)))


@nearmiss_app.command("search")
def search(text: Annotated[str, typer.Argument(help="Words to look for (Japanese or English)")] = "",
           mistake_type: Annotated[str | None, typer.Option("--type", help="Mistake type")] = None,
           factor: Annotated[str | None, typer.Option("--factor", help="Contributing factor code")] = None,
           four_e: Annotated[str | None, typer.Option("--four-e", help="Countermeasure class")] = None,
           page: Annotated[int, typer.Option("--page")] = 1,
           count: Annotated[bool, typer.Option("--count", help="Count every matching case (beyond 200)")] = False,
           as_user: AsUser = None, as_json: JsonOut = False):
    """Search the library of published cases."""
    with command_session(as_user) as (session, actor):
        out = library.search(session, actor=actor, page=page, exact_count=count, filters=LibraryFilter(
            q=text, mistake_type=mistake_type, factor=factor, four_e=four_e))
        locale = get_locale()
    if as_json:
        print_json(out)
        return
    shown = f"{out.total}+" if out.total_is_lower_bound else out.total
    table(_("%(n)s case(s), page %(page)s of %(pages)s", n=shown, page=out.page, pages=max(out.pages, 1)),
          ["#", _("Period"), _("What happened"), _("Title")],
          [[c.id, c.period, MISTAKE_TYPES.label(c.mistake_type, locale), c.title] for c in out.items])


@nearmiss_app.command("show")
def show(case_id: Annotated[int, typer.Argument(help="Case number")], as_user: AsUser = None, as_json: JsonOut = False):
    """One published case."""
    with command_session(as_user) as (session, actor):
        case = library.get_case(session, actor=actor, case_id=case_id)
    if as_json:
        print_json(case)
        return
    heading(case.title)
    for s in case.sections:
        say()
        say(s.title, style="bold underline")
        say(s.text)


@nearmiss_app.command("stats")
def stats(as_user: AsUser = None, as_json: JsonOut = False):
    """Cases per month by type, top contributing factors, median hours from discovery to first report."""
    with command_session(as_user) as (session, actor):
        out = library.stats(session, actor=actor)
    if as_json:
        print_json(out)
        return
    table(_("Cases per month"), [_("Month"), _("What happened"), _("Cases")],
          [[m.period, MISTAKE_TYPES.label(m.mistake_type), m.count] for m in out.per_month])
    table(_("Top contributing factors"), [_("Factor"), _("Cases")],
          [[FACTOR_LABELS.label(f.factor), f.count] for f in out.top_factors])
    hours = out.median_hours_to_report
    say(_("Median time from discovery to the first report: %(hours)s hours", hours=f"{hours:.1f}")
        if hours is not None else _("Median time from discovery to the first report: not known yet"))


@nearmiss_app.command("digest")
def digest(month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: last month)")] = None):
    """Queue the monthly digest now (operator command; the scheduler does it on the 1st)."""
    with operator_session() as session:
        n = send_digest(session, month=month)
    say(_("queued %(n)s notification(s)", n=n))


def register(app: typer.Typer) -> None:
    app.add_typer(nearmiss_app, name="nearmiss")
