"""The near-miss workflow: draft (from the incident and its analysis), publish (a manager of the
department or an officer approves, possibly after editing), withdraw. Services flush, never commit,
and audit every change.

The published case is a copy: title and section texts, coarse facts for the filters and statistics,
and `source_ref` (an HMAC of the incident id under the server's secret) instead of the incident id.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlmodel import Session

from incidents import events
from incidents.analysis.service import analysis_dict
from incidents.audit.service import record
from incidents.cases import service as cases
from incidents.cases.models import Incident
from incidents.cases.record import record_of
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput, NotFound
from incidents.nearmiss.anonymize.record import RecordMatcher, known_values
from incidents.nearmiss.draft import NearMissDraft, generate
from incidents.nearmiss import search_index
from incidents.nearmiss.models import CaseStatus, NearMissCase
from incidents.nearmiss.schemas import CasePublic, DraftOut, DraftStatus, PublishIn, SectionOut
from incidents.cases.access import can_manage, visible_incident
from incidents.people.models import User
from incidents.types import utcnow

MAX_RECIPIENTS_FOR_VALUES = 2000  # record values looked for in the text: the first recipients of a mass mail


def source_ref(incident_id: int) -> str:
    key = get_settings().resolved_secret_key().encode()
    return hmac.new(key, f"nearmiss:incident:{incident_id}".encode(), hashlib.sha256).hexdigest()


def index_case(case: NearMissCase) -> NearMissCase:
    """The case's search terms, from its title and section texts (see search_index)."""
    body = "\n".join([case.title] + [s["text"] for s in case.sections])
    case.search_text, case.terms = search_index.fold(body), search_index.joined(body)
    case.title_terms = search_index.joined(case.title)
    return case


def incident_dict(session: Session, incident: Incident) -> dict:
    """The record's JSON contract (with its first recipients), for the draft generator and the matcher."""
    return cases.public(record_of(session, incident, recipients=MAX_RECIPIENTS_FOR_VALUES)).model_dump()


def build_draft(session: Session, incident: Incident, locale: str = "ja") -> NearMissDraft:
    return generate(incident_dict(session, incident), analysis_dict(session, incident.id), locale=locale,
                    timezone=get_settings().timezone)


def case_for(session: Session, incident_id: int) -> NearMissCase | None:
    return session.execute(select(NearMissCase).where(NearMissCase.source_ref == source_ref(incident_id))).scalar_one_or_none()


def draft(session: Session, *, actor: User, incident_id: int, locale: str = "ja") -> DraftOut:
    """The anonymised draft with every replacement (and its original, for the reviewer)."""
    incident = visible_incident(session, actor, incident_id)
    d = build_draft(session, incident, locale)
    case = case_for(session, incident_id)
    return DraftOut(incident_id=incident_id, draft=d.public(with_original=True),
                    publication=DraftStatus(case_id=case.id if case else None, status=case.status if case else None,
                                            published_at=case.published_at if case else None,
                                            can_publish=can_manage(session, actor, incident)))


def _leftovers(session: Session, incident: Incident, texts: list[str]) -> list[str]:
    """Values of the record (names, addresses, organisations, file names) still present in edited text."""
    # Full values only (a whole name, address, organisation, file name): a surname alone may be an ordinary
    # word ("Will", "Young") and must not block a manager's edit.
    # The department's name ("Sales") is a word of the trade: the draft replaces it, an edit may use it.
    record_data = {k: v for k, v in incident_dict(session, incident).items() if k != "department"}
    matcher = RecordMatcher([v for v in known_values(record_data) if v.key is not None])
    found = []
    for text in texts:
        found += [text[f.start:f.end] for f in matcher.find(text)]
    return sorted(set(found))


