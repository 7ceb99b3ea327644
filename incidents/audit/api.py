"""The audit trail over HTTP: an incident's timeline, and the chain check for officers."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.api_deps import CurrentUser, SessionDep
from incidents.audit import service
from incidents.audit.models import AuditEventPublic, VerifyResult
from incidents.cases.access import visible_incident
from incidents.people.access import require_role

router = APIRouter(tags=["audit"])


@router.get("/incidents/{incident_id}/timeline", response_model=list[AuditEventPublic])
def timeline(incident_id: int, session: SessionDep, user: CurrentUser):
    visible_incident(session, user, incident_id)
    return service.timeline(session, incident_id=incident_id)


@router.get("/audit/verify", response_model=VerifyResult)
def verify(session: SessionDep, user: CurrentUser):
    require_role(user, "officer", "admin")
    return service.verify(session)
