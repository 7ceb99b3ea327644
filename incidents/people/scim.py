"""SCIM 2.0 provisioning, the people side: the provider's users and groups mapped onto ours.

A SCIM user is a person here (userName and the attributes sent are kept, so they read back as sent; the address
mail goes to is the primary e-mail). `active: false` or DELETE deactivates them exactly as the org import does:
they keep their history, their sessions end, and the people who reported to them move to the nearest active
manager above. A group's members get the roles INCIDENTS_GROUP_ROLES gives their groups (when it is set).
Every change is audited with the SCIM client as the actor.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.config import get_settings
from incidents.people import service, sessions
from incidents.people.models import Group, GroupMember, User
from incidents.people.scim_schema import GROUP, USER
from incidents.people.security import new_feed_key
from incidents.types import utcnow
from incidents.validation import check_address

ACTOR = "SCIM"
DELETED = "_deleted"


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _text(data: dict, name: str, limit: int, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit or "\x00" in value:
        raise ScimError(400, f"{name} must be a non-empty string of at most {limit} characters", "invalidValue")
    return value


def _data(text: str | None) -> dict:
    return json.loads(text) if text else {}


def _meta(kind: str, row, base: str) -> dict:
    return {"resourceType": kind, "created": row.created_at.isoformat(),
            "lastModified": (row.updated_at or row.created_at).isoformat(), "location": f"{base}/{kind}s/{row.id}"}


# ---- users -----------------------------------------------------------------------------------------------


def _served(user: User | None) -> User:
    if user is None or _data(user.scim_data).get(DELETED):
        raise ScimError(404, "no such user")
    return user


def get_user(s: Session, user_id: str) -> User:
    return _served(s.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None)


def user_resource(s: Session, user: User, base: str) -> dict:
    data = _data(user.scim_data)
    out = {"schemas": [USER], "id": str(user.id)}
    out.update(data if user.scim_data else {"displayName": user.display_name,
                                             "emails": [{"value": user.email, "primary": True}]})
    out["userName"] = user.scim_user_name or user.email
    if "active" in data or not user.scim_data or not user.active:
        out["active"] = user.active
    if user.external_id:
        out["externalId"] = user.external_id
    groups = s.execute(select(Group.id, Group.display_name).join(GroupMember, GroupMember.group_id == Group.id)
                       .where(GroupMember.user_id == user.id).order_by(Group.id)).all()
    if groups:
        out["groups"] = [{"value": str(gid), "$ref": f"{base}/Groups/{gid}", "display": name} for gid, name in groups]
    out["meta"] = _meta("User", user, base)
    return out


_FILTER = re.compile(r'^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$')


def _filter(text: str | None, columns: dict) -> object | None:
    if not text:
        return None
    match = _FILTER.match(text)
    if match is None or match.group(1).lower() not in columns:
        raise ScimError(400, f"unsupported filter (supported: {', '.join(columns)} eq \"…\")", "invalidFilter")
    return columns[match.group(1).lower()](match.group(2).replace('\\"', '"').replace("\\\\", "\\"))


def list_users(s: Session, *, filter_text: str | None, start: int, count: int) -> tuple[int, list[User]]:
    lower = func.lower
    where = _filter(filter_text, {
        "username": lambda v: or_(lower(User.scim_user_name) == v.lower(),
                                  (User.scim_user_name.is_(None)) & (lower(User.email) == v.lower())),
        "externalid": lambda v: User.external_id == v,
        "emails.value": lambda v: lower(User.email) == v.lower(),
        "emails": lambda v: lower(User.email) == v.lower(),
        "id": lambda v: User.id == (int(v) if v.isdigit() and len(v) < 10 else -1),
    })
    query = select(User).where(or_(User.scim_data.is_(None), ~User.scim_data.contains(f'"{DELETED}"')))
    if where is not None:
        query = query.where(where)
    total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(s.execute(query.order_by(User.id).offset(start - 1).limit(count)).scalars()) if count else []
    return total, rows


def _user_fields(s: Session, data: dict, user: User | None) -> dict:
    user_name = _text(data, "userName", 255, required=True)
    display = _text(data, "displayName", 200)
    emails = data.get("emails") or []
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise ScimError(400, "emails must be a list of objects", "invalidValue")
    chosen = next((e for e in emails if e.get("primary") is True), emails[0] if emails else None)
    address = chosen.get("value") if chosen else (user_name if "@" in user_name else None)
    if address is None and user is not None:
        address = user.email
    try:
        address = check_address(address or "")
    except ValueError:
        raise ScimError(400, "a user needs an e-mail address (emails)", "invalidValue") from None
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise ScimError(400, "active must be true or false", "invalidValue")
    external = _text(data, "externalId", 255)
    mine = user.id if user is not None else -1
    if s.execute(select(User.id).where(func.lower(User.scim_user_name) == user_name.lower(), User.id != mine)).first():
        raise ScimError(409, f"userName {user_name} is taken", "uniqueness")
    if s.execute(select(User.id).where(func.lower(User.email) == address.lower(), User.id != mine)).first():
        raise ScimError(409, f"the address {address} belongs to another user", "uniqueness")
    keep = {k: v for k, v in data.items() if k in ("displayName", "emails", "active")}
    return {"scim_user_name": user_name, "display_name": (display or user_name)[:200].strip() or address,
            "email": address, "external_id": external, "active": active,
            "scim_data": json.dumps(keep, ensure_ascii=False)}


def create_user(s: Session, data: dict) -> User:
    fields = _user_fields(s, data, None)
    active = fields.pop("active")
    dept = service.department(s, get_settings().oidc_default_department)
    user = User(department_id=dept.id, roles="employee", feed_key=new_feed_key(), updated_at=utcnow(), **fields)
    s.add(user)
    s.flush()
    record(s, actor=ACTOR, action="user.added", entity="user", entity_id=user.id,
           after={"email": user.email, "display_name": user.display_name, "userName": user.scim_user_name})
    if not active:
        deactivate(s, user)
    return user


def replace_user(s: Session, user: User, data: dict) -> User:
    fields = _user_fields(s, data, user)
    active = fields.pop("active")
    before = {k: getattr(user, k) for k in fields if k != "scim_data"}
    for name, value in fields.items():
        setattr(user, name, value)
    user.updated_at = utcnow()
    s.add(user)
    s.flush()
    changed = {k: [v, fields[k]] for k, v in before.items() if v != fields[k]}
    if changed:
        record(s, actor=ACTOR, action="user.sso_updated", entity="user", entity_id=user.id, after=changed)
    if user.active and not active:
        deactivate(s, user)
    elif active and not user.active:
        user.active, user.deactivated_at, user.updated_at = True, None, utcnow()
        s.add(user)
        record(s, actor=ACTOR, action="user.activated", entity="user", entity_id=user.id)
    return user


def deactivate(s: Session, user: User) -> None:
    """As the org import does: history kept, sessions ended, reports moved to the nearest active manager above."""
    if not user.active:
        return
    now = utcnow()
    user.active, user.deactivated_at, user.updated_at, user.feed_key = False, now, now, new_feed_key()
    s.add(user)
    s.flush()
    above, hops = user.manager_id, 0
    while above is not None and hops < 1000:
        boss = s.get(User, above)
        if boss is None or boss.active:
            break
        above, hops = boss.manager_id, hops + 1
    moved = [e for (e,) in s.execute(select(User.email).where(User.manager_id == user.id))]
    s.execute(update(User).where(User.manager_id == user.id).values(manager_id=above, updated_at=now))
    ended = sessions.revoke_all(s, user_id=user.id, reason="deactivated")
    s.expire_all()
    manager = s.get(User, above) if above else None
    record(s, actor=ACTOR, action="user.deactivated", entity="user", entity_id=user.id,
           after={"sessions_ended": ended, "reports_moved": moved, "new_manager": manager.email if manager else None})


def delete_user(s: Session, user: User) -> None:
    """DELETE: deactivated (the person's history stays) and no longer served over SCIM."""
    deactivate(s, user)
    groups = [g for (g,) in s.execute(select(GroupMember.group_id).where(GroupMember.user_id == user.id))]
    s.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
    user.scim_user_name, user.external_id, user.scim_data = None, None, json.dumps({DELETED: True})
    s.add(user)
    record(s, actor=ACTOR, action="user.sso_updated", entity="user", entity_id=user.id,
           after={"deleted_by_provider": True, "groups_left": groups})
