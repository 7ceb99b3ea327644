"""`incidents scheduler`: the separate process that sends reminders, escalations and queued notifications."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cli.common import print_json, say
from incidents.i18n import gettext as _


def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run every interval job (sweep, reminders, delivery) once now and exit (cron-style)")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every sweep")] = False,
):
    """Run the scheduler (APScheduler, job store in the application database). Safe to run twice."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("incidents").setLevel(logging.INFO if verbose else logging.WARNING)
    from incidents.config import check_startup
    from incidents.scheduler import runner

    check_startup()

    if once:
        result = runner.run_once()
        print_json(result) if verbose else say(_(
            "%(queued)s reminder(s) queued; %(sent)s sent, %(retry)s to retry, %(failed)s failed",
            queued=result["queued"], sent=result["sent"], retry=result["retry"], failed=result["failed"]))
        return
    runner.run_forever()


def register(app: typer.Typer) -> None:
    app.command("scheduler")(scheduler)
