"""The org chart from HR (operator command: no --as needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import JsonOut, fail, operator_session, print_json, say, table
from incidents.i18n import gettext as _
from incidents.people.labels import LOCALES, ORG_FIELDS, ROLES
from incidents.people.orgfile import read_rows
from incidents.people.orgimport import import_org, summary

org_app = typer.Typer(help="The organisation: people, departments and managers from HR.", no_args_is_help=True)
SHOWN = 50


def change_text(changes: dict) -> str:
    def value(field: str, v) -> str:
        if not v:
            return "-"
        if field == "locale":
            return LOCALES.label(v)
        return ROLES.join(v.split(",")) if field == "roles" else str(v)

    return "; ".join(f"{ORG_FIELDS.label(k)}: {value(k, v[0])} → {value(k, v[1])}" for k, v in changes.items())


@org_app.command("import")
def org_import(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or Shift_JIS) or XLSX: email, name, department, "
                                              "parent_department, role, manager_email, locale, active")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; save nothing")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Deactivate the active people missing from the file")] = False,
    as_json: JsonOut = False,
):
    """Bring people, departments and managers in line with an HR file (the same file twice changes nothing)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail("cannot read %(path)s (%(why)s)", path=str(file), why=exc.strerror or type(exc).__name__)
    rows = read_rows(data, file.name)
    with operator_session() as session:
        report = import_org(session, actor=None, rows=rows, prune=prune, dry_run=dry_run)
    if as_json:
        print_json(report.as_dict())
        return
    lines = ([[_("Added"), e, ""] for e in report.added]
             + [[_("Changed"), c["email"], change_text(c["changes"])] for c in report.changed]
             + [[_("Deactivated"), e, ""] for e in report.deactivated]
             + [[_("Reactivated"), e, ""] for e in report.reactivated]
             + [[_("Department moved"), m["department"], f"{m['parent'][0] or '-'} → {m['parent'][1] or '-'}"]
                for m in report.departments_moved])
    if lines:
        table(None, [_("Change"), _("Email"), _("Details")], lines[:SHOWN])
        if len(lines) > SHOWN:
            say(_("... and %(n)s more (see --json)", n=len(lines) - SHOWN))
    say(summary(report))


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
