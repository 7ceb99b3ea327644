"""Documents as a service: generate, version, list, link to a playbook step; prepare bulk letters.

Keyword-only functions, `session` first; they flush and never commit. Authorization is checked
here for every object (API, pages and CLI alike); every change leaves an audit event.

Who may issue what: internal documents (first report, root-cause report, case file) anyone who
may see the incident; documents that leave the organisation (letters, the regulator draft) the
incident's manager or an officer, or anyone once the organisation's decision step is done
(the organisation decides the response before anyone apologises on their own judgement).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.audit import service as audit
from incidents.cases import service as cases
from incidents.cases.models import Incident, Recipient
from incidents.config import get_settings
from incidents.documents import references, story, wording
from incidents.documents.bulk import LetterRun
from incidents.documents.context import MAX_LISTED_RECIPIENTS, Extras, Letterhead, Person, build_context
from incidents.documents.kinds import AUDIENCE_KINDS, KINDS, Audience, DocumentKind, Language
from incidents.documents.models import Document, DocumentContent, DocumentPublic
from incidents.documents.render import DocumentTemplateError, get_renderer
from incidents.errors import Forbidden, InvalidInput, NotFound
from incidents.cases.access import can_manage, require_incident_reader, visible_incident
from incidents.organisation import org_profile
from incidents.people.models import User

OUTWARD = {DocumentKind.apology_unintended, DocumentKind.apology_intended, DocumentKind.notice_affected,
           DocumentKind.regulator_report}
ACTION_STEP_KINDS = ("containment", "deletion", "apology")
_SAFE = re.compile(r"[^A-Za-z0-9@._-]+")


def parse_kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise InvalidInput(f"unknown document kind {kind!r}; one of: {', '.join(k.value for k in DocumentKind)}") from None


def parse_lang(lang: str) -> str:
    try:
        return Language(lang).value
    except ValueError:
        raise InvalidInput(f"unknown language {lang!r}; ja or en") from None


def letterhead(lang: str) -> Letterhead:
    s = get_settings()
    en = lang == "en"
    profile = org_profile()

    def pick(ja: str, en_value: str) -> str:
        return en_value if en and en_value else ja

    return Letterhead(
        name=(s.org_name_en if en else s.org_name),
        department=pick(s.documents_org_department, s.documents_org_department_en),
        postal_code=s.documents_org_postal_code,
        address=pick(s.documents_org_address, s.documents_org_address_en),
        phone=s.documents_org_phone, email=s.documents_org_email,
        contact_desk=pick(s.documents_contact_desk, s.documents_contact_desk_en),
        contact_hours=pick(s.documents_contact_hours, s.documents_contact_hours_en),
        signer_name=pick(s.documents_signer_name, s.documents_signer_name_en),
        signer_title=pick(s.documents_signer_title, s.documents_signer_title_en),
        logo=s.documents_logo, timezone=s.timezone, era_dates=s.documents_era_dates,
        self_ref=profile.self_en if en else profile.self_ja, readers=profile.readers.value,
        return_days=s.documents_return_days, fax=s.documents_org_fax,
    )


def renderer():
    directory = get_settings().documents_template_dir
    return get_renderer(Path(directory).resolve() if directory else None)


# ---- permissions --------------------------------------------------------------------------------


def _decision_done(session: Session, incident_id: int) -> bool:
    from incidents.response.actions import decided

    return decided(session, incident_id)


def require_may_issue(session: Session, actor: User, incident: Incident, kind: DocumentKind) -> None:
    if kind not in OUTWARD or can_manage(session, actor, incident):
        return
    if not _decision_done(session, incident.id):
        raise Forbidden("letters and reports leave the organisation: they wait for the decision on the response "
                        "(step 'decision'), or a manager or officer issues them")


# ---- context ------------------------------------------------------------------------------------


def incident_record(session: Session, incident: Incident, *, listed: int = 0):
    """The one read model of the incident (cases.record), with its first `listed` recipients; recipients
    are counted by the database whatever their number."""
    from incidents.cases import record

    return record.record_of(session, incident, recipients=listed)


def _root_cause(session: Session, actor: User, incident: Incident, lang: str) -> dict[str, Any] | None:
    """The root-cause analysis (incidents.analysis) as the documents' plain data, if one was recorded."""
    try:
        from incidents.analysis import service as analysis
        from incidents.analysis import vocab
    except ImportError:  # pragma: no cover - the analysis domain is part of the product
        return None
    a = analysis.get_analysis(session, actor=actor, incident_id=incident.id)
    if not (a.whys or a.causes or a.factors or a.countermeasures):
        return None
    factors = [{"category": c.get("four_m") or "", "text": c.get("text", "")} for c in a.causes]
    factors += [{"category": "", "text": vocab.factor_label(code, lang)} for code in a.factors]
    return {
        "summary": a.factor_notes,
        "whys": list(a.whys),
        "root_cause": a.whys[-1] if a.whys else "",
        "factors": factors,
        "countermeasures": [{"title": c.title, "category": c.four_e, "owner": c.owner_name,
                             "due_on": c.due_on.isoformat(), "status": c.status} for c in a.countermeasures],
    }


