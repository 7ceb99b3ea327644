"""Near-miss cases over HTTP: the draft of an incident, publish, withdraw; the library (search,
filters, statistics, feed) for every signed-in user."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query

from incidents.api_deps import CurrentUser, SessionDep
from incidents.nearmiss import library, service
from incidents.nearmiss.schemas import (CasePage, CasePublic, CaseSummary, DraftOut, LibraryFilter, PublishIn, Stats,
                                        WithdrawIn)

router = APIRouter(tags=["nearmiss"])


@router.get("/incidents/{incident_id}/nearmiss/draft", response_model=DraftOut)
def draft(incident_id: int, session: SessionDep, user: CurrentUser, locale: Literal["ja", "en"] = "ja"):
    return service.draft(session=session, actor=user, incident_id=incident_id, locale=locale)


@router.post("/incidents/{incident_id}/nearmiss/publish", response_model=CasePublic)
def publish(incident_id: int, session: SessionDep, user: CurrentUser, body: PublishIn | None = None):
    return service.publish(session=session, actor=user, incident_id=incident_id, data=body)


@router.post("/incidents/{incident_id}/nearmiss/withdraw", response_model=CasePublic)
def withdraw_by_incident(incident_id: int, body: WithdrawIn, session: SessionDep, user: CurrentUser):
    return service.withdraw(session=session, actor=user, incident_id=incident_id, reason=body.reason)


@router.post("/nearmiss/cases/{case_id}/withdraw", response_model=CasePublic)
def withdraw_by_case(case_id: int, body: WithdrawIn, session: SessionDep, user: CurrentUser):
    return service.withdraw(session=session, actor=user, case_id=case_id, reason=body.reason)


def _filters(q: str, mistake_type: str | None, factor: str | None, four_e: str | None, period_from: str | None,
             period_to: str | None) -> LibraryFilter:
    return LibraryFilter(q=q, mistake_type=mistake_type or None, factor=factor or None, four_e=four_e or None,
                         period_from=period_from or None, period_to=period_to or None)


@router.get("/nearmiss/cases", response_model=CasePage)
def search(session: SessionDep, user: CurrentUser, q: str = Query("", max_length=200), mistake_type: str | None = None,
           factor: str | None = None, four_e: str | None = None,
           period_from: str | None = Query(None, pattern=r"^\d{4}-\d{2}$"),
           period_to: str | None = Query(None, pattern=r"^\d{4}-\d{2}$"),
           page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=100),
           count: Literal["capped", "exact"] = Query("capped", description="exact: count every match (beyond 200)")):
    return library.search(session=session, actor=user, page=page, per_page=per_page, exact_count=count == "exact",
                          filters=_filters(q, mistake_type, factor, four_e, period_from, period_to))


@router.get("/nearmiss/cases/{case_id}", response_model=CasePublic)
def get_case(case_id: int, session: SessionDep, user: CurrentUser):
    return library.get_case(session=session, actor=user, case_id=case_id)


@router.get("/nearmiss/stats", response_model=Stats)
def stats(session: SessionDep, user: CurrentUser, mistake_type: str | None = None, factor: str | None = None,
          four_e: str | None = None, period_from: str | None = Query(None, pattern=r"^\d{4}-\d{2}$"),
          period_to: str | None = Query(None, pattern=r"^\d{4}-\d{2}$")):
    return library.stats(session=session, actor=user,
                         filters=_filters("", mistake_type, factor, four_e, period_from, period_to))


@router.get("/nearmiss/feed", response_model=list[CaseSummary])
def feed(session: SessionDep, user: CurrentUser, since: datetime | None = None, limit: int = Query(50, ge=1, le=200)):
    return library.feed(session=session, actor=user, since=since, limit=limit)
