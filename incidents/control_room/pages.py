"""The manager's control room: counts, deadlines, overdue steps, open incidents and charts, in the actor's
scope. Thin: the queries module counts, the response service names the steps."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from incidents.api_deps import SessionDep
from incidents.cases import labels
from incidents.control_room import charts
from incidents.control_room import queries as room
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.pagekit import PageUser, render
from incidents.response import service as response
from incidents.response.playbook_rules import STEP_RULE_BY_KEY
from incidents.types import utcnow

router = APIRouter(include_in_schema=False)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/control")
def control_room(request: Request, session: SessionDep, user: PageUser,
                 department: str | None = Query(None, max_length=12), type: str | None = Query(None, max_length=40),
                 days: int = Query(7, ge=1, le=90), months: int = Query(6, ge=1, le=24),
                 ipage: int = Query(1, ge=1), opage: int = Query(1, ge=1), upage: int = Query(1, ge=1),
                 rpage: int = Query(1, ge=1), xpage: int = Query(1, ge=1)):
    room.require_room(session, user)
    f = room.RoomFilter(department_id=_int(department), mistake_type=type or None, days=days, months=months)
    now = utcnow()
    locale = get_locale()
    params = {"department": department or "", "type": type or "", "days": days, "months": months,
              "ipage": ipage, "opage": opage, "upage": upage, "rpage": rpage, "xpage": xpage}

    def link(anchor: str = "", **changes) -> str:
        q = {k: v for k, v in (params | changes).items() if v not in ("", None) and not (k.endswith("page") and v == 1)}
        return "/control?" + urlencode(q) + (f"#{anchor}" if anchor else "")

    months_keys, per_type = room.by_type_per_month(session, user, f, now=now)
    series = labels.MISTAKE_TYPES.options()
    delay_keys, delay = room.report_delay_per_month(session, user, f, now=now)
    overdue_kinds = [(_step_title(kind, locale), n) for kind, n in room.overdue_by_kind(session, user, f, now=now)]
    return render(request, "pages/control_room.html", {
        "f": f, "params": params, "link": link, "now": now,
        "departments": room.departments(session, user), "mistake_options": labels.MISTAKE_TYPES.options(),
        "labels": labels,
        "counts": room.counts(session, user, f, now=now),
        "incidents": room.open_incidents(session, user, f, page=ipage, now=now),
        "regulator_overdue": room.steps(session, user, f, which="regulator_overdue", page=xpage, now=now),
        "overdue": room.steps(session, user, f, which="overdue", page=opage, now=now),
        "upcoming": room.steps(session, user, f, which="upcoming", page=upage, now=now),
        "regulator": room.steps(session, user, f, which="regulator", page=rpage, now=now),
        "step_title": lambda row: _step_title(row["kind"], locale, row["recipient"]),
        "span": lambda due: _span(due, now),
        "chart_types": charts.stacked_bars(months_keys, per_type, series),
        "type_table": [(m, per_type[m]) for m in months_keys], "type_series": series,
        "chart_delay": charts.bars([m[2:].replace("-", "/") for m in delay_keys],
                                   [None if delay[m] is None else round(delay[m] / 60, 1) for m in delay_keys],
                                   unit=_("h")),
        "chart_overdue": charts.hbars(overdue_kinds),
    })


def _step_title(kind: str, locale: str, recipient: str | None = None) -> str:
    if kind not in STEP_RULE_BY_KEY:
        return kind
    ja, en = response.step_titles(kind, recipient)
    return ja if locale == "ja" else en


def _span(due: datetime | None, now: datetime) -> dict[str, str]:
    """A countdown in words: ('3h 20m left' | '2d overdue', css)."""
    if due is None:
        return {"text": "", "cls": ""}
    seconds = int((due - now).total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        amount = _("%(d)sd %(h)sh", d=days, h=hours)
    elif hours:
        amount = _("%(h)sh %(m)sm", h=hours, m=minutes)
    else:
        amount = _("%(m)sm", m=minutes)
    if late:
        return {"text": _("%(span)s overdue", span=amount), "cls": "overdue"}
    return {"text": _("%(span)s left", span=amount), "cls": "soon" if seconds < 86400 else ""}
