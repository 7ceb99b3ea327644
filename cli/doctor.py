"""`incidents doctor`: what is wrong with this installation, and what to do (operator command)."""

from __future__ import annotations

import typer
from rich.text import Text

from cli.common import JsonOut, console, print_json, say
from incidents.i18n import gettext as _
from incidents.i18n import ngettext
from incidents.system import doctor as checks

MARKS = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "red"), "skip": ("-", "dim")}


def doctor(as_json: JsonOut = False):
    """Check the configuration: database migrated, secret key, mail server, single sign-on, fonts, Chromium, time
    zone. Exit 1 when something is wrong."""
    findings = checks.run()
    failed = [f for f in findings if f.status == "fail"]
    if as_json:
        print_json({"ok": not failed, "checks": [f.as_dict() for f in findings]})
    else:
        for f in findings:
            mark, style = MARKS[f.status]
            line = Text(f"{mark} ", style=style)
            line.append(f"{checks.CHECKS.label(f.check)}: ", style="bold")
            line.append(f.found)
            console.print(line, soft_wrap=True)
            if f.fix and f.status in ("warn", "fail"):
                console.print(Text("    → " + f.fix), soft_wrap=True)
        say(ngettext("%(num)s problem found", "%(num)s problems found", len(failed)) if failed
            else _("Ready: no problem found"))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
