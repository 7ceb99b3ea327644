"""Bulk letters as a background job: a page, the API or the CLI queues it; a worker (`incidents worker`)
renders it; anyone who may see the incident can watch and download.

`start` (a service: checks, counts, queues the job) runs in the caller's transaction. The job kind
`documents.letters` renders in the worker, recording each letter as a made item of the job, so a worker
that takes over a job whose worker died skips the letters already made. The output of a job lives in
<data_dir>/documents/jobs/<job>-<time>/: the letters (see bulk.py) and, when done, letters.pdf (merged) or
letters.zip (one PDF per reader).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from incidents.audit import service as audit
from incidents.cases.access import require_incident_reader, visible_incident
from incidents.config import get_settings
from incidents.documents import service
from incidents.documents.bulk import MERGED_NAME, write_letters
from incidents.documents.models import LetterJobPublic
from incidents.errors import Conflict, NotFound
from incidents.i18n import N_
from incidents.jobs import JobContext, enqueue, job_kind
from incidents.jobs import service as jobs
from incidents.jobs.models import Job, JobStatus
from incidents.people.models import User

LETTERS = "documents.letters"
ZIP_NAME = "letters.zip"


def _visible(session: Session, actor: Any, job: Job) -> bool:
    try:
        visible_incident(session, actor, job.incident_id)
    except NotFound:
        return False
    return True


def job_dir(job: Job) -> Path:
    """Unique per job even if a database is reset and ids start again."""
    name = (job.params or {}).get("dir") or f"{job.id}-{job.created_at.strftime('%Y%m%dT%H%M%S%f')}"
    return Path(get_settings().data_dir).resolve() / "documents" / "jobs" / name


def start(session: Session, *, actor: User, incident_id: int, to: str, lang: str = "ja", merge: bool = False,
          persons: list[dict[str, Any]] | None = None) -> Job:
    """Check and queue a bulk letter run; a worker renders it (the caller commits)."""
    run, readers = service.prepare_letters(session, actor=actor, incident_id=incident_id, to=to, lang=lang,
                                           persons=persons)
    params = {"to": to, "lang": run.lang, "merge": merge, "letter_kind": run.kind,
              "issued_on": run.issued_on.isoformat() if run.issued_on else None}
    if persons is not None:
        params["persons"] = persons
    job = enqueue(session, LETTERS, params, actor=actor, incident_id=incident_id, total=len(readers))
    audit.record(session, actor=actor, action="letters.started", incident_id=incident_id, entity="letter_job",
                 entity_id=job.id, after={"kind": run.kind, "to": to, "lang": run.lang, "count": len(readers),
                                          "merge": merge})
    session.flush()
    return job


def get(session: Session, *, actor: User, job_id: int) -> Job:
    require_incident_reader(actor)  # the same answer whether the job exists or not
    job = session.get(Job, job_id)
    if job is None or job.kind != LETTERS or not _visible(session, actor, job):
        raise NotFound("no letter job %(id)s", id=job_id)
    return job


def recent(session: Session, incident_id: int, limit: int = 5) -> list[Job]:
    """The newest letter jobs of an incident the caller may see."""
    return jobs.for_incident(session, incident_id, kinds=[LETTERS], limit=limit)


def output(session: Session, *, actor: User, job_id: int) -> tuple[Job, Path]:
    job = get(session, actor=actor, job_id=job_id)
    if job.status != JobStatus.done:
        raise Conflict("letter job %(id)s is not done yet; download it when it is done", id=job_id)
    return job, job_dir(job) / job.result["output_name"]


def to_public(job: Job) -> LetterJobPublic:
    done = job.status == JobStatus.done
    params, result = job.params or {}, job.result or {}
    return LetterJobPublic(
        id=job.id, incident_id=job.incident_id, kind=params.get("letter_kind", ""), audience=params.get("to", ""),
        lang=params.get("lang", ""), merge=bool(params.get("merge")), status=job.status, total=job.total,
        done=job.total if done else job.done, error=job.error, output_name=result.get("output_name", ""),
        sha256=result.get("sha256", ""), size_bytes=result.get("size_bytes", 0), created_at=job.created_at,
        finished_at=job.finished_at, eta_seconds=jobs.eta_seconds(job),
        download_url=f"/api/v1/letter-jobs/{job.id}/download" if done else None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _zip(files: list[Path], target: Path) -> Path:
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:  # PDFs are compressed already
        for f in files:
            zf.write(f, arcname=f.name)
    tmp.replace(target)
    target.chmod(0o600)
    return target


@job_kind(LETTERS, title=N_("Letters to many recipients"), visible=_visible)
def letters(ctx: JobContext) -> dict[str, Any]:
    """Render the letters (resuming what earlier workers of this job made), then the ZIP or merged PDF."""
    p = ctx.params
    with ctx.session() as session:
        actor = ctx.actor(session)
        run, readers = service.prepare_letters(session, actor=actor, incident_id=ctx.incident_id, to=p["to"],
                                               lang=p["lang"], persons=p.get("persons"))
        job = session.get(Job, ctx.job_id)
        out = job_dir(job)
    if p.get("issued_on"):
        run = replace(run, issued_on=date.fromisoformat(p["issued_on"]))  # the date of the request, on every letter
    merge = bool(p.get("merge"))
    ctx.progress(0, len(readers))
    result = write_letters(run, readers, out, merge=merge, workers=get_settings().documents_workers,
                           progress=lambda done, total: ctx.progress(done, total), made=ctx.made)
    target = out / MERGED_NAME if merge else _zip(result.files, out / ZIP_NAME)
    sha = _sha256(target)
    ctx.check()
    with ctx.session() as session:
        service.record_letters(session, actor=ctx.actor(session), incident_id=ctx.incident_id, run=run,
                               count=result.total, output=target.name, merge=merge, sha256=sha)
    return {"output_name": target.name, "size_bytes": target.stat().st_size, "sha256": sha,
            "letters": result.total, "written": result.written, "skipped": result.skipped}