def extras_for(session: Session, actor: User, incident: Incident, *, full: bool, lang: str = "ja") -> Extras:
    """The response, the analysis and the letter wording as plain data. Step notes are internal: they
    reach only internal documents (`full`: first report, case file), never a letter or the regulator."""
    from incidents.response import service as response

    assessment = response.assessment_of(session, incident).model_dump(mode="json")
    steps = [response.to_public(s, locale="ja").model_dump(mode="json")
             for s in response.list_steps(session, actor=actor, incident_id=incident.id)]
    extras = Extras(assessment=assessment, steps=steps, root_cause=_root_cause(session, actor, incident, lang),
                    progress=story.progress(steps), wording=wording.for_letters(session, incident.id, lang),
                    decided=story.step_done(steps, "decision") or any(
                        s["kind"] == "decision" and s["status"] == "waived" for s in steps))
    extras.entrustment = _entrustment(session, incident)
    if full:
        title = "title_en" if lang == "en" else "title_ja"
        actions = [s[title] + ((f" ({s['note']})" if lang == "en" else f"（{s['note']}）") if s.get("note") else "")
                   for s in steps if s["kind"] in ACTION_STEP_KINDS and s["status"] == "done" and not s.get("recipient")]
        extras.actions_taken = actions[:20]
        extras.timeline = [e.model_dump(mode="json") for e in audit.timeline(session, incident_id=incident.id)]
        extras.documents = [
            {"title": KINDS[DocumentKind(d.kind)].title(lang) if d.kind in DocumentKind.__members__ else d.kind,
             "recipient": d.recipient_address, "version": d.version, "created_at": d.created_at}
            for d in _documents(session, incident.id)]
    return extras


def _entrustment(session: Session, incident: Incident) -> dict[str, str]:
    """The 委託元／委託先 relation the incident names (set by an officer with the regimes' overrides)."""
    from incidents.regimes.service import overrides_row

    row = overrides_row(session, incident.id)
    if row is None or row.entrustment not in ("principal", "contractor") or not (row.counterpart or "").strip():
        return {"role": "none", "counterpart": ""}  # known: no entrustment
    return {"role": row.entrustment, "counterpart": row.counterpart.strip()}


def _ppc_form(session: Session, actor: User, incident: Incident):
    """The PPC online form as the regimes domain models it: the draft says what the export says.
    A 確報 once the 速報 was submitted, a 速報 before."""
    from incidents.regimes import ppc_form
    from incidents.regimes.models import ObligationStatus
    from incidents.regimes.service import obligations_of

    submitted = any(o.key == "appi:preliminary" and o.status == ObligationStatus.submitted
                    for o in obligations_of(session, incident))
    return ppc_form.build_form(session, actor=actor, incident_id=incident.id,
                               phase="final" if submitted else "preliminary")


def _reader(session: Session, actor: User, incident: Incident, kind: DocumentKind,
            address: str | None) -> Recipient | None:
    if not address:
        if KINDS[kind].needs_recipient:
            raise InvalidInput("this letter is written to one person: choose one of the incident's recipients",
                               field="recipient")
        return None
    if not KINDS[kind].letter:
        raise InvalidInput(f"a {kind.value} has no single reader; leave out the recipient")
    row = cases.recipient(session, actor=actor, incident_id=incident.id, address=address)
    wanted = {DocumentKind.apology_unintended: "unintended", DocumentKind.apology_intended: "intended"}.get(kind)
    if wanted and row.kind != wanted:
        raise InvalidInput(f"{address} is an {row.kind} recipient; {kind.value} is for {wanted} recipients")
    return row


