"""Background jobs: `incidents worker` (the process that runs them) and `incidents jobs show ID [--wait]`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cli.common import AsUser, JsonOut, command_session, console, fact, fail, heading, print_json, say
from incidents.i18n import get_locale, translate
from incidents.i18n import gettext as _
from incidents.jobs import service
from incidents.jobs.labels import JOB_STATUSES
from incidents.jobs.models import JobStatus
from incidents.jobs.registry import get_kind
from incidents.times import format_datetime

jobs_app = typer.Typer(help="Background jobs (bulk letters, digests): their progress.", no_args_is_help=True)
ENDED = (JobStatus.done, JobStatus.failed)


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run the jobs that are due now, then exit (cron-style)")] = False,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only jobs of this kind (repeatable)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every job")] = False,
):
    """Run background jobs (bulk letters, digests) from the job table. Run as many as you like, on any machine."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("incidents").setLevel(logging.INFO if verbose else logging.WARNING)
    from incidents.config import check_startup
    from incidents.jobs import worker as runner
    from incidents.migrations import ensure_migrated

    check_startup()
    ensure_migrated()
    if once:
        counts = runner.run_due(kinds=kind or None)
        say(_("%(done)s job(s) done, %(failed)s failed", done=counts["done"], failed=counts["failed"]))
        return
    runner.run_forever(kinds=kind or None)


def _title(kind: str) -> str:
    known = get_kind(kind)
    return translate(known.title, get_locale()) if known is not None else kind


def _read(job_id: int, actor) -> service.JobPublic:
    from incidents.db import session_scope

    with session_scope(write=False) as session:
        return service.to_public(service.get(session, actor=actor, job_id=job_id))


def follow(job_id: int, actor, *, as_json: bool = False, run_here: bool = False) -> service.JobPublic:
    """A progress bar until the job ends (run by a worker, or in this process with run_here)."""
    job = _read(job_id, actor)
    runner_thread = None
    if run_here and job.status not in ENDED:
        from incidents.jobs import worker as runner

        runner_thread = threading.Thread(target=runner.run_due, kwargs={"job_id": job_id}, daemon=True)
        runner_thread.start()
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn(_("left")), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=as_json, transient=False) as bar:
        task = bar.add_task(_("Job #%(id)s: %(kind)s", id=job_id, kind=_title(job.kind)), total=job.total or None)
        waited = False
        while job.status not in ENDED:
            if job.status == JobStatus.queued and not waited and not run_here:
                bar.console.print(_("waiting for a worker (incidents worker)"), markup=False, highlight=False)
                waited = True
            bar.update(task, completed=job.done, total=job.total or None)
            time.sleep(0.5)
            job = _read(job_id, actor)
        bar.update(task, completed=job.total if job.status == JobStatus.done else job.done, total=job.total or None)
    if runner_thread is not None:
        runner_thread.join()
    return job


def show(
    job_id: Annotated[int, typer.Argument(help="Job number")],
    wait: Annotated[bool, typer.Option("--wait", help="Follow its progress until it ends")] = False,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """A background job: what it is, its progress (done / total, time left), its result or its error."""
    with command_session(as_user) as (session, actor):
        job = service.to_public(service.get(session, actor=actor, job_id=job_id))
    if wait:
        job = follow(job_id, actor, as_json=as_json)
    if as_json:
        print_json(job)
    else:
        heading(_("Job #%(id)s: %(kind)s", id=job.id, kind=_title(job.kind)))
        fact(_("Status"), JOB_STATUSES.label(job.status))
        fact(_("Progress"), f"{job.done:,}/{job.total:,} ({job.percent:.0f}%)")
        if job.eta_seconds is not None:
            fact(_("Time left"), _("about %(n)s s", n=round(job.eta_seconds)))
        if job.incident_id is not None:
            fact(_("Incident"), f"#{job.incident_id}")
        fact(_("Queued"), format_datetime(job.created_at))
        if job.finished_at:
            fact(_("Ended"), format_datetime(job.finished_at))
        if job.error:
            fact(_("Error"), job.error)
    if wait and job.status == JobStatus.failed:
        fail("job %(id)s failed: %(reason)s", id=job.id, reason=job.error)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    jobs_app.command("show")(show)
    app.add_typer(jobs_app, name="jobs")
