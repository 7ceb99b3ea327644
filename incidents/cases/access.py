"""Who may see and manage an incident. Every service checks here, so API, pages and CLI behave the same.

- employee: the incidents they reported;
- manager: those of their departments (their own department, and the departments of the people who
  report to them) plus their own reports;
- officer: all;
- admin: manages users, reads no incident unless also officer.
Objects the actor may not see are reported as not found (404), so their existence does not leak;
an action the actor's role does not allow on a visible object is forbidden (403).
The roles and the org chart themselves (who manages which department) belong to `incidents.people`.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session

from incidents.cases.models import Incident
from incidents.errors import Forbidden, NotFound
from incidents.people.access import managed_department_ids
from incidents.people.models import User


def require_incident_reader(actor: User) -> None:
    if actor.admin_only:
        raise Forbidden("administrators manage users; reading incidents needs the officer role")


def incident_scope(session: Session, actor: User):
    """A WHERE clause limiting incidents to those the actor may see, or None for all."""
    require_incident_reader(actor)
    if actor.is_officer:
        return None
    depts = managed_department_ids(session, actor)
    if depts:
        return or_(Incident.reporter_id == actor.id, Incident.department_id.in_(depts))
    return Incident.reporter_id == actor.id


def can_view(session: Session, actor: User, incident: Incident) -> bool:
    if actor.admin_only:
        return False
    if actor.is_officer or incident.reporter_id == actor.id:
        return True
    return incident.department_id in managed_department_ids(session, actor)


def can_manage(session: Session, actor: User, incident: Incident) -> bool:
    """Manager of the incident's department, or officer: may decide, waive, approve."""
    if actor.is_officer:
        return True
    return incident.department_id in managed_department_ids(session, actor)


def visible_incident(session: Session, actor: User, incident_id: int, *, for_update: bool = False) -> Incident:
    require_incident_reader(actor)
    incident = session.get(Incident, incident_id, with_for_update=for_update or None)
    if incident is None or not can_view(session, actor, incident):
        raise NotFound(f"incident {incident_id} not found")
    return incident
