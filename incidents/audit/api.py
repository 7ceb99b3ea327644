"""The audit trail over HTTP: the chain check for officers (an incident's timeline is the incident's:
GET /incidents/{id}/timeline in incidents.cases.api)."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.api_deps import CurrentUser, SessionDep
from incidents.audit import service
from incidents.audit.models import VerifyResult
from incidents.people.access import require_role

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", response_model=VerifyResult)
def verify(session: SessionDep, user: CurrentUser):
    require_role(user, "officer", "admin")
    return service.verify(session)
