"""The org chart from HR: people, departments and managers brought in line with one file.

Idempotent (the same file twice changes nothing). Checked as a whole before anything is written: an unknown
manager, a manager cycle or a department cycle refuses the file, naming its line. A person marked inactive (or,
with `prune`, missing from the file) is deactivated: they keep their history, their sessions end, and the people
who reported to them move to the nearest active manager above, so their incidents land in that manager's queue.
`actor=None` is the operator at the console; an administrator may import too, within the roles they may grant.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.errors import InvalidInput
from incidents.i18n import N_
from incidents.people import sessions
from incidents.people.access import require_admin
from incidents.people.models import Department, User
from incidents.people.orgfile import OrgRow
from incidents.people.security import new_feed_key
from incidents.people.service import require_may_grant, require_may_manage
from incidents.types import utcnow
from incidents.validation import check_address



@dataclass
class ImportReport:
    dry_run: bool
    rows: int
    added: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"email", "changes": {field: [before, after]}}
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    departments_added: list[str] = field(default_factory=list)
    departments_moved: list[dict] = field(default_factory=list)  # {"department", "parent": [before, after]}

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.deactivated or self.reactivated or self.departments_added
                    or self.departments_moved)

    def as_dict(self) -> dict:
        return asdict(self) | {"has_changes": self.has_changes}


class _Refused:
    def __init__(self) -> None:
        self.lines: list[tuple[int, str, dict]] = []

    def add(self, line: int, msgid: str, **params) -> None:
        self.lines.append((line, msgid, params))

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        self.lines.sort(key=lambda item: item[0])
        line, msgid, params = self.lines[0]  # the first problem, by line (the others usually follow from it)
        raise InvalidInput(msgid, line=line, **params)


def _chain(start: str, parent: dict[str, str | None]) -> list[str] | None:
    """The cycle reached from `start` following `parent`, or None."""
    seen: dict[str, int] = {}
    path: list[str] = []
    node: str | None = start
    while node is not None and node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = parent.get(node)
    if node is None:
        return None
    return path[seen[node]:] + [node]


def _cycles(parent: dict[str, str | None]) -> list[list[str]]:
    done: set[str] = set()
    found: list[list[str]] = []
    for start in parent:
        if start in done:
            continue
        cycle = _chain(start, parent)
        node: str | None = start
        while node is not None and node not in done:  # everything on this walk is settled now
            done.add(node)
            node = parent.get(node)
        if cycle and not any(set(cycle) == set(c) for c in found):
            found.append(cycle)
    return found


def import_org(session: Session, *, actor: User | None, rows: list[OrgRow], prune: bool = False,
               dry_run: bool = False) -> ImportReport:
    require_admin(actor)
    refused = _Refused()
    report = ImportReport(dry_run=dry_run, rows=len(rows))

    # ---- the file on its own: addresses, duplicates
    by_key: dict[str, OrgRow] = {}
    emails: dict[str, str] = {}
    for row in rows:
        try:
            email = check_address(row.email)
        except ValueError:
            refused.add(row.line, N_("line %(line)s: %(email)s is not an email address"), email=row.email)
            continue
        key = email.lower()
        if key in by_key:
            refused.add(row.line, N_("line %(line)s: %(email)s appears again (first on line %(first)s)"), email=email,
                        first=by_key[key].line)
            continue
        by_key[key] = row
        emails[key] = email
    refused.raise_if_any()

    # ---- the organisation as it is
    users = list(session.execute(select(User)).scalars())
    existing = {u.email.lower(): u for u in users}
    by_id = {u.id: u for u in users}
    departments = {d.name: d for d in session.execute(select(Department)).scalars()}
    dept_names = {d.id: d.name for d in departments.values()}

    # ---- the organisation as the file wants it: who is active, who manages whom
    kept = {k for k, u in existing.items() if k not in by_key and not (prune and u.active)}
    active: dict[str, bool] = {k: existing[k].active for k in kept}
    active.update({k: r.active for k, r in by_key.items()})
    manager_of: dict[str, str | None] = {}
    for k in kept:
        m = by_id.get(existing[k].manager_id) if existing[k].manager_id else None
        manager_of[k] = m.email.lower() if m is not None else None
    for key, row in by_key.items():
        m = row.manager_email.strip().lower() or None
        if m is not None and m not in by_key and m not in kept:
            if m in existing:
                refused.add(row.line, N_("line %(line)s: the manager %(email)s is not in the file and would be removed"), email=row.manager_email)
            else:
                refused.add(row.line, N_("line %(line)s: unknown manager %(email)s"), email=row.manager_email)
        manager_of[key] = m
    refused.raise_if_any()
    for cycle in _cycles(manager_of):
        line = min(by_key[k].line for k in cycle if k in by_key)
        refused.add(line, N_("line %(line)s: managers form a cycle: %(chain)s"), chain=" → ".join(emails.get(k, k) for k in cycle))

    # departments: the parent named in the file, else the one they have
    parent_of: dict[str, str | None] = {n: dept_names.get(d.parent_id) for n, d in departments.items()}
    named_on: dict[str, int] = {}
    for row in rows:
        parent_of.setdefault(row.department, None)
        if row.parent_department:
            parent_of.setdefault(row.parent_department, None)
            if row.department in named_on and parent_of[row.department] != row.parent_department:
                refused.add(row.line, N_("line %(line)s: department %(name)s is placed under %(parent)s, but under %(other)s on line "
                            "%(first)s"), name=row.department, parent=row.parent_department,
                            other=parent_of[row.department], first=named_on[row.department])
                continue
            parent_of[row.department] = row.parent_department
            named_on.setdefault(row.department, row.line)
    for cycle in _cycles(parent_of):
        line = min((named_on[d] for d in cycle if d in named_on), default=0)
        refused.add(line, N_("line %(line)s: departments form a cycle: %(chain)s"), chain=" → ".join(cycle))
    refused.raise_if_any()

    # a person whose manager leaves moves to the nearest active manager above
    def resolved(key: str) -> str | None:
        m, hops = manager_of.get(key), 0
        while m is not None and not active.get(m, False) and hops < len(manager_of):
            m, hops = manager_of.get(m), hops + 1
        return m

    def email_of(key: str | None) -> str | None:
        return None if key is None else emails.get(key) or existing[key].email

    # ---- what changes
    for name, parent in parent_of.items():
        dept = departments.get(name)
        if dept is None:
            report.departments_added.append(name)
        if name in named_on and (dept is None and parent or dept is not None and dept_names.get(dept.parent_id) != parent):
            report.departments_moved.append({"department": name, "parent": [
                dept_names.get(dept.parent_id) if dept else None, parent]})
    plans: list[tuple[str, dict]] = []
    for key, row in by_key.items():
        user = existing.get(key)
        want = {"display_name": row.name, "department": row.department, "manager": email_of(resolved(key))}
        if row.roles or user is None:
            want["roles"] = row.roles or "employee"
        if row.locale or user is None:
            want["locale"] = row.locale or "ja"
        if user is None:
            report.added.append(emails[key])
            require_may_grant(actor, want["roles"])
            plans.append((key, want))
            if not row.active:
                report.deactivated.append(emails[key])
            continue
        manager = by_id.get(user.manager_id) if user.manager_id else None
        have = {"display_name": user.display_name, "department": dept_names.get(user.department_id),
                "roles": user.roles, "manager": manager.email if manager else None, "locale": user.locale}
        changes = {f: [have[f], v] for f, v in want.items() if have[f] != v}
        if changes or user.active != row.active:
            require_may_manage(actor, user)
        if "roles" in changes:
            require_may_grant(actor, ",".join(set(row.roles.split(",")) - user.role_set))
        if changes:
            report.changed.append({"email": user.email, "changes": changes})
            plans.append((key, want))
        if user.active and not row.active:
            report.deactivated.append(user.email)
        elif not user.active and row.active:
            report.reactivated.append(user.email)
    for key, user in existing.items():
        if key in by_key:
            continue
        if prune and user.active:
            if actor is not None and user.id == actor.id:
                raise InvalidInput(N_("the file would deactivate your own account; add yourself to it"))
            require_may_manage(actor, user)
            report.deactivated.append(user.email)
        elif user.active and manager_of.get(key) and resolved(key) != manager_of[key]:
            new = email_of(resolved(key))
            report.changed.append({"email": user.email, "changes": {"manager": [email_of(manager_of[key]), new]}})
            plans.append((key, {"manager": new}))
    if dry_run or not report.has_changes:
        return report
    _apply(session, actor=actor, report=report, plans=plans, by_key=by_key, existing=existing, emails=emails,
           departments=departments, parent_of=parent_of)
    return report


def _apply(session: Session, *, actor: User | None, report: ImportReport, plans: list[tuple[str, dict]],
           by_key: dict[str, OrgRow], existing: dict[str, User], emails: dict[str, str],
           departments: dict[str, Department], parent_of: dict[str, str | None]) -> None:
    """Write the changes in bulk (thousands of people: one statement per kind of change, not one per person)."""
    now = utcnow()
    new_depts = [Department(name=name) for name in report.departments_added]
    session.add_all(new_depts)
    session.flush()
    departments.update({d.name: d for d in new_depts})
    for move in report.departments_moved:
        dept = departments[move["department"]]
        parent = move["parent"][1]
        dept.parent_id = departments[parent].id if parent else None
        session.add(dept)
    session.flush()
    ids = {k: u.id for k, u in existing.items()}
    if report.added:
        fresh = []
        for email in report.added:
            row = by_key[email.lower()]
            fresh.append({"email": email, "display_name": row.name, "department_id": departments[row.department].id,
                          "roles": row.roles or "employee", "locale": row.locale or "ja", "active": row.active,
                          "feed_key": new_feed_key(), "created_at": now, "updated_at": now,
                          "deactivated_at": None if row.active else now})
        session.execute(insert(User), fresh)
        ids.update({e.lower(): i for i, e in session.execute(select(User.id, User.email))})
    changes = []
    for key, want in plans:
        change = {"id": ids[key], "updated_at": now}
        if "display_name" in want:
            change["display_name"] = want["display_name"]
            change["department_id"] = departments[want["department"]].id
        for name in ("roles", "locale"):
            if name in want:
                change[name] = want[name]
        manager = want.get("manager")
        change["manager_id"] = ids[manager.lower()] if manager else None
        changes.append(change)
    for email in report.deactivated:
        if email not in report.added:
            changes.append({"id": ids[email.lower()], "active": False, "deactivated_at": now, "feed_key": new_feed_key(),
                            "updated_at": now})
    changes += [{"id": ids[e.lower()], "active": True, "deactivated_at": None, "updated_at": now}
                for e in report.reactivated]
    session.flush()
    for group in _same_keys(changes):
        session.execute(update(User), group)
    ended = 0
    for email in report.deactivated:
        if email not in report.added:
            ended += sessions.revoke_all(session, user_id=ids[email.lower()], reason="deactivated")
    session.expire_all()
    record(session, actor=actor if actor is not None else "operator", action="org.imported", entity="organisation",
           after={**report.as_dict(), "sessions_ended": ended})


def _same_keys(changes: list[dict]) -> list[list[dict]]:
    """Bulk updates grouped by the columns they set (one executemany each); a person's changes keep their order."""
    groups: dict[tuple, list[dict]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(change)), []).append(change)
    return list(groups.values())


def summary(report: ImportReport) -> str:
    """One sentence on what the import did (or would do), in the current language."""
    from incidents.i18n import gettext as _

    text = _("%(rows)s rows: %(added)s added, %(changed)s changed, %(deactivated)s deactivated, %(reactivated)s "
             "reactivated, %(departments)s new departments", rows=report.rows, added=len(report.added),
             changed=len(report.changed), deactivated=len(report.deactivated), reactivated=len(report.reactivated),
             departments=len(report.departments_added))
    if not report.has_changes:
        return text + _(" — nothing to change")
    return text + (_(" (dry run: nothing was saved)") if report.dry_run else "")
