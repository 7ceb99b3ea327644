"""Root-cause analysis commands: `incidents rca ID` (guided five whys, factors; or --file) and
`incidents countermeasure add|done|status|list`. Thin wrappers over incidents.analysis.service."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from cli.common import AsUser, CliError, JsonOut, command_session, fail, print_json, say, table
from cli.errors import validation_message
from incidents.analysis import service
from incidents.analysis.blame import check_answer
from incidents.analysis.schemas import AnalysisIn, CountermeasureIn
from incidents.analysis.vocab import FACTORS, FourE, factor_label, four_e_label, status_label
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.times import format_date, parse_date

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
CmId = Annotated[int, typer.Argument(help="Countermeasure number")]
countermeasure_app = typer.Typer(help="Countermeasures (再発防止策): add, done, review, list.", no_args_is_help=True)

def _load(path: str) -> AnalysisIn:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        fail("cannot read %(path)s as UTF-8 text", path=path)
    try:
        return AnalysisIn.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        fail("the input is not valid JSON (line %(line)s, column %(column)s)", line=exc.lineno, column=exc.colno)
    except ValidationError as exc:
        raise CliError(validation_message(exc, None)) from None


def _guided(current, locale: str) -> AnalysisIn:
    say(_("Five whys: keep asking why until the answer is in the system, not in the person (blank to finish)."))
    whys: list[str] = []
    n = 1
    while n <= 10:
        old = current.whys[n - 1] if n <= len(current.whys) else ""
        answer = typer.prompt(_("Why %(n)s", n=n), default=old, show_default=bool(old)).strip()
        if not answer:
            break
        whys.append(answer)
        warning = check_answer(answer)
        if warning:
            say(warning.message(locale), style="yellow")
        n += 1
    for i, f in enumerate(FACTORS, 1):
        say(f"  {i:2d}. {factor_label(f.code, locale)}")
    chosen = typer.prompt(_("Contributing factors (numbers, comma-separated; blank for none)"), default=",".join(str(i) for i, f in enumerate(FACTORS, 1)
                                                         if f.code in current.factors), show_default=True)
    codes = []
    for part in chosen.replace("、", ",").split(","):
        if part.strip().isdigit() and 1 <= int(part) <= len(FACTORS):
            codes.append(FACTORS[int(part) - 1].code)
    notes = typer.prompt(_("Notes on the factors (optional)"), default=current.factor_notes, show_default=False)
    return AnalysisIn(whys=whys, factors=codes, factor_notes=notes, causes=current.causes,
                      kind_of_work=current.kind_of_work)


def _show(out, locale: str) -> None:
    for i, w in enumerate(out.whys, 1):
        say(f"{_('Why %(n)s', n=i)}: {w}")
    for f in out.factors:
        say(f"  - {factor_label(f, locale)}")
    if out.blame_warning:
        say(out.blame_warning.message_ja if locale == "ja" else out.blame_warning.message_en, style="yellow")
    if out.countermeasures:
        _cm_table(out.countermeasures, locale)


def _cm_table(rows, locale: str) -> None:
    table(_("Countermeasures"), ["#", "4E", _("Countermeasure"), _("Owner"), _("Due"), _("Effectiveness review"),
                                 _("Status")],
          [[c.id, four_e_label(c.four_e, locale), c.title, c.owner,
            format_date(c.due_on) + (" " + _("overdue") if c.overdue else ""), format_date(c.review_on),
            status_label(c.status, locale)] for c in rows])


def rca(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False,
        file: Annotated[str | None, typer.Option("--file", help="Analysis as JSON ({whys, factors, causes, ...}); - for stdin")] = None,
        show: Annotated[bool, typer.Option("--show", help="Only show the analysis")] = False,
        guided: Annotated[bool, typer.Option("--guided", help="Ask the questions even without a terminal")] = False):
    """Root-cause analysis of an incident: five whys (guided in a terminal), factors, 4M."""
    with command_session(as_user) as (session, actor):
        current = service.get_analysis(session, actor=actor, incident_id=incident_id)
        if file:
            out = service.save_analysis(session, actor=actor, incident_id=incident_id, data=_load(file))
        elif not show and (guided or sys.stdin.isatty()):
            out = service.save_analysis(session, actor=actor, incident_id=incident_id, data=_guided(current, get_locale()))
            say(_("Analysis saved."))
        else:
            out = current
        locale = get_locale()
    print_json(out) if as_json else _show(out, locale)


@countermeasure_app.command("add")
def cm_add(incident_id: IncidentId,
           title: Annotated[str, typer.Option("--title", help="What will be done")],
           four_e: Annotated[FourE, typer.Option("--four-e", help="education | engineering | enforcement | example")],
           owner: Annotated[str, typer.Option("--owner", help="Owner's email")],
           due: Annotated[str, typer.Option("--due", help="Due date, e.g. 2026-12-31 or 2026/12/31")],
           review: Annotated[str | None, typer.Option("--review", help="Effectiveness review date")] = None,
           reviewer: Annotated[str | None, typer.Option("--reviewer", help="Reviewer's email")] = None,
           note: Annotated[str, typer.Option("--note")] = "",
           as_user: AsUser = None, as_json: JsonOut = False):
    """Add a countermeasure with its 4E class, owner, due date and review date."""
    try:
        due_on = parse_date(due)
        review_on = parse_date(review) if review else None
    except ValueError as exc:
        raise CliError("--due/--review: " + exc.message()) from None
    try:
        data = CountermeasureIn(title=title, four_e=four_e, owner=owner, due_on=due_on, review_on=review_on,
                                reviewer=reviewer, note=note)
    except ValidationError as exc:
        raise CliError(validation_message(exc, None)) from None
    with command_session(as_user) as (session, actor):
        cm = service.add_countermeasure(session, actor=actor, incident_id=incident_id, data=data)
    print_json(cm) if as_json else say(_("Countermeasure no. %(id)s: %(status)s", id=cm.id, status=status_label(cm.status)))


@countermeasure_app.command("done")
def cm_done(countermeasure_id: CmId, note: Annotated[str, typer.Option("--note")] = "", as_user: AsUser = None,
            as_json: JsonOut = False):
    """Mark a countermeasure done (its owner, or whoever may see the incident)."""
    with command_session(as_user) as (session, actor):
        cm = service.set_status(session, actor=actor, countermeasure_id=countermeasure_id, status="done", note=note)
    print_json(cm) if as_json else say(_("Countermeasure no. %(id)s: %(status)s", id=cm.id, status=status_label(cm.status)))


@countermeasure_app.command("status")
def cm_status(countermeasure_id: CmId,
              status: Annotated[str, typer.Argument(help="planned | in_progress | done | effective | ineffective | dropped")],
              note: Annotated[str, typer.Option("--note")] = "", as_user: AsUser = None, as_json: JsonOut = False):
    """Move a countermeasure on; `effective` / `ineffective` record the effectiveness review."""
    with command_session(as_user) as (session, actor):
        cm = service.set_status(session, actor=actor, countermeasure_id=countermeasure_id, status=status, note=note)
    print_json(cm) if as_json else say(_("Countermeasure no. %(id)s: %(status)s", id=cm.id, status=status_label(cm.status)))


@countermeasure_app.command("list")
def cm_list(incident_id: Annotated[int | None, typer.Argument(help="Incident number (omit with --mine)")] = None,
            mine: Annotated[bool, typer.Option("--mine", help="My open countermeasures")] = False,
            as_user: AsUser = None, as_json: JsonOut = False):
    """Countermeasures of an incident, or your own open ones."""
    if incident_id is None and not mine:
        fail("give an incident number or --mine")
    with command_session(as_user) as (session, actor):
        rows = service.list_countermeasures(session, actor=actor, incident_id=incident_id, mine=mine, open_only=mine)
        locale = get_locale()
    print_json(rows) if as_json else _cm_table(rows, locale)


def register(app: typer.Typer) -> None:
    app.command("rca")(rca)
    app.add_typer(countermeasure_app, name="countermeasure")
