"""Bulk letters as a background job: the API starts it, anyone allowed can watch and download.

`start` (a service: checks, counts, stores the job row) runs in the request's transaction; `run`
is the job wrapper: it owns its sessions and commits progress as batches finish. The output of
job N lives in <data_dir>/documents/jobs/N/: the letters (resumable, see bulk.py) and, when done,
letters.pdf (merged) or letters.zip (one PDF per reader).
"""

from __future__ import annotations

import hashlib
import traceback
import zipfile
from pathlib import Path
from typing import Any

from sqlmodel import Session

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.documents import service
from incidents.documents.bulk import MERGED_NAME, write_letters
from incidents.documents.models import JobStatus, LetterJob, LetterJobPublic
from incidents.errors import Conflict, NotFound
from incidents.cases.access import visible_incident
from incidents.people.models import User
from incidents.types import utcnow

ZIP_NAME = "letters.zip"


def job_dir(job: LetterJob) -> Path:
    """Unique per job even if a database is reset and ids start again."""
    stamp = job.created_at.strftime("%Y%m%dT%H%M%S%f")
    return Path(get_settings().data_dir).resolve() / "documents" / "jobs" / f"{job.id}-{stamp}"


def start(session: Session, *, actor: User, incident_id: int, to: str, lang: str = "ja", merge: bool = False,
          persons: list[dict[str, Any]] | None = None) -> LetterJob:
    run, readers = service.prepare_letters(session, actor=actor, incident_id=incident_id, to=to, lang=lang,
                                           persons=persons)
    job = LetterJob(incident_id=incident_id, kind=run.kind, audience=to, lang=run.lang, merge=merge,
                    total=len(readers), created_by_id=actor.id)
    session.add(job)
    session.flush()
    from incidents.audit import service as audit

    audit.record(session, actor=actor, action="letters.started", incident_id=incident_id, entity="letter_job",
                 entity_id=job.id, after={"kind": run.kind, "to": to, "lang": run.lang, "count": len(readers),
                                          "merge": merge})
    session.flush()
    return job


def get(session: Session, *, actor: User, job_id: int) -> LetterJob:
    job = session.get(LetterJob, job_id)
    if job is None:
        raise NotFound(f"no letter job {job_id}")
    try:
        visible_incident(session, actor, job.incident_id)
    except NotFound:
        raise NotFound(f"no letter job {job_id}") from None
    return job


def output(session: Session, *, actor: User, job_id: int) -> tuple[LetterJob, Path]:
    job = get(session, actor=actor, job_id=job_id)
    if job.status != JobStatus.done:
        raise Conflict(f"letter job {job_id} is {job.status}; download when it is done")
    return job, job_dir(job) / job.output_name


def to_public(job: LetterJob) -> LetterJobPublic:
    done = job.status == JobStatus.done
    return LetterJobPublic(
        id=job.id, incident_id=job.incident_id, kind=job.kind, audience=job.audience, lang=job.lang, merge=job.merge,
        status=job.status, total=job.total, done=job.done, error=job.error, output_name=job.output_name,
        sha256=job.sha256, size_bytes=job.size_bytes, created_at=job.created_at, finished_at=job.finished_at,
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
    return target


def run(job_id: int, *, persons: list[dict[str, Any]] | None = None) -> None:
    """The job wrapper (a background task or a CLI): render, then record the output. Never raises."""
    try:
        with session_scope() as session:
            job = session.get(LetterJob, job_id)
            if job is None or job.status == JobStatus.done:
                return
            actor = session.get(User, job.created_by_id)
            letters, readers = service.prepare_letters(session, actor=actor, incident_id=job.incident_id,
                                                       to=job.audience, lang=job.lang, persons=persons)
            job.status, job.total = JobStatus.running, len(readers)
            session.add(job)
        merge = job.merge

        def progress(done: int, total: int) -> None:
            with session_scope() as s:
                row = s.get(LetterJob, job_id)
                row.done, row.total = done, total
                s.add(row)

        out = job_dir(job)
        result = write_letters(letters, readers, out, merge=merge, workers=get_settings().documents_workers,
                               progress=progress)
        target = out / MERGED_NAME if merge else _zip(result.files, out / ZIP_NAME)
        with session_scope() as session:
            row = session.get(LetterJob, job_id)
            row.status, row.done, row.finished_at = JobStatus.done, result.total, utcnow()
            row.output_name, row.size_bytes, row.sha256 = target.name, target.stat().st_size, _sha256(target)
            session.add(row)
            service.record_letters(session, actor=session.get(User, row.created_by_id), incident_id=row.incident_id,
                                   run=letters, count=result.total, output=target.name, merge=merge,
                                   sha256=row.sha256)
    except Exception as exc:  # noqa: BLE001 - the job records its failure instead of dying silently
        detail = getattr(exc, "detail", None) or f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
        with session_scope() as session:
            row = session.get(LetterJob, job_id)
            if row is not None:
                row.status, row.error, row.finished_at = JobStatus.failed, str(detail)[:2000], utcnow()
                session.add(row)
