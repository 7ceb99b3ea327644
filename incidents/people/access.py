"""Who may see and do what. Every service checks here; API, pages and CLI therefore behave the same.

- employee: the incidents they reported;
- manager: those of their departments (their own department, and the departments of the people who
  report to them) plus their own reports;
- officer: all;
- admin: manages users, reads no incident unless also officer.
Objects the actor may not see are reported as not found (404), so their existence does not leak;
an action the actor's role does not allow on a visible object is forbidden (403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlmodel import Session

from incidents.errors import Forbidden, NotFound
from incidents.people.models import User

if TYPE_CHECKING:
    from incidents.cases.models import Incident


def require_incident_reader(actor: User) -> None:
    if actor.admin_only:
        raise Forbidden("administrators manage users; reading incidents needs the officer role")


def require_role(actor: User, *roles: str) -> None:
    if not actor.role_set & set(roles):
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def require_admin(actor: User | None) -> None:
    """`None` is the operator at the console (who holds the database itself)."""
    if actor is not None and not actor.is_admin:
        raise Forbidden("only an administrator may manage users")


def managed_department_ids(session: Session, actor: User) -> set[int]:
    if not actor.is_manager:
        return set()
    ids = {actor.department_id}
    ids.update(session.execute(select(User.department_id).where(User.manager_id == actor.id)).scalars())
    return ids


def incident_scope(session: Session, actor: User):
    """A WHERE clause limiting incidents to those the actor may see, or None for all."""
    from incidents.cases.models import Incident

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
    from incidents.cases.models import Incident

    require_incident_reader(actor)
    incident = session.get(Incident, incident_id, with_for_update=for_update or None)
    if incident is None or not can_view(session, actor, incident):
        raise NotFound(f"incident {incident_id} not found")
    return incident


def require_manager_of(session: Session, actor: User, incident: Incident) -> None:
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or an officer may do this")