def case_public(case: NearMissCase) -> CasePublic:
    return CasePublic(
        id=case.id, title=case.title, locale=case.locale, sections=[SectionOut(**s) for s in case.sections],
        mistake_type=case.mistake_type, discovery_method=case.discovery_method, period=case.period,
        data_items=case.data_items, persons_min=case.persons_min, persons_max=case.persons_max, factors=case.factors,
        four_m=case.four_m, four_e=case.four_e, status=case.status, published_at=case.published_at,
    )


def publish(session: Session, *, actor: User, incident_id: int, data: PublishIn | None = None) -> CasePublic:
    """Approve and publish (or re-publish, after an edit or a withdrawal) the case of an incident."""
    data = data or PublishIn()
    incident = visible_incident(session, actor, incident_id)
    if not can_manage(session, actor, incident):
        raise Forbidden("publishing a near-miss case needs a manager of the department or an officer")
    d = build_draft(session, incident, data.locale)
    title = data.title or d.title.text
    sections = [{"key": s.key, "title": s.title, "text": (data.sections.get(s.key) or s.text).strip()}
                for s in d.sections]
    left = _leftovers(session, incident, [title] + [s["text"] for s in sections])
    if left:
        raise InvalidInput("the text still names someone or something from the record: " + ", ".join(left),
                           code="not_anonymous")
    case = case_for(session, incident_id)
    before = None
    if case is None:
        case = NearMissCase(source_ref=source_ref(incident_id))
    else:
        before = {"status": case.status, "title": case.title}
    lo, hi = d.persons_range or (None, None)
    case.locale, case.title, case.sections = data.locale, title, sections
    index_case(case)
    case.mistake_type, case.discovery_method, case.period = d.mistake_type, d.discovery_method, d.period
    case.data_items, case.persons_min, case.persons_max = d.data_items, lo, hi
    case.factors, case.factors_text = d.factors, " " + " ".join(d.factors) + " "
    case.four_m, case.four_e, case.four_e_text = d.four_m, d.four_e, " " + " ".join(d.four_e) + " "
    case.hours_to_report = d.hours_to_report
    now = utcnow()
    if case.status != CaseStatus.published or case.id is None:
        case.published_at = now
    case.status, case.withdrawn_at, case.updated_at = CaseStatus.published, None, now
    session.add(case)
    session.flush()
    record(session, actor=actor, action="nearmiss.published", incident_id=incident_id, entity="nearmiss_case",
           entity_id=case.id, before=before, after={"title": title, "locale": data.locale,
                                                     "edited": sorted(data.sections) + (["title"] if data.title else [])})
    out = case_public(case)
    # e.g. the response playbook may tick its "nearmiss" step
    events.publish("nearmiss.published", session=session, incident=incident, actor=actor, case=out)
    return out


def withdraw(session: Session, *, actor: User, reason: str, incident_id: int | None = None,
             case_id: int | None = None) -> CasePublic:
    """Withdraw a published case: by its incident (a manager of the department or an officer), or by
    the case number (officers, who need no incident to find it)."""
    if incident_id is not None:
        incident = visible_incident(session, actor, incident_id)
        if not can_manage(session, actor, incident):
            raise Forbidden("withdrawing a near-miss case needs a manager of the department or an officer")
        case = case_for(session, incident_id)
    else:
        if not actor.is_officer:
            raise Forbidden("withdrawing a case by its number is for officers; managers withdraw by incident")
        case = session.get(NearMissCase, case_id)
    if case is None or case.status != CaseStatus.published:
        raise NotFound("no published near-miss case for it")
    case.status, case.withdrawn_at, case.updated_at = CaseStatus.withdrawn, utcnow(), utcnow()
    session.add(case)
    session.flush()
    record(session, actor=actor, action="nearmiss.withdrawn", incident_id=incident_id, entity="nearmiss_case",
           entity_id=case.id, before={"status": "published"}, after={"status": "withdrawn", "reason": reason})
    out = case_public(case)
    events.publish("nearmiss.withdrawn", session=session, incident_id=incident_id, actor=actor, case=out)
    return out