# ---- documents ----------------------------------------------------------------------------------


def _documents(session: Session, incident_id: int) -> list[Document]:
    return list(session.execute(
        select(Document).where(Document.incident_id == incident_id).order_by(Document.id)).scalars())


def _check_step(session: Session, incident: Incident, step_id: int | None) -> None:
    if step_id is None:
        return
    from incidents.response.models import Step

    step = session.get(Step, step_id)
    if step is None or step.incident_id != incident.id:
        raise NotFound(f"step {step_id} is not a step of incident {incident.id}")


def generate(session: Session, *, actor: User, incident_id: int, kind: str, lang: str = "ja",
             recipient: str | None = None, step_id: int | None = None, issued_on: datetime | None = None) -> Document:
    """Render a document from the record and store it as a new version."""
    kind_ = parse_kind(kind)
    lang = parse_lang(lang)
    incident = visible_incident(session, actor, incident_id)
    require_may_issue(session, actor, incident, kind_)
    reader = _reader(session, actor, incident, kind_, recipient)
    _check_step(session, incident, step_id)
    full = kind_ in (DocumentKind.case_file, DocumentKind.first_report)
    person = None
    if reader is not None:
        person = Person(address=reader.address, name=reader.name, organization=reader.organization,
                        field=reader.field, kind=reader.kind,
                        reference=references.ensure(session, incident_id=incident.id)[reader.id])
    data = incident_record(session, incident, listed=MAX_LISTED_RECIPIENTS if full else 0)
    extras = extras_for(session, actor, incident, full=full, lang=lang)
    if kind_ == DocumentKind.regulator_report and lang == "ja":
        extras.regulator_form = _ppc_form(session, actor, incident)
    ctx = build_context(data, kind=kind_, lang=lang,
                        letterhead=letterhead(lang), issued_on=issued_on or datetime.now(get_settings().tz),
                        recipient=person, extras=extras)
    try:
        pdf, pages = renderer().pdf_and_pages(kind_, lang, ctx)
    except DocumentTemplateError as exc:
        raise InvalidInput(f"the document template failed: {exc}") from None
    address = reader.address if reader else ""
    version = (session.execute(select(func.max(Document.version)).where(
        Document.incident_id == incident.id, Document.kind == kind_.value, Document.lang == lang,
        Document.recipient_address == address)).scalar() or 0) + 1
    suffix = f"-{_SAFE.sub('_', address)}" if address else ""
    doc = Document(
        incident_id=incident.id, kind=kind_.value, lang=lang, recipient_address=address, version=version,
        title=KINDS[kind_].title(lang), filename=f"incident{incident.id}-{kind_.value}-{lang}{suffix}-v{version}.pdf",
        sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf), pages=pages, step_id=step_id,
        created_by_id=actor.id,
    )
    session.add(doc)
    session.flush()
    session.add(DocumentContent(document_id=doc.id, data=pdf))
    audit.record(session, actor=actor, action="document.generated", incident_id=incident.id, entity="document",
                 entity_id=doc.id, after={"kind": doc.kind, "lang": lang, "recipient": address or None,
                                          "version": version, "sha256": doc.sha256, "step_id": step_id})
    session.flush()
    return doc


def list_documents(session: Session, *, actor: User, incident_id: int) -> list[Document]:
    visible_incident(session, actor, incident_id)
    return _documents(session, incident_id)


def get(session: Session, *, actor: User, document_id: int) -> Document:
    require_incident_reader(actor)  # the same answer whether the document exists or not
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document {document_id}")
    try:
        visible_incident(session, actor, doc.incident_id)
    except NotFound:
        raise NotFound(f"no document {document_id}") from None
    return doc


def content(session: Session, *, actor: User, document_id: int) -> tuple[Document, bytes]:
    doc = get(session, actor=actor, document_id=document_id)
    row = session.get(DocumentContent, doc.id)
    return doc, row.data


