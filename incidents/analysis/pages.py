"""Root-cause analysis on the incident page (five whys with the blame warning, factors, countermeasures)
and its forms. Thin: services do the work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from incidents.analysis import service
from incidents.analysis.schemas import AnalysisIn, CauseIn, CountermeasureIn
from incidents.analysis.vocab import (FACTORS, TRANSITIONS, CountermeasureStatus, FourE, FourM, factor_label,
                                      four_e_label, four_m_label, status_label)
from incidents.api_deps import SessionDep
from incidents.errors import InvalidInput
from incidents.i18n import get_locale
from incidents.pagekit import CsrfChecked, PageUser, incident_section, page_locale, render
from incidents.times import parse_date

router = APIRouter(include_in_schema=False)
WHY_ROWS = 5
CAUSE_ROWS = 3


def _labels(locale: str) -> dict:
    return {"factor": lambda c: factor_label(c, locale), "four_e": lambda c: four_e_label(c, locale),
            "four_m": lambda c: four_m_label(c, locale), "status": lambda c: status_label(c, locale)}


@incident_section(50, "pages/analysis/_section.html")
def analysis_section(*, session, user, incident):
    locale = get_locale()
    out = service.get_analysis(session, actor=user, incident_id=incident.id)
    return {"a": out, "L": _labels(locale), "four_es": [e.value for e in FourE],
            "next": {c.id: [s.value for s in CountermeasureStatus  # in order, the destructive ones last
                           if s in TRANSITIONS[CountermeasureStatus(c.status)]] for c in out.countermeasures},
            "warning": (out.blame_warning.message_ja if locale == "ja" else out.blame_warning.message_en)
            if out.blame_warning else None}


@router.get("/incidents/{incident_id}/analysis")
def analysis_form(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    out = service.get_analysis(session, actor=user, incident_id=incident_id)
    whys = out.whys + [""] * max(0, WHY_ROWS - len(out.whys))
    causes = out.causes + [{"text": "", "four_m": ""}] * max(0, CAUSE_ROWS - len(out.causes))
    locale = page_locale(request, user)
    return render(request, "pages/analysis/form.html", {
        "incident_id": incident_id, "a": out, "whys": whys, "causes": causes, "factors": FACTORS,
        "four_ms": [m.value for m in FourM], "L": _labels(locale),
        "warning": (out.blame_warning.message_ja if locale == "ja" else out.blame_warning.message_en)
        if out.blame_warning else None})


@router.post("/incidents/{incident_id}/analysis", dependencies=[CsrfChecked])
async def analysis_save(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    whys = [str(w).strip() for w in form.getlist("why") if str(w).strip()]
    texts, four_ms = form.getlist("cause_text"), form.getlist("cause_four_m")
    causes = [CauseIn(text=str(t).strip(), four_m=str(m) or None) for t, m in zip(texts, four_ms) if str(t).strip()]
    data = AnalysisIn(whys=whys, factors=[str(f) for f in form.getlist("factor")],
                      factor_notes=str(form.get("factor_notes", "")), causes=causes,
                      kind_of_work=str(form.get("kind_of_work", "")))
    service.save_analysis(session, actor=user, incident_id=incident_id, data=data)
    return RedirectResponse(f"/incidents/{incident_id}#analysis", status_code=303)


@router.post("/incidents/{incident_id}/countermeasures", dependencies=[CsrfChecked])
async def countermeasure_add(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        data = CountermeasureIn(title=form.get("title", ""), four_e=form.get("four_e", ""), owner=form.get("owner", ""),
                                due_on=parse_date(form.get("due_on", "")),
                                review_on=parse_date(form["review_on"]) if form.get("review_on") else None,
                                reviewer=form.get("reviewer") or None)
    except ValueError as exc:
        raise InvalidInput(f"countermeasure: {str(exc).splitlines()[0]}") from None
    service.add_countermeasure(session, actor=user, incident_id=incident_id, data=data)
    return RedirectResponse(f"/incidents/{incident_id}#analysis", status_code=303)


@router.post("/countermeasures/{countermeasure_id}/status", dependencies=[CsrfChecked])
async def countermeasure_status(countermeasure_id: int, request: Request, session: SessionDep, user: PageUser):
    form = {k: str(v) for k, v in (await request.form()).items()}
    cm = service.set_status(session, actor=user, countermeasure_id=countermeasure_id, status=form.get("status", ""),
                            note=form.get("note", ""))
    return RedirectResponse(f"/incidents/{cm.incident_id}#analysis", status_code=303)
