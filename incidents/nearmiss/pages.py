"""Pages of the near-miss library (every signed-in user) and of the draft review (those who see the
incident; publishing for managers and officers). Thin: services do the work."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from incidents.analysis.vocab import FACTORS, FourE, factor_label, four_e_label, four_m_label
from incidents.api_deps import SessionDep
from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS, MISTAKE_TYPES
from incidents.nearmiss import library, service
from incidents.nearmiss.draft import SECTION_KEYS
from incidents.nearmiss.schemas import LibraryFilter, PublishIn, WithdrawIn
from incidents.pagekit import CsrfChecked, PageUser, incident_section, page_locale, render

router = APIRouter(include_in_schema=False)
TYPE_COLOURS = {"wrong_recipient": "#3b6ea5", "bcc_exposure": "#c0504d", "wrong_attachment": "#9a7b1e",
                "lookalike_domain": "#6b4c9a", "distribution_list": "#2e8b57", "inappropriate_content": "#d2691e",
                "other": "#777"}


def segments(text: str, replacements: list[dict]) -> list[dict]:
    """Text cut into plain and replaced pieces, for highlighting."""
    out, pos = [], 0
    for r in sorted(replacements, key=lambda r: r["start"]):
        if r["start"] > pos:
            out.append({"text": text[pos:r["start"]]})
        out.append({"text": text[r["start"]:r["end"]], "kind": r["kind"], "original": r.get("original", "")})
        pos = r["end"]
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


def _labels(locale: str) -> dict:
    return {
        "mistake": lambda c: MISTAKE_TYPES.label(c, locale),
        "discovery": lambda c: DISCOVERY_METHODS.label(c, locale),
        "items": lambda cs: DATA_ITEMS.join(cs, locale),
        "factor": lambda c: factor_label(c, locale),
        "four_e": lambda c: four_e_label(c, locale),
        "four_m": lambda c: four_m_label(c, locale),
    }


def _charts(st) -> dict:
    months: dict[str, dict[str, int]] = {}
    for m in st.per_month:
        months.setdefault(m.period, {})[m.mistake_type] = m.count
    recent = sorted(months)[-12:]
    peak = max((sum(months[p].values()) for p in recent), default=1) or 1
    bars = []
    for p in recent:
        x, parts = 0.0, []
        for t, n in sorted(months[p].items()):
            pct = round(100 * n / peak, 2)
            parts.append({"type": t, "count": n, "x": x, "pct": pct, "colour": TYPE_COLOURS.get(t, "#777")})
            x = round(x + pct, 2)
        bars.append({"period": p, "total": sum(months[p].values()), "parts": parts})
    top = max((f.count for f in st.top_factors), default=1) or 1
    factors = [{"factor": f.factor, "count": f.count, "pct": round(100 * f.count / top, 1)} for f in st.top_factors]
    return {"bars": bars, "factors": factors, "colours": TYPE_COLOURS}


@router.get("/nearmiss")
def library_page(request: Request, session: SessionDep, user: PageUser, q: str = Query("", max_length=200),
                 mistake_type: str = "", factor: str = "", four_e: str = "", page: int = Query(1, ge=1),
                 count: str = ""):
    filters = LibraryFilter(q=q, mistake_type=mistake_type or None, factor=factor or None, four_e=four_e or None)
    result = library.search(session, actor=user, filters=filters, page=page, exact_count=count == "exact")
    st = library.stats(session, actor=user)
    locale = page_locale(request, user)
    return render(request, "pages/nearmiss/library.html", {
        "result": result, "filters": filters, "stats": st, "charts": _charts(st), "L": _labels(locale),
        "mistake_types": list(MISTAKE_TYPES), "factors": [f.code for f in FACTORS], "four_es": [e.value for e in FourE],
    })


@router.get("/nearmiss/{case_id}")
def case_page(case_id: int, request: Request, session: SessionDep, user: PageUser):
    case = library.get_case(session, actor=user, case_id=case_id)
    return render(request, "pages/nearmiss/case.html", {"case": case, "L": _labels(page_locale(request, user))})


@router.get("/incidents/{incident_id}/nearmiss")
def draft_page(incident_id: int, request: Request, session: SessionDep, user: PageUser, locale: str = "ja"):
    locale = locale if locale in ("ja", "en") else "ja"
    out = service.draft(session, actor=user, incident_id=incident_id, locale=locale)
    d = out.draft
    sections = [{**s, "segments": segments(s["text"], s["replacements"])} for s in d["sections"]]
    return render(request, "pages/nearmiss/draft.html", {
        "incident_id": incident_id, "draft": d, "title_segments": segments(d["title"]["text"], d["title"]["replacements"]),
        "sections": sections, "publication": out.publication, "draft_locale": locale,
        "count": sum(len(s["replacements"]) for s in d["sections"]), "L": _labels(page_locale(request, user)),
    })


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/incidents/{incident_id}/nearmiss/publish", dependencies=[CsrfChecked])
async def publish_form(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    data = PublishIn(locale=form.get("locale", "ja") if form.get("locale") in ("ja", "en") else "ja",
                     title=form.get("title") or None,
                     sections={k: form[f"section_{k}"] for k in SECTION_KEYS if form.get(f"section_{k}", "").strip()})
    case = service.publish(session, actor=user, incident_id=incident_id, data=data)
    return RedirectResponse(f"/nearmiss/{case.id}", status_code=303)


@router.post("/incidents/{incident_id}/nearmiss/withdraw", dependencies=[CsrfChecked])
async def withdraw_form(incident_id: int, request: Request, session: SessionDep, user: PageUser):
    form = await _form(request)
    data = WithdrawIn(reason=form.get("reason") or "-")
    service.withdraw(session, actor=user, incident_id=incident_id, reason=data.reason)
    return RedirectResponse(f"/incidents/{incident_id}#nearmiss", status_code=303)


@incident_section(70, "pages/nearmiss/_section.html")
def nearmiss_section(*, session, user, incident):
    from incidents.nearmiss.service import case_for
    from incidents.cases.access import can_manage

    case = case_for(session, incident.id)
    return {"case": case, "can_publish": can_manage(session, user, incident)}
