"""Root-cause analysis commands: `incidents rca ID` (guided five whys, factors; or --file) and
`incidents countermeasure add|done|status|list`. Thin wrappers over incidents.analysis.service."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from cli.common import AsUser, JsonOut, command_session, console, fail, print_json, table
from incidents.analysis import service
from incidents.analysis.blame import check_answer
from incidents.analysis.schemas import AnalysisIn, CountermeasureIn
from incidents.analysis.vocab import FACTORS, FourE, factor_label, four_e_label, status_label

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
CmId = Annotated[int, typer.Argument(help="Countermeasure number")]
countermeasure_app = typer.Typer(help="Countermeasures (再発防止策): add, done, review, list.", no_args_is_help=True)

ASK = {
    "ja": {"intro": "なぜなぜ分析を行います。「なぜ？」を繰り返し、人ではなく仕組みの原因にたどり着くまで続けます（空欄で終了）。",
           "why": "なぜ{n}", "factors": "背景にあった要因（番号をカンマ区切り、なければ空欄）",
           "notes": "要因の補足（任意）", "saved": "分析を保存しました。", "keep": "（現在: {v}）"},
    "en": {"intro": "Five whys: keep asking why until the answer is in the system, not in the person (blank to finish).",
           "why": "Why {n}", "factors": "Contributing factors (numbers, comma-separated; blank for none)",
           "notes": "Notes on the factors (optional)", "saved": "Analysis saved.", "keep": "(now: {v})"},
}


def _load(path: str) -> AnalysisIn:
    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        return AnalysisIn.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValidationError) as exc:
        fail(f"invalid analysis: {exc}".splitlines()[0])


def _guided(current, locale: str) -> AnalysisIn:
    t = ASK["en" if locale == "en" else "ja"]
    console.print(t["intro"])
    whys: list[str] = []
    n = 1
    while n <= 10:
        old = current.whys[n - 1] if n <= len(current.whys) else ""
        answer = typer.prompt(t["why"].format(n=n), default=old, show_default=bool(old)).strip()
        if not answer:
            break
        whys.append(answer)
        warning = check_answer(answer)
        if warning:
            console.print(f"[yellow]{warning.message(locale)}[/yellow]")
        n += 1
    for i, f in enumerate(FACTORS, 1):
        console.print(f"  {i:2d}. {factor_label(f.code, locale)}")
    chosen = typer.prompt(t["factors"], default=",".join(str(i) for i, f in enumerate(FACTORS, 1)
                                                         if f.code in current.factors), show_default=True)
    codes = []
    for part in chosen.replace("、", ",").split(","):
        if part.strip().isdigit() and 1 <= int(part) <= len(FACTORS):
            codes.append(FACTORS[int(part) - 1].code)
    notes = typer.prompt(t["notes"], default=current.factor_notes, show_default=False)
    return AnalysisIn(whys=whys, factors=codes, factor_notes=notes, causes=current.causes,
                      kind_of_work=current.kind_of_work)


def _show(out, locale: str) -> None:
    for i, w in enumerate(out.whys, 1):
        console.print(f"[bold]{'なぜ' if locale == 'ja' else 'Why '}{i}[/bold]: {w}")
    for f in out.factors:
        console.print(f"  - {factor_label(f, locale)}")
    if out.blame_warning:
        console.print(f"[yellow]{out.blame_warning.message_ja if locale == 'ja' else out.blame_warning.message_en}[/yellow]")
    if out.countermeasures:
        _cm_table(out.countermeasures, locale)


def _cm_table(rows, locale: str) -> None:
    table(None, ["id", "4E", "title", "owner", "due", "review", "status"],
          [[c.id, four_e_label(c.four_e, locale), c.title, c.owner, f"{c.due_on}{' !' if c.overdue else ''}",
            c.review_on or "", status_label(c.status, locale)] for c in rows])


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
            out = service.save_analysis(session, actor=actor, incident_id=incident_id, data=_guided(current, actor.locale))
            console.print(ASK["en" if actor.locale == "en" else "ja"]["saved"])
        else:
            out = current
        locale = actor.locale
    print_json(out) if as_json else _show(out, locale)


@countermeasure_app.command("add")
def cm_add(incident_id: IncidentId,
           title: Annotated[str, typer.Option("--title", help="What will be done")],
           four_e: Annotated[FourE, typer.Option("--four-e", help="education | engineering | enforcement | example")],
           owner: Annotated[str, typer.Option("--owner", help="Owner's email")],
           due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD")],
           review: Annotated[str | None, typer.Option("--review", help="Effectiveness review date, YYYY-MM-DD")] = None,
           reviewer: Annotated[str | None, typer.Option("--reviewer", help="Reviewer's email")] = None,
           note: Annotated[str, typer.Option("--note")] = "",
           as_user: AsUser = None, as_json: JsonOut = False):
    """Add a countermeasure with its 4E class, owner, due date and review date."""
    try:
        data = CountermeasureIn(title=title, four_e=four_e, owner=owner, due_on=date.fromisoformat(due),
                                review_on=date.fromisoformat(review) if review else None, reviewer=reviewer, note=note)
    except (ValueError, ValidationError) as exc:
        fail(f"invalid countermeasure: {exc}".splitlines()[0])
    with command_session(as_user) as (session, actor):
        cm = service.add_countermeasure(session, actor=actor, incident_id=incident_id, data=data)
    print_json(cm) if as_json else console.print(f"countermeasure {cm.id}: {cm.status}")


@countermeasure_app.command("done")
def cm_done(countermeasure_id: CmId, note: Annotated[str, typer.Option("--note")] = "", as_user: AsUser = None,
            as_json: JsonOut = False):
    """Mark a countermeasure done (its owner, or whoever may see the incident)."""
    with command_session(as_user) as (session, actor):
        cm = service.set_status(session, actor=actor, countermeasure_id=countermeasure_id, status="done", note=note)
    print_json(cm) if as_json else console.print(f"countermeasure {cm.id}: {cm.status}")


@countermeasure_app.command("status")
def cm_status(countermeasure_id: CmId,
              status: Annotated[str, typer.Argument(help="planned | in_progress | done | effective | ineffective | dropped")],
              note: Annotated[str, typer.Option("--note")] = "", as_user: AsUser = None, as_json: JsonOut = False):
    """Move a countermeasure on; `effective` / `ineffective` record the effectiveness review."""
    with command_session(as_user) as (session, actor):
        cm = service.set_status(session, actor=actor, countermeasure_id=countermeasure_id, status=status, note=note)
    print_json(cm) if as_json else console.print(f"countermeasure {cm.id}: {cm.status}")


@countermeasure_app.command("list")
def cm_list(incident_id: Annotated[int | None, typer.Argument(help="Incident number (omit with --mine)")] = None,
            mine: Annotated[bool, typer.Option("--mine", help="My open countermeasures")] = False,
            as_user: AsUser = None, as_json: JsonOut = False):
    """Countermeasures of an incident, or your own open ones."""
    if incident_id is None and not mine:
        fail("give an incident number or --mine")
    with command_session(as_user) as (session, actor):
        rows = service.list_countermeasures(session, actor=actor, incident_id=incident_id, mine=mine, open_only=mine)
        locale = actor.locale
    print_json(rows) if as_json else _cm_table(rows, locale)


def register(app: typer.Typer) -> None:
    app.command("rca")(rca)
    app.add_typer(countermeasure_app, name="countermeasure")
