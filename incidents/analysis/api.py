"""Root-cause analysis over HTTP: the analysis of an incident, its countermeasures, the vocabularies."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.analysis import service
from incidents.analysis.blame import check_answer
from incidents.analysis.schemas import (AnalysisIn, AnalysisPublic, CountermeasureIn, CountermeasurePublic,
                                        CountermeasureUpdate, StatusIn)
from incidents.analysis.vocab import (FACTORS, SUGGESTED_COUNTERMEASURES, CountermeasureStatus, FourE, FourM,
                                      four_e_label, four_m_label, status_label)
from incidents.i18n import translate
from incidents.api_deps import CurrentUser, SessionDep

router = APIRouter(tags=["analysis"])


@router.get("/analysis/vocabulary")
def vocabulary(user: CurrentUser) -> dict:
    """The contributing-factor checklist, 4M, 4E, countermeasure statuses and suggested countermeasures."""
    return {
        "factors": [{"code": f.code, "four_m": f.four_m.value, "ja": f.ja, "en": f.en} for f in FACTORS],
        "four_m": [{"code": m.value, "ja": four_m_label(m, "ja"), "en": four_m_label(m, "en")} for m in FourM],
        "four_e": [{"code": e.value, "ja": four_e_label(e, "ja"), "en": four_e_label(e, "en")} for e in FourE],
        "statuses": [{"code": s.value, "ja": status_label(s, "ja"), "en": status_label(s, "en")}
                     for s in CountermeasureStatus],
        "suggested_countermeasures": [{"four_e": e.value, "ja": translate(msgid, "ja"), "en": msgid}
                                      for e, msgid in SUGGESTED_COUNTERMEASURES],
    }


@router.post("/analysis/check-answer")
def check(body: dict, user: CurrentUser) -> dict:
    """Does this answer blame a person alone? (for the form, as the user types)"""
    warning = check_answer(str(body.get("answer", ""))[:2000])
    return {"blame_warning": warning.public() if warning else None}


@router.get("/incidents/{incident_id}/analysis", response_model=AnalysisPublic)
def get_analysis(incident_id: int, session: SessionDep, user: CurrentUser):
    return service.get_analysis(session=session, actor=user, incident_id=incident_id)


@router.put("/incidents/{incident_id}/analysis", response_model=AnalysisPublic)
def save_analysis(incident_id: int, body: AnalysisIn, session: SessionDep, user: CurrentUser):
    return service.save_analysis(session=session, actor=user, incident_id=incident_id, data=body)


@router.get("/incidents/{incident_id}/countermeasures", response_model=list[CountermeasurePublic])
def list_countermeasures(incident_id: int, session: SessionDep, user: CurrentUser):
    return service.list_countermeasures(session=session, actor=user, incident_id=incident_id)


@router.post("/incidents/{incident_id}/countermeasures", status_code=201, response_model=CountermeasurePublic)
def add_countermeasure(incident_id: int, body: CountermeasureIn, session: SessionDep, user: CurrentUser):
    return service.add_countermeasure(session=session, actor=user, incident_id=incident_id, data=body)


@router.get("/countermeasures/mine", response_model=list[CountermeasurePublic])
def my_countermeasures(session: SessionDep, user: CurrentUser, open_only: bool = True):
    return service.list_countermeasures(session=session, actor=user, mine=True, open_only=open_only)


@router.get("/countermeasures/{countermeasure_id:int}", response_model=CountermeasurePublic)
def get_countermeasure(countermeasure_id: int, session: SessionDep, user: CurrentUser):
    return service.get_countermeasure(session=session, actor=user, countermeasure_id=countermeasure_id)


@router.patch("/countermeasures/{countermeasure_id:int}", response_model=CountermeasurePublic)
def update_countermeasure(countermeasure_id: int, body: CountermeasureUpdate, session: SessionDep, user: CurrentUser):
    return service.update_countermeasure(session=session, actor=user, countermeasure_id=countermeasure_id, data=body)


@router.post("/countermeasures/{countermeasure_id:int}/status", response_model=CountermeasurePublic)
def set_status(countermeasure_id: int, body: StatusIn, session: SessionDep, user: CurrentUser):
    return service.set_status(session=session, actor=user, countermeasure_id=countermeasure_id, status=body.status,
                              note=body.note)
