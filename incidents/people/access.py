"""Roles and the org chart as far as permissions need them. The rules about incidents (who may see or
manage one) live next to the incident, in `incidents.cases.access`."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from incidents.errors import Forbidden
from incidents.people.models import User


def require_role(actor: User, *roles: str) -> None:
    if not actor.role_set & set(roles):
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def require_admin(actor: User | None) -> None:
    """`None` is the operator at the console (who holds the database itself)."""
    if actor is not None and not actor.is_admin:
        raise Forbidden("only an administrator may manage users")


def managed_department_ids(session: Session, actor: User) -> set[int]:
    """The departments a manager answers for: their own and those of the people who report to them."""
    if not actor.is_manager:
        return set()
    ids = {actor.department_id}
    ids.update(session.execute(select(User.department_id).where(User.manager_id == actor.id)).scalars())
    return ids
