"""The regulator forms as data: fields in the online form's order, labelled as the form labels them, with
"not yet known" where so. Both the CLI/API/page export and the regulator draft PDF read this model, so they
say the same thing.

    RegulatorForm(form="ppc"|"pmark", phase, routing, sections[FormSection(title, fields[FormField])], changes)

`CaseView` gathers once what both forms need from the incident, its steps, analysis, obligations and the
organisation's profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from incidents.cases.models import Incident
from incidents.config import get_settings
from incidents.organisation import OrgProfile, org_profile
from incidents.people.models import Department, User

UNKNOWN_JA = "調査中"
UNKNOWN_EN = "not yet known"

Phase = Literal["preliminary", "final"]
FormName = Literal["ppc", "pmark"]


class FormField(BaseModel):
    key: str  # stable id, e.g. "item1.discovered_on"
    label: str  # the form's own (Japanese) label
    label_en: str
    value: str | None  # the text to paste; None = not yet known
    known: bool
    changed: bool = False  # 確報: differs from the 速報 as submitted
    previous: str | None = None  # 確報: the value the 速報 gave

    def display(self, locale: str = "ja") -> str:
        if self.value is None:
            return UNKNOWN_JA if locale == "ja" else UNKNOWN_EN
        return self.value


class FormSection(BaseModel):
    key: str
    title: str
    title_en: str
    fields: list[FormField]


class FieldChange(BaseModel):
    key: str
    label: str
    label_en: str
    previous: str | None
    value: str | None


class RegulatorForm(BaseModel):
    form: FormName
    phase: Phase
    incident_id: int
    title: str  # the form's title
    routing: list[FormField]  # questions answered before the form opens (PPC)
    sections: list[FormSection]
    changes: list[FieldChange] = []  # 確報: what changed since the 速報
    compared_with: datetime | None = None  # when the 速報 compared with was submitted
    missing: list[str] = []  # labels still 調査中 (a 確報 should have none)
    sources: list[str] = []

    def fields(self) -> list[FormField]:
        return [f for s in self.sections for f in s.fields]


def field_(key: str, label: str, label_en: str, value: Any) -> FormField:
    text = None if value is None or (isinstance(value, str) and not value.strip()) else str(value)
    return FormField(key=key, label=label, label_en=label_en, value=text, known=text is not None)


def compare(form: RegulatorForm, previous: dict[str, Any] | None, submitted_at: datetime | None) -> RegulatorForm:
    """Mark what changed since the submitted 速報 (previous = its stored form JSON)."""
    if not previous:
        return form
    before = {f["key"]: f.get("value") for s in previous.get("sections", []) for f in s.get("fields", [])}
    changes = []
    for f in form.fields():
        if f.key.startswith("report.") or f.key not in before:
            continue
        if before[f.key] != f.value:
            f.changed, f.previous = True, before[f.key]
            changes.append(FieldChange(key=f.key, label=f.label, label_en=f.label_en, previous=before[f.key],
                                       value=f.value))
    form.changes, form.compared_with = changes, submitted_at
    return form


# --- what both forms read ---------------------------------------------------------------------------------
@dataclass
class CaseView:
    incident: Incident
    org: OrgProfile
    settings: Any
    department: str
    contact: User
    unintended: int = 0
    intended: int = 0
    attachments: int = 0
    deletion: dict[str, int] = field(default_factory=dict)  # status -> n (per-recipient steps)
    opened_yes: int = 0
    deletion_requested: int = 0
    contact_department: str = ""
    apology: dict[str, int] = field(default_factory=dict)
    steps: dict[str, Any] = field(default_factory=dict)  # key -> Step (general steps)
    causes: list[str] = field(default_factory=list)
    countermeasures: list[Any] = field(default_factory=list)
    obligations: list[Any] = field(default_factory=list)
    overrides: Any = None

    @property
    def tz(self):
        return self.settings.tz

    def local(self, value: datetime | None, *, with_time: bool = True) -> str | None:
        if value is None:
            return None
        v = value.astimezone(self.tz)
        return f"{v.year}年{v.month}月{v.day}日" + (f" {v:%H:%M}" if with_time else "")

    def day(self, value: date | None) -> str | None:
        return None if value is None else f"{value.year}年{value.month}月{value.day}日"


def gather(session: Session, incident: Incident, actor: User) -> CaseView:
    from incidents.analysis.models import Analysis, Countermeasure
    from incidents.regimes.service import obligations_of, public_overrides
    from incidents.response.models import Step

    dept = session.get(Department, incident.department_id)
    own = session.get(Department, actor.department_id) if actor.department_id else None
    view = CaseView(incident=incident, org=org_profile(), settings=get_settings(),
                    department=dept.name if dept else "", contact=actor, contact_department=own.name if own else "")
    from incidents.cases.models import Attachment, Recipient

    view.attachments = session.execute(
        select(func.count()).select_from(Attachment).where(Attachment.incident_id == incident.id)).scalar_one()

    for kind, n in session.execute(select(Recipient.kind, func.count()).where(Recipient.incident_id == incident.id)
                                   .group_by(Recipient.kind)):
        setattr(view, "unintended" if kind == "unintended" else "intended", n)
    for kind, status, opened, requested, n in session.execute(
        select(Step.kind, Step.status, Step.opened, Step.request_sent_at.is_not(None), func.count()).where(
            Step.incident_id == incident.id, Step.recipient_address.is_not(None)
        ).group_by(Step.kind, Step.status, Step.opened, Step.request_sent_at.is_not(None))
    ):
        if kind == "deletion" and requested:
            view.deletion_requested += n
        target = view.deletion if kind == "deletion" else view.apology if kind == "apology" else None
        if target is not None:
            target[status] = target.get(status, 0) + n
        if kind == "deletion" and opened == "yes":
            view.opened_yes += n
    view.steps = {s.key: s for s in session.execute(
        select(Step).where(Step.incident_id == incident.id, Step.recipient_address.is_(None))).scalars()}
    analysis = session.execute(select(Analysis).where(Analysis.incident_id == incident.id)).scalar_one_or_none()
    if analysis is not None:
        view.causes = [c.get("text", "") for c in analysis.causes if c.get("text")]
    view.countermeasures = list(session.execute(
        select(Countermeasure).where(Countermeasure.incident_id == incident.id).order_by(Countermeasure.due_on,
                                                                                          Countermeasure.id)
    ).scalars())
    view.obligations = obligations_of(session, incident)
    view.overrides = public_overrides(session, incident)
    return view