def link_step(session: Session, *, actor: User, document_id: int, step_id: int | None) -> Document:
    """Record which playbook step this document fulfilled (None removes the link)."""
    doc = get(session, actor=actor, document_id=document_id)
    incident = visible_incident(session, actor, doc.incident_id)
    require_may_issue(session, actor, incident, DocumentKind(doc.kind))
    _check_step(session, incident, step_id)
    before = doc.step_id
    doc.step_id = step_id
    session.add(doc)
    audit.record(session, actor=actor, action="document.step_linked", incident_id=incident.id, entity="document",
                 entity_id=doc.id, before={"step_id": before}, after={"step_id": step_id})
    session.flush()
    return doc


def to_public(session: Session, doc: Document) -> DocumentPublic:
    creator = session.get(User, doc.created_by_id) if doc.created_by_id else None
    return DocumentPublic(
        id=doc.id, incident_id=doc.incident_id, kind=doc.kind, lang=doc.lang, recipient=doc.recipient_address or None,
        version=doc.version, title=doc.title, filename=doc.filename, sha256=doc.sha256, size_bytes=doc.size_bytes,
        pages=doc.pages, step_id=doc.step_id, created_by=creator.email if creator else None,
        created_at=doc.created_at, download_url=f"/api/v1/documents/{doc.id}/pdf",
    )


# ---- bulk letters -------------------------------------------------------------------------------


def parse_audience(to: str) -> Audience:
    try:
        return Audience(to)
    except ValueError:
        raise InvalidInput("letters go to the wrong recipients, the intended recipients or the people affected "
                           "(unintended, intended or affected), not %(to)s", to=repr(to), field="to") from None


def readers_for(session: Session, incident: Incident, audience: Audience,
                persons: Sequence[dict[str, Any]] | None = None) -> list[Person]:
    """Who gets a letter. The people concerned are the recipients when addresses were exposed
    (bcc_exposure); otherwise they are not in the record and must be given (a CSV or a list)."""
    if persons:
        rows = [Person(address=str(p.get("address") or ""), name=p.get("name") or None,
                       organization=p.get("organization") or None, postal_address=p.get("postal_address") or None)
                for p in persons]
    else:
        q = select(Recipient).where(Recipient.incident_id == incident.id).order_by(Recipient.position, Recipient.id)
        if audience != Audience.affected:
            q = q.where(Recipient.kind == audience.value)
        elif incident.mistake_type != "bcc_exposure":
            raise InvalidInput("the people concerned are not listed in the record for this kind of mistake; "
                               "give them as a CSV (address,name,organization,postal_address)")
        refs = references.ensure(session, incident_id=incident.id)
        rows = [Person(address=r.address, name=r.name, organization=r.organization, field=r.field, kind=r.kind,
                       reference=refs.get(r.id))
                for r in session.execute(q).scalars()]
    if not rows:
        raise InvalidInput(f"incident {incident.id} has no {audience.value} recipients to write to")
    return rows


def prepare_letters(session: Session, *, actor: User, incident_id: int, to: str, lang: str = "ja",
                    persons: Sequence[dict[str, Any]] | None = None) -> tuple[LetterRun, list[Person]]:
    """Check, gather and describe a bulk run (rendering happens outside the transaction)."""
    audience = parse_audience(to)
    lang = parse_lang(lang)
    kind = AUDIENCE_KINDS[audience]
    incident = visible_incident(session, actor, incident_id)
    require_may_issue(session, actor, incident, kind)
    readers = readers_for(session, incident, audience, persons)
    data = incident_record(session, incident)
    extras = extras_for(session, actor, incident, full=False, lang=lang)
    extras.steps = []
    directory = get_settings().documents_template_dir
    run = LetterRun(kind=kind.value, lang=lang, incident=data, letterhead=letterhead(lang), extras=extras,
                    issued_on=datetime.now(get_settings().tz).date(),
                    override_dir=str(Path(directory).resolve()) if directory else None)
    return run, readers


def record_letters(session: Session, *, actor: User | None, incident_id: int, run: LetterRun, count: int,
                   output: str, merge: bool, sha256: str | None = None) -> None:
    audit.record(session, actor=actor, action="letters.generated", incident_id=incident_id, entity="letters",
                 after={"kind": run.kind, "lang": run.lang, "count": count, "merge": merge, "output": output,
                        "sha256": sha256})
    session.flush()
