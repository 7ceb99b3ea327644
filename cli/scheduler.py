"""`incidents scheduler`: the separate process that sends reminders, escalations and queued notifications."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cli.common import console, print_json


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
        print_json(result) if verbose else console.print(
            f"{result['queued']} reminder(s) queued; {result['sent']} sent, {result['retry']} to retry, "
            f"{result['failed']} failed")
        return
    runner.run_forever()


def register(app: typer.Typer) -> None:
    app.command("scheduler")(scheduler)
