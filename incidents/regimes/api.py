"""The regimes over HTTP: obligations, overrides, the correspondence log, the regulator forms."""

from __future__ import annotations

import io
import re
from typing import Literal

from fastapi import APIRouter, Query, Response

from incidents.api_deps import CurrentUser, SessionDep
from incidents.regimes import correspondence, service
from incidents.regimes import register as ledger
from incidents.regimes import rollups
from incidents.regimes.correspondence import EntryIn, EntryPublic
from incidents.regimes.forms import RegulatorForm
from incidents.regimes.ppc_form import build_form
from incidents.regimes.public import ObligationPublic
from incidents.regimes.service import OverridesIn, OverridesPublic
from incidents.times import parse_date

router = APIRouter(tags=["regimes"])


@router.get("/incidents/{incident_id}/obligations", response_model=list[ObligationPublic])
def list_obligations(incident_id: int, session: SessionDep, user: CurrentUser, all: bool = False):
    return service.list_obligations(session, actor=user, incident_id=incident_id, locale=user.locale,
                                    include_withdrawn=all)


@router.get("/incidents/{incident_id}/regimes", response_model=OverridesPublic)
def get_regimes(incident_id: int, session: SessionDep, user: CurrentUser):
    return service.get_overrides(session, actor=user, incident_id=incident_id)


@router.put("/incidents/{incident_id}/regimes", response_model=OverridesPublic)
def set_regimes(incident_id: int, body: OverridesIn, session: SessionDep, user: CurrentUser):
    """Officers: add or remove regimes for this incident, entrustment (委託元／委託先), a delegated industry."""
    return service.set_overrides(session, actor=user, incident_id=incident_id, data=body)


@router.get("/incidents/{incident_id}/correspondence", response_model=list[EntryPublic])
def list_correspondence(incident_id: int, session: SessionDep, user: CurrentUser, key: str | None = None):
    return correspondence.list_entries(session, actor=user, incident_id=incident_id, key=key, locale=user.locale)


@router.post("/incidents/{incident_id}/obligations/{key}/correspondence", response_model=EntryPublic, status_code=201)
def add_correspondence(incident_id: int, key: str, body: EntryIn, session: SessionDep, user: CurrentUser):
    """Officers: submitted, reference, question, answer, resubmitted, delay_reason or note."""
    return correspondence.add_entry(session, actor=user, incident_id=incident_id, key=key, data=body)


@router.get("/incidents/{incident_id}/regulator-form", response_model=RegulatorForm)
def regulator_form(incident_id: int, session: SessionDep, user: CurrentUser,
                   phase: Literal["preliminary", "final"] = "preliminary", form: Literal["ppc", "pmark"] = "ppc"):
    """Every field of the regulator's online form in its order (確報: what changed since the 速報)."""
    return build_form(session, actor=user, incident_id=incident_id, phase=phase, form=form)


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, media_type=ledger.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/register", response_class=Response,
            responses={200: {"content": {ledger.MEDIA_TYPES["xlsx"]: {}, "text/csv": {}}}})
def export_register(session: SessionDep, user: CurrentUser, format: Literal["xlsx", "csv"] = "xlsx",
                    date_from: str | None = Query(default=None, alias="from", max_length=40),
                    date_to: str | None = Query(default=None, alias="to", max_length=40),
                    department: str | None = Query(default=None, max_length=200),
                    regime: str | None = Query(default=None, max_length=40)):
    """The register (officers: every incident; managers: their departments), one row per incident."""
    buf = io.BytesIO()
    filters = ledger.RegisterFilter(date_from=parse_date(date_from) if date_from else None,
                                    date_to=parse_date(date_to) if date_to else None,
                                    department=department or None, regime=regime or None)
    ledger.export(session, actor=user, filters=filters, fmt=format, target=buf, locale=user.locale)
    return _download(buf.getvalue(), format, "register")


@router.get("/register/rollups/{kind}", response_class=Response,
            responses={200: {"content": {ledger.MEDIA_TYPES["xlsx"]: {}, "application/pdf": {}}}})
def export_rollup(kind: Literal["quarterly-batch", "half-yearly", "yearly"], session: SessionDep, user: CurrentUser,
                  period: str = Query(max_length=12), format: Literal["xlsx", "pdf"] = "xlsx"):
    """Officers: the quarterly batch (period 2026Q2), the half-yearly publication list (2026H1) or the yearly
    statistics (2026 = fiscal year April 2026 – March 2027)."""
    buf = io.BytesIO()
    rollups.export(session, actor=user, kind=kind, period=period, fmt=format, target=buf, locale=user.locale)
    return _download(buf.getvalue(), format, f"{kind}-{re.sub(r'[^0-9A-Za-z]', '', period)[:12]}")
