"""Documents over HTTP: generate, list, download, link to a step; bulk letter jobs. No rules here."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from incidents.api_deps import CurrentUser, SessionDep
from incidents.documents import jobs, service, wording
from incidents.documents.models import DocumentCreate, DocumentPublic, LetterJobPublic, LettersCreate, StepLink

router = APIRouter(tags=["documents"])


@router.get("/incidents/{incident_id}/documents", response_model=list[DocumentPublic])
def list_documents(incident_id: int, session: SessionDep, user: CurrentUser):
    return [service.to_public(session, d) for d in service.list_documents(session, actor=user, incident_id=incident_id)]


@router.post("/incidents/{incident_id}/documents", response_model=DocumentPublic, status_code=201)
def generate_document(incident_id: int, body: DocumentCreate, session: SessionDep, user: CurrentUser):
    doc = service.generate(session, actor=user, incident_id=incident_id, kind=body.kind, lang=body.lang,
                           recipient=body.recipient, step_id=body.step_id)
    return service.to_public(session, doc)


@router.get("/documents/{document_id}", response_model=DocumentPublic)
def get_document(document_id: int, session: SessionDep, user: CurrentUser):
    return service.to_public(session, service.get(session, actor=user, document_id=document_id))


@router.get("/documents/{document_id}/pdf", response_class=Response)
def download_document(document_id: int, session: SessionDep, user: CurrentUser):
    doc, data = service.content(session, actor=user, document_id=document_id)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{doc.filename}"', "X-Content-SHA256": doc.sha256})


@router.put("/documents/{document_id}/step", response_model=DocumentPublic)
def link_step(document_id: int, body: StepLink, session: SessionDep, user: CurrentUser):
    return service.to_public(session, service.link_step(session, actor=user, document_id=document_id,
                                                        step_id=body.step_id))


@router.post("/incidents/{incident_id}/letters", response_model=LetterJobPublic, status_code=202)
def start_letters(incident_id: int, body: LettersCreate, session: SessionDep, user: CurrentUser):
    """Queue the letters; a worker (`incidents worker`) renders them. Progress: GET /jobs/{id}."""
    persons = [p.model_dump() for p in body.persons] if body.persons else None
    job = jobs.start(session, actor=user, incident_id=incident_id, to=body.to, lang=body.lang, merge=body.merge,
                     persons=persons)
    return jobs.to_public(job)


@router.get("/letter-jobs/{job_id}", response_model=LetterJobPublic)
def letter_job(job_id: int, session: SessionDep, user: CurrentUser):
    return jobs.to_public(jobs.get(session, actor=user, job_id=job_id))


@router.get("/letter-jobs/{job_id}/download", response_class=FileResponse)
def download_letters(job_id: int, session: SessionDep, user: CurrentUser):
    job, path = jobs.output(session, actor=user, job_id=job_id)
    media = "application/pdf" if path.suffix == ".pdf" else "application/zip"
    return FileResponse(path, media_type=media, filename=f"incident{job.incident_id}-{job.params['letter_kind']}-{job.params['lang']}{path.suffix}",
                        headers={"X-Content-SHA256": job.result["sha256"]})


@router.get("/incidents/{incident_id}/letter-wording", response_model=wording.WordingPublic)
def get_wording(incident_id: int, session: SessionDep, user: CurrentUser):
    """What letters say beyond the recorded facts (cause, what was done, what will change), per language."""
    return wording.get(session, actor=user, incident_id=incident_id)


@router.put("/incidents/{incident_id}/letter-wording", response_model=wording.WordingPublic)
def set_wording(incident_id: int, body: wording.WordingIn, session: SessionDep, user: CurrentUser):
    return wording.set_wording(session, actor=user, incident_id=incident_id, data=body)
