"""SCIM 2.0 groups: the provider's groups and their members; members' roles follow INCIDENTS_GROUP_ROLES."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.people.models import Group, GroupMember, User
from incidents.people.scim import ACTOR, DELETED, ScimError, _data, _filter, _meta, _text
from incidents.people.scim_schema import GROUP
from incidents.people.sso import group_roles, roles_for_groups
from incidents.types import utcnow


def get_group(s: Session, group_id: str) -> Group:
    group = s.get(Group, int(group_id)) if group_id.isdigit() and len(group_id) < 10 else None
    if group is None:
        raise ScimError(404, "no such group")
    return group


def group_resource(s: Session, group: Group, base: str) -> dict:
    data = _data(group.scim_data)
    out = {"schemas": [GROUP], "id": str(group.id), "displayName": group.display_name}
    members = s.execute(select(User.id).join(GroupMember, GroupMember.user_id == User.id)
                        .where(GroupMember.group_id == group.id).order_by(User.id)).scalars().all()
    sent = {str(m.get("value")): m for m in data.get("members") or []}
    if members or "members" in data:
        out["members"] = [sent.get(str(uid)) or {"value": str(uid), "$ref": f"{base}/Users/{uid}", "type": "User"}
                          for uid in members]
    if group.external_id:
        out["externalId"] = group.external_id
    out["meta"] = _meta("Group", group, base)
    return out


def list_groups(s: Session, *, filter_text: str | None, start: int, count: int) -> tuple[int, list[Group]]:
    where = _filter(filter_text, {
        "displayname": lambda v: func.lower(Group.display_name) == v.lower(),
        "externalid": lambda v: Group.external_id == v,
        "id": lambda v: Group.id == (int(v) if v.isdigit() and len(v) < 10 else -1),
    })
    query = select(Group)
    if where is not None:
        query = query.where(where)
    total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(s.execute(query.order_by(Group.id).offset(start - 1).limit(count)).scalars()) if count else []
    return total, rows


def _members(s: Session, data: dict) -> list[int]:
    members = data.get("members") or []
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise ScimError(400, "members must be a list of objects", "invalidValue")
    ids: list[int] = []
    for m in members:
        value = str(m.get("value") or "")
        user = s.get(User, int(value)) if value.isdigit() and len(value) < 10 else None
        if user is None or json.loads(user.scim_data or "{}").get(DELETED):
            raise ScimError(400, f"member {value!r} is not a user here", "invalidValue")
        if user.id not in ids:
            ids.append(user.id)
    return ids


def _write(s: Session, group: Group, data: dict) -> dict:
    name = _text(data, "displayName", 200, required=True)
    if s.execute(select(Group.id).where(func.lower(Group.display_name) == name.lower(),
                                        Group.id != (group.id or -1))).first():
        raise ScimError(409, f"a group named {name} exists", "uniqueness")
    ids = _members(s, data)
    before = {"displayName": group.display_name,
              "members": sorted(s.execute(select(GroupMember.user_id).where(GroupMember.group_id == group.id)).scalars())
              if group.id else []}
    group.display_name, group.external_id = name, _text(data, "externalId", 255)
    group.scim_data = json.dumps({k: v for k, v in data.items() if k == "members"}, ensure_ascii=False)
    group.updated_at = utcnow()
    s.add(group)
    s.flush()
    s.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    for uid in ids:
        s.add(GroupMember(group_id=group.id, user_id=uid))
    s.flush()
    sync_roles(s, set(before["members"]) | set(ids))
    return {"displayName": [before["displayName"], name], "members": [before["members"], sorted(ids)]}


def create_group(s: Session, data: dict) -> Group:
    group = Group(display_name="")
    change = _write(s, group, data)
    record(s, actor=ACTOR, action="group.added", entity="group", entity_id=group.id, after=change)
    return group


def replace_group(s: Session, group: Group, data: dict) -> Group:
    change = _write(s, group, data)
    record(s, actor=ACTOR, action="group.changed", entity="group", entity_id=group.id, after=change)
    return group


def delete_group(s: Session, group: Group) -> None:
    members = set(s.execute(select(GroupMember.user_id).where(GroupMember.group_id == group.id)).scalars())
    s.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    name = group.display_name
    s.delete(group)
    s.flush()
    sync_roles(s, members)
    record(s, actor=ACTOR, action="group.removed", entity="group", entity_id=group.id,
           after={"displayName": name, "members": sorted(members)})


def sync_roles(s: Session, user_ids: set[int]) -> None:
    """Give each person the roles their groups map to (only when INCIDENTS_GROUP_ROLES is set)."""
    mapping = group_roles()
    if not mapping:
        return
    for uid in sorted(user_ids):
        user = s.get(User, uid)
        names = s.execute(select(Group.display_name).join(GroupMember, GroupMember.group_id == Group.id)
                          .where(GroupMember.user_id == uid)).scalars().all()
        roles = roles_for_groups(list(names), mapping)
        if user is not None and roles != user.roles:
            record(s, actor=ACTOR, action="user.roles_changed", entity="user", entity_id=uid,
                   before={"roles": user.roles}, after={"roles": roles, "groups": sorted(names)})
            user.roles, user.updated_at = roles, utcnow()
            s.add(user)
    s.flush()
