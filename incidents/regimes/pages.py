"""The regimes on the incident page (obligations, correspondence log, overrides), the regulator form page,
and their forms. Thin: services do the work."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.api_deps import SessionDep
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput
from incidents.i18n import get_locale
from incidents.cases.access import visible_incident
from incidents.regimes import correspondence, service
from incidents.regimes.catalogue import CONFIGURABLE, Entrustment, To
from incidents.regimes.labels import ENTRUSTMENT, LOG_KINDS, REGIMES
from incidents.regimes.models import LogKind
from incidents.regimes.ppc_form import build_form
from incidents.times import parse_datetime
from incidents.types import utcnow
from incidents.pagekit import CsrfChecked, PageUser, incident_section, render

router = APIRouter(include_in_schema=False)


@incident_section(25, "pages/regimes/_section.html")
def regimes_section(*, session, user, incident):
    locale, tz = get_locale(), get_settings().tz
    obligations = service.list_obligations(session, actor=user, incident_id=incident.id, locale=locale)
    entries = correspondence.list_entries(session, actor=user, incident_id=incident.id, locale=locale)
    by_key: dict[str, list] = {}
    for e in entries:
        by_key.setdefault(e.obligation_key, []).append(e)
    return {
        "obligations": obligations,
        "log": by_key,
        "overrides": service.get_overrides(session, actor=user, incident_id=incident.id),
        "fmt": lambda d: d.astimezone(tz).strftime("%Y-%m-%d %H:%M") if d else "",
        "log_kinds": [(k.value, LOG_KINDS.label(k, locale)) for k in LogKind],
        "regime_choices": [(r.value, REGIMES.label(r, locale)) for r in CONFIGURABLE],
        "entrustment_choices": [(e.value, ENTRUSTMENT.label(e, locale)) for e in Entrustment],
        "officer": user.is_officer,
        "has_ppc": any(o.regime in ("appi", "mynumber") for o in obligations),
        "has_pmark": any(o.regime == "pmark" for o in obligations),
    }


def _back(incident_id: int) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}#regimes", status_code=303)


def _parse_local(value: str) -> datetime | None:
    value = (value or "").strip()
    return parse_datetime(value) if value else None


@router.post("/incidents/{incident_id}/regimes/log", dependencies=[CsrfChecked])
async def add_log(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    try:
        kind = LogKind(str(form.get("kind", "")))
    except ValueError:
        raise InvalidInput("choose what happened") from None
    data = correspondence.EntryIn(kind=kind, at=_parse_local(str(form.get("at", ""))),
                                  reference=str(form.get("reference", ""))[:200], text=str(form.get("text", ""))[:4000])
    correspondence.add_entry(session, actor=user, incident_id=incident_id, key=str(form.get("key", "")), data=data)
    return _back(incident_id)


@router.post("/incidents/{incident_id}/regimes", dependencies=[CsrfChecked])
async def set_overrides(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    chosen = {str(v) for v in form.getlist("regimes")}
    current = set(service.organisation_regimes())
    try:
        entrustment = Entrustment(str(form.get("entrustment", "none")))
    except ValueError:
        raise InvalidInput("choose the entrustment") from None
    delegated = str(form.get("delegated_to", "") or "")
    data = service.OverridesIn(
        add_regimes=sorted(chosen - {r.value for r in current}),
        remove_regimes=sorted({r.value for r in current} - chosen),
        entrustment=entrustment, counterpart=str(form.get("counterpart", ""))[:200],
        joint_report=form.get("joint_report") == "1",
        delegated_to=To(delegated) if delegated in ("fsa", "mic", "meti") else None,
        clear_delegated_to=delegated not in ("fsa", "mic", "meti"),
    )
    service.set_overrides(session, actor=user, incident_id=incident_id, data=data)
    return _back(incident_id)


@router.get("/incidents/{incident_id}/regulator")
def regulator_page(incident_id: int, request: Request, session: SessionDep, user: PageUser,
                   phase: str = "preliminary", form: str = "ppc"):
    phase = phase if phase in ("preliminary", "final") else "preliminary"
    form = form if form in ("ppc", "pmark") else "ppc"
    incident = visible_incident(session, user, incident_id)
    result = build_form(session, actor=user, incident_id=incident_id, phase=phase, form=form)
    return render(request, "pages/regimes/regulator.html",
                  {"incident": incident, "form": result, "phase": phase, "form_name": form})


@router.get("/register")
def register_page(request: Request, session: SessionDep, user: PageUser):
    """Officers (and managers, for their departments): the register and the periodic reports."""
    if not (user.is_officer or user.is_manager):
        raise Forbidden("the register is for privacy officers and managers")
    from incidents.people.models import Department
    from sqlalchemy import select

    today = utcnow().astimezone(get_settings().tz).date()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    fiscal = today.year if today.month >= 4 else today.year - 1
    half = f"{fiscal}H{1 if 4 <= today.month <= 9 else 2}"
    return render(request, "pages/regimes/register.html", {
        "departments": list(session.execute(select(Department.name).order_by(Department.name)).scalars()),
        "regimes": [(r.value, REGIMES.label(r)) for r in CONFIGURABLE],
        "officer": user.is_officer, "quarter": quarter, "half": half, "fiscal": str(fiscal),
    })
