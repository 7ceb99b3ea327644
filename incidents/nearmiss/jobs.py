"""The monthly near-miss digest as a background job: the scheduler queues it on the 1st (one job per month,
whatever the number of schedulers); a worker writes the mail and in-app rows for every active user."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from incidents.i18n import N_
from incidents.jobs import JobContext, enqueue, job_kind
from incidents.jobs.models import Job
from incidents.nearmiss.digest import cases_of_month, previous_month, send_digest

DIGEST = "nearmiss.digest"


def _officers(session: Session, actor: Any, job: Job) -> bool:
    return actor is not None and actor.is_officer


def queue_digest(session: Session, *, month: str | None = None) -> Job | None:
    """Queue the digest of `month` (default: the previous month); None when nothing was published then."""
    month = month or previous_month()
    if not cases_of_month(session, month):
        return None
    return enqueue(session, DIGEST, {"month": month}, dedupe_key=f"nearmiss-digest:{month}")


@job_kind(DIGEST, title=N_("Monthly near-miss digest"), visible=_officers)
def digest(ctx: JobContext) -> dict[str, Any]:
    with ctx.session() as session:
        queued = send_digest(session, month=ctx.params["month"])
    ctx.progress(queued, queued)
    return {"month": ctx.params["month"], "queued": queued}
