"""The organisation's audit trail for privacy officers (GET /audit): every event in words, filterable, with
the chain's check (`audit verify`) run when the page opens. The incident page shows its own timeline with
the same filter (`trail_context`)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from incidents.api_deps import SessionDep
from incidents.audit import service
from incidents.audit.labels import VERIFY_PROBLEMS
from incidents.control_room import audit_view
from incidents.control_room.audit_view import AuditFilter
from incidents.i18n import gettext as _
from incidents.pagekit import PageUser, render
from incidents.people.access import require_role

router = APIRouter(include_in_schema=False)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10]) if value else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


def trail_filter(params: dict[str, Any], prefix: str = "t") -> tuple[AuditFilter, int]:
    """The filter and page from the query string (`tkind`, `twho`, `tsince`, `tuntil`, `tinc`, `tpage`); a
    value that is not one is dropped, not an error."""
    action = str(params.get(f"{prefix}kind") or "")[:80]
    f = AuditFilter(action=action if action.replace(".", "").replace("_", "").isalnum() else None,
                    actor_id=_int(params.get(f"{prefix}who")), since=_date(params.get(f"{prefix}since")),
                    until=_date(params.get(f"{prefix}until")), incident_id=_int(params.get(f"{prefix}inc")))
    if f.since and f.until and f.since > f.until:
        f = AuditFilter(action=f.action, actor_id=f.actor_id, since=f.until, until=f.since, incident_id=f.incident_id)
    return f, _int(params.get(f"{prefix}page")) or 1


def trail_context(path: str, params: dict[str, Any], trail, f: AuditFilter, *, anchor: str = "",
                  prefix: str = "t", keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """What templates/pages/audit/_trail.html needs: links that keep the other lists' parameters."""
    keep = {k: v for k, v in (keep or {}).items() if v}
    mine = {f"{prefix}kind": f.action, f"{prefix}who": f.actor_id, f"{prefix}since": f.since,
            f"{prefix}until": f.until, f"{prefix}inc": f.incident_id}
    frag = f"#{anchor}" if anchor else ""

    def link(page: int) -> str:
        q = keep | {k: v for k, v in mine.items() if v} | ({f"{prefix}page": page} if page > 1 else {})
        return f"{path}?{urlencode(q)}{frag}"

    clear = f"{path}?{urlencode(keep)}{frag}" if keep else f"{path}{frag}"
    return {"t": trail, "tf": f, "tlink": link, "tclear": clear, "taction": f"{path}{frag}", "tkeep": keep,
            "prefix": prefix}


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, user: PageUser):
    require_role(user, "officer", "admin")
    params = dict(request.query_params)
    f, page = trail_filter(params)
    trail = audit_view.organisation_trail(session, actor=user, filters=f, page=page)
    verify = service.verify(session)
    problem = ""
    if not verify.ok and verify.problem_kind:
        problem = VERIFY_PROBLEMS.label(verify.problem_kind) % {"seq": verify.first_bad_seq,
                                                                  "expected": verify.expected_seq}
    return render(request, "pages/audit/audit.html", {
        "verify": verify, "problem": problem, "show_incident": True,
        **trail_context("/audit", params, trail, f),
    })


__all__ = ["router", "trail_filter", "trail_context", "_"]
