"""Jobs over HTTP: a job's status and progress (done / total, ETA), for whoever may see it."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.api_deps import CurrentUser, SessionDep
from incidents.jobs import service
from incidents.jobs.service import JobPublic

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", response_model=JobPublic)
def get_job(job_id: int, session: SessionDep, user: CurrentUser):
    """A background job: its status, progress (done / total, percent, ETA at its worker's pace), result or error."""
    return service.to_public(service.get(session, actor=user, job_id=job_id))
