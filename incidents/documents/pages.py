"""The documents section of the incident page, and its two forms. Thin: services do the work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from incidents.api_deps import SessionDep
from incidents.cases.models import Recipient
from incidents.config import get_settings
from incidents.documents import jobs, service, wording
from incidents.documents.kinds import KINDS, DocumentKind
from incidents.i18n import get_locale
from incidents.cases.access import can_manage
from incidents.pagekit import CsrfChecked, PageUser, incident_section

router = APIRouter(include_in_schema=False)
MAX_CHOICES = 200


@incident_section(60, "pages/documents/_section.html")
def documents_section(*, session, user, incident):
    locale = get_locale()
    tz = get_settings().tz
    docs = service.list_documents(session, actor=user, incident_id=incident.id)
    recipients = session.execute(select(Recipient.address, Recipient.kind).where(
        Recipient.incident_id == incident.id).order_by(Recipient.position, Recipient.id).limit(MAX_CHOICES)).all()
    letter_jobs = jobs.recent(session, incident.id)
    return {
        "documents": [{"doc": service.to_public(session, d), "created": d.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                       "title": KINDS[DocumentKind(d.kind)].title(locale)} for d in reversed(docs)],
        "kinds": [(k.value, KINDS[k].title(locale), KINDS[k].needs_recipient) for k in DocumentKind],
        "recipients": [{"address": a, "kind": k} for a, k in recipients],
        "jobs": [jobs.to_public(j) for j in letter_jobs],
        "lang": locale,
        "wording": wording.get(session, actor=user, incident_id=incident.id),
        "may_word": can_manage(session, user, incident),
        "letters_made": any(d.kind in {k.value for k in service.OUTWARD} for d in docs) or bool(letter_jobs),
    }


def _back(incident_id: int) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}#documents", status_code=303)


@router.post("/incidents/{incident_id}/documents", dependencies=[CsrfChecked])
async def generate(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    service.generate(session, actor=user, incident_id=incident_id, kind=str(form.get("kind", "")),
                     lang=str(form.get("lang", "ja")), recipient=str(form.get("recipient") or "") or None)
    return _back(incident_id)


@router.post("/incidents/{incident_id}/letters", dependencies=[CsrfChecked])
async def letters(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    jobs.start(session, actor=user, incident_id=incident_id, to=str(form.get("to", "")),
               lang=str(form.get("lang", "ja")), merge=form.get("merge") == "1")
    return _back(incident_id)


@router.post("/incidents/{incident_id}/letter-wording", dependencies=[CsrfChecked])
async def set_wording(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    data = wording.WordingIn(**{f: str(form.get(f) or "") for f in wording.FIELDS})
    wording.set_wording(session, actor=user, incident_id=incident_id, data=data)
    return _back(incident_id)
