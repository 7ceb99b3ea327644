"""The per-recipient work list on the incident page: filters, search and paging in the query string
(r-prefixed, so the page's other lists keep theirs), one form for the actions on the ticked recipients or on
every recipient matching the filter, and the import of returned deletion confirmations. After each action
the browser comes back to the same filter, page and place (#recipients), with a message saying what was done.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from incidents.api_deps import SessionDep
from incidents.cases import labels as case_labels
from incidents.i18n import gettext as _
from incidents.i18n import ngettext
from incidents.pagekit import CsrfChecked, PageUser, done, render
from incidents.response import actions, worklist
from incidents.response.worklist import WORK_ACTIONS, WORK_STATUSES, WorkFilter
from incidents.types import utcnow

router = APIRouter(include_in_schema=False)
PARAMS = ("rstatus", "rkind", "rfield", "rorg", "rq", "rpage")
ANCHOR = "recipients"


def _filter(values: dict[str, Any]) -> WorkFilter:
    """The filter from the query string or the form; an unknown code is dropped, not an error."""
    def code(name: str, table) -> str | None:
        value = str(values.get(name) or "")
        return value if value in table else None

    q = str(values.get("rq") or "").strip()[:worklist.MAX_SEARCH] or None
    org = str(values.get("rorg") or "").strip()[:200] or None
    return WorkFilter(status=code("rstatus", WORK_STATUSES), kind=code("rkind", case_labels.KINDS),
                      field=code("rfield", case_labels.FIELDS), organization=org, q=q)


def _page(values: dict[str, Any]) -> int:
    raw = str(values.get("rpage") or "1")
    return min(int(raw), 1_000_000) if raw.isdigit() and int(raw) > 0 else 1


def _query(f: WorkFilter, page: int = 1) -> dict[str, Any]:
    q = {"rstatus": f.status, "rkind": f.kind, "rfield": f.field, "rorg": f.organization, "rq": f.q,
         "rpage": page if page > 1 else None}
    return {k: v for k, v in q.items() if v}


def url(incident_id: int, f: WorkFilter, page: int = 1, anchor: str = ANCHOR) -> str:
    q = urlencode(_query(f, page))
    return f"/incidents/{incident_id}" + (f"?{q}" if q else "") + f"#{anchor}"


def view(request: Request, session, user, incident_id: int, *, is_open: bool) -> dict[str, Any]:
    """The context of the work list (templates/pages/cases/_worklist.html)."""
    params = dict(request.query_params)
    f, page = _filter(params), _page(params)
    wl = worklist.work_list(session, actor=user, incident_id=incident_id, filters=f, page=page)

    def link(page: int = 1, **changes: Any) -> str:
        g = WorkFilter(**({"status": f.status, "kind": f.kind, "field": f.field, "organization": f.organization,
                           "q": f.q} | changes))
        return url(incident_id, g, page)

    return {"wl": wl, "f": f, "link": link, "open": is_open, "now": utcnow(), "query": _query(f, wl.page), "statuses": WORK_STATUSES.options(),
            "work_actions": WORK_ACTIONS.options(), "kinds": case_labels.KINDS.options(),
            "fields": case_labels.FIELDS.options()}


async def _form(request: Request) -> tuple[dict[str, str], list[str]]:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return values, [str(v) for v in form.getlist("recipient") if isinstance(v, str)]


@router.post("/incidents/{incident_id}/recipients/apply", dependencies=[CsrfChecked])
async def apply(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    values, ticked = await _form(request)
    f, page = _filter(values), _page(values)
    matching = values.get("scope") == "matching"
    result = worklist.apply(session, actor=user, incident_id=incident_id, action=values.get("action", ""),
                            addresses=None if matching else ticked, filters=f)
    what = WORK_ACTIONS.label(result.action)
    text = ngettext("%(what)s: recorded for %(num)s recipient.", "%(what)s: recorded for %(num)s recipients.",
                    result.changed, what=what)
    if result.unchanged:
        text += " " + ngettext("%(num)s was already recorded or does not need it.",
                               "%(num)s were already recorded or do not need it.", result.unchanged)
    return done(request, url(incident_id, f, page), text)


@router.post("/incidents/{incident_id}/recipients/import", dependencies=[CsrfChecked])
async def import_confirmations(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    f, page = _filter(values), _page(values)
    upload = form.get("file")
    raw = await upload.read() if hasattr(upload, "read") else b""
    result = actions.import_confirmations(session, actor=user, incident_id=incident_id,
                                          csv_text=raw.decode("utf-8-sig", errors="replace"))
    text = ngettext("Deletion confirmed for %(num)s recipient from the file.",
                    "Deletion confirmed for %(num)s recipients from the file.", result.updated)
    back = url(incident_id, f, page)
    if not result.errors:
        return done(request, back, text)
    # every rejected line, on a page of its own (too many for a message): nothing is silently ignored
    return render(request, "pages/cases/import_result.html", {
        "incident_id": incident_id, "result": result, "summary": text, "back": back,
        "rejected": list(result.errors),  # every rejected line, in the reader's language
        "filename": getattr(upload, "filename", "") or "",
    })


__all__ = ["router", "view", "url", "_"]
