"""The register (台帳): one row per incident with its facts, its obligations and their status — the record an
organisation keeps of every leak, reportable or not (GDPR art. 33(5) asks the same of every breach).

    rows = register(session, actor=, filters=RegisterFilter(...))     # a Register: incidents + obligations
    write_xlsx(register, target)  /  write_csv(register, target)

Read in bulk (a handful of queries whatever the number of incidents). XLSX through openpyxl in write-only
mode, dates and numbers typed (Excel sorts and filters them), the register on the first sheet and one row
per obligation on the second. Headers in the current language.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from typing import IO, Any, Iterable

from sqlalchemy import select
from sqlmodel import Session

from incidents.cases.access import incident_scope
from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS, MISTAKE_TYPES, PROTECTION, STATUS
from incidents.cases.models import Incident
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput
from incidents.i18n import LabelTable, get_locale
from incidents.people.models import Department, User
from incidents.regimes.catalogue import Regime
from incidents.regimes.labels import ANSWERS, ADDRESSEES, OBLIGATION_KINDS, OBLIGATION_STATUS, REGIMES
from incidents.regimes.models import CorrespondenceEntry, IncidentRegimes, LogKind, Obligation, ObligationStatus
from incidents.types import utcnow

COLUMNS = LabelTable("register_column", {
    "id": "Incident no.",
    "title": "Title",
    "department": "Department",
    "mistake_type": "Kind of mistake",
    "discovery_method": "How it was found",
    "sent_at": "Sent",
    "discovered_at": "Discovered",
    "reported_at": "Filed",
    "affected_persons": "People affected",
    "recipients": "Recipients",
    "data_items": "Personal data",
    "protection": "Protection",
    "improper_purpose": "Improper purpose",
    "appi_reportable": "Reportable under the APPI",
    "grounds": "Grounds",
    "obligations": "Obligations",
    "pending": "Pending",
    "overdue": "Overdue",
    "next_due": "Next due",
    "summary": "Obligations and status",
    "status": "Status",
    "closed_at": "Closed",
})
OBLIGATION_COLUMNS = LabelTable("register_obligation_column", {
    "id": "Incident no.",
    "title": "Title",
    "department": "Department",
    "regime": "Regime",
    "kind": "Report or notice",
    "to": "To",
    "due": "Due",
    "status": "Status",
    "submitted_at": "Submitted",
    "reference": "Reference number",
    "late": "Late",
    "delay_reason": "Reason for the delay",
    "rule_version": "Rule version",
    "arose_at": "Arose",
})
DATETIME_COLUMNS = {"sent_at", "discovered_at", "reported_at", "next_due", "closed_at", "due", "submitted_at", "arose_at"}
NUMBER_COLUMNS = {"id", "affected_persons", "recipients", "obligations", "pending", "overdue"}
MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class RegisterFilter:
    date_from: date | None = None  # discovered on or after (organisation's zone)
    date_to: date | None = None  # discovered on or before
    department: str | None = None  # name or number
    regime: str | None = None  # only incidents with an obligation of this regime


@dataclass
class Register:
    locale: str
    incidents: list[dict[str, Any]] = field(default_factory=list)
    obligations: list[dict[str, Any]] = field(default_factory=list)
    generated_at: datetime = field(default_factory=utcnow)


def _local(value: datetime | None) -> datetime | None:
    """Excel has no time zones: the organisation's wall-clock time, to the minute."""
    if value is None:
        return None
    tz = get_settings().tz
    offset = _fixed_offset(tz)
    if offset is not None and value.utcoffset() == timedelta(0):  # stored times are UTC: just shift them
        return value.replace(tzinfo=None, second=0, microsecond=0) + offset
    return value.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


@lru_cache(maxsize=8)
def _fixed_offset(tz: Any) -> timedelta | None:
    """The zone's offset if it never changes (Asia/Tokyo since 1951), else None."""
    offsets = {tz.utcoffset(datetime(year, month, 1)) for year in (1990, 2010, 2030) for month in (1, 7)}
    return offsets.pop() if len(offsets) == 1 else None


def _bounds(filters: RegisterFilter) -> tuple[datetime | None, datetime | None]:
    tz = get_settings().tz
    lo = datetime.combine(filters.date_from, time.min, tz) if filters.date_from else None
    hi = datetime.combine(filters.date_to + timedelta(days=1), time.min, tz) if filters.date_to else None
    if lo and hi and lo >= hi:
        raise InvalidInput("the period ends before it begins")
    return lo, hi


def _department_id(session: Session, value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip()
    q = select(Department.id).where(Department.name == value)
    if value.isdigit() and len(value) < 12:
        q = select(Department.id).where((Department.name == value) | (Department.id == int(value)))
    found = session.execute(q).scalars().first()
    if found is None:
        raise InvalidInput("no such department: %(name)s", field="department", name=value[:100])
    return found


def incidents_query(session: Session, actor: User, filters: RegisterFilter):
    if not (actor.is_officer or actor.is_manager):
        raise Forbidden("the register is for privacy officers and managers")
    q = select(Incident, Department.name).join(Department, Department.id == Incident.department_id, isouter=True)
    scope = incident_scope(session, actor)
    if scope is not None:
        q = q.where(scope)
    lo, hi = _bounds(filters)
    if lo:
        q = q.where(Incident.discovered_at >= lo)
    if hi:
        q = q.where(Incident.discovered_at < hi)
    dept = _department_id(session, filters.department)
    if dept is not None:
        q = q.where(Incident.department_id == dept)
    if filters.regime:
        try:
            regime = Regime(filters.regime.strip().lower())
        except ValueError:
            raise InvalidInput("unknown regime: %(code)s", field="regime", code=filters.regime[:40]) from None
        q = q.where(Incident.id.in_(select(Obligation.incident_id).where(
            Obligation.regime == regime.value, Obligation.status != ObligationStatus.withdrawn)))
    return q.order_by(Incident.discovered_at, Incident.id)


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


OBLIGATION_FIELDS = (Obligation.id, Obligation.incident_id, Obligation.key, Obligation.regime, Obligation.kind,
                     Obligation.to, Obligation.status, Obligation.due_at, Obligation.submitted_at,
                     Obligation.reference, Obligation.rule_version, Obligation.arose_at)
REPORT_KEYS = ("appi:preliminary", "mynumber:preliminary")  # their basis gives the register's grounds


def _obligations_by_incident(session: Session, ids: list[int]) -> dict[int, list[Any]]:
    """The columns the register shows (not the rule snapshots nor the submitted forms: they are large)."""
    out: dict[int, list[Any]] = {}
    for chunk in _chunks(ids):
        for o in session.execute(select(*OBLIGATION_FIELDS).where(
                Obligation.incident_id.in_(chunk), Obligation.status != ObligationStatus.withdrawn)
                .order_by(Obligation.incident_id, Obligation.due_at)):
            out.setdefault(o.incident_id, []).append(o)
    return out


def _grounds(session: Session, ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for chunk in _chunks(ids):
        for incident_id, basis in session.execute(select(Obligation.incident_id, Obligation.basis).where(
                Obligation.incident_id.in_(chunk), Obligation.key.in_(REPORT_KEYS),
                Obligation.status != ObligationStatus.withdrawn)):
            out.setdefault(incident_id, set()).update(basis or [])
    return out


def _previews(session: Session, incidents: list[Incident], by_incident: dict[int, list[Obligation]]) -> None:
    """Incidents filed before the regimes existed have no stored obligations yet: evaluate them now."""
    from incidents.regimes.service import obligations_of

    ids = [i.id for i in incidents if i.id not in by_incident]
    synced: set[int] = set()
    for chunk in _chunks(ids):
        synced |= set(session.execute(select(IncidentRegimes.incident_id)
                                      .where(IncidentRegimes.incident_id.in_(chunk))).scalars())
    for incident in incidents:
        if incident.id not in by_incident and incident.id not in synced:
            rows = obligations_of(session, incident)
            if rows:
                by_incident[incident.id] = rows


def _delay_reasons(session: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        for ob_id, text in session.execute(
            select(CorrespondenceEntry.obligation_id, CorrespondenceEntry.text).where(
                CorrespondenceEntry.incident_id.in_(chunk), CorrespondenceEntry.kind == LogKind.delay_reason)
            .order_by(CorrespondenceEntry.at, CorrespondenceEntry.id)
        ):
            out[ob_id] = text  # the latest reason wins
    return out


class _Labels:
    """Labels looked up once per (table, code): a register repeats the same few thousand times."""

    def __init__(self, locale: str):
        self.locale, self.memo = locale, {}

    def __call__(self, table: LabelTable, code: Any) -> str:
        key = (table.name, code)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = table.label(code, self.locale)
        return found

    def join(self, table: LabelTable, codes: list[str]) -> str:
        key = (table.name, tuple(codes))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = table.join(codes, self.locale)
        return found


def register(session: Session, *, actor: User, filters: RegisterFilter, locale: str | None = None) -> Register:
    locale = locale or get_locale()
    L = _Labels(locale)
    rows = session.execute(incidents_query(session, actor, filters)).all()
    incidents = [r[0] for r in rows]
    depts = {r[0].id: r[1] or "" for r in rows}
    ids = [i.id for i in incidents]
    by_incident = _obligations_by_incident(session, ids)
    _previews(session, incidents, by_incident)
    reasons = _delay_reasons(session, ids)
    grounds_of = _grounds(session, ids)
    now = utcnow()
    out = Register(locale=locale)
    yes, no = ANSWERS.label("yes", locale), ANSWERS.label("no", locale)
    for i in incidents:
        obs = by_incident.get(i.id, [])
        pending = [o for o in obs if o.status == ObligationStatus.pending]
        appi = [o for o in obs if o.key in REPORT_KEYS]
        grounds = sorted(grounds_of.get(i.id) or {b for o in appi for b in (getattr(o, "basis", None) or [])})
        out.incidents.append({
            "id": i.id, "title": i.title, "department": depts[i.id],
            "mistake_type": L(MISTAKE_TYPES, i.mistake_type),
            "discovery_method": L(DISCOVERY_METHODS, i.discovery_method),
            "sent_at": _local(i.sent_at), "discovered_at": _local(i.discovered_at), "reported_at": _local(i.reported_at),
            "affected_persons": int(i.affected_persons or 0), "recipients": int(i.recipients_count or 0),
            "data_items": L.join(DATA_ITEMS, i.data_items or []), "protection": L(PROTECTION, i.protection),
            "improper_purpose": yes if i.improper_purpose else no, "appi_reportable": yes if appi else no,
            "grounds": ", ".join(grounds), "obligations": len(obs), "pending": len(pending),
            "overdue": sum(1 for o in pending if o.due_at < now),
            "next_due": _local(min((o.due_at for o in pending), default=None)),
            "summary": "; ".join(_summary(o, L) for o in obs),
            "status": L(STATUS, i.status), "closed_at": _local(i.closed_at),
        })
        for o in obs:
            late = (o.submitted_at or now) > o.due_at if o.status != ObligationStatus.released else False
            out.obligations.append({
                "id": i.id, "title": i.title, "department": depts[i.id], "regime": L(REGIMES, o.regime),
                "kind": L(OBLIGATION_KINDS, o.kind), "to": L(ADDRESSEES, o.to),
                "due": _local(o.due_at), "status": L(OBLIGATION_STATUS, o.status),
                "submitted_at": _local(o.submitted_at), "reference": o.reference, "late": yes if late else no,
                "delay_reason": reasons.get(o.id, ""), "rule_version": o.rule_version, "arose_at": _local(o.arose_at),
            })
    return out


def _summary(o: Any, L: "_Labels") -> str:
    text = f"{L(REGIMES, o.regime)} {L(OBLIGATION_KINDS, o.kind)}: {L(OBLIGATION_STATUS, o.status)}"
    when = o.submitted_at if o.status == ObligationStatus.submitted else o.due_at
    return f"{text} ({_local(when):%Y-%m-%d})" if when else text


# --- writers ----------------------------------------------------------------------------------------------
def _headers(table: LabelTable, locale: str) -> list[str]:
    return [table.label(k, locale) for k in table]


WIDTHS = {"title": 36, "summary": 60, "data_items": 30, "department": 16, "delay_reason": 30, "regime": 18,
          "kind": 16, "to": 24, "grounds": 24}


def _sheet(wb, title: str, table: LabelTable, rows: list[dict[str, Any]], locale: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    keys = list(table)
    for n, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(n)].width = WIDTHS.get(key, 17 if key in DATETIME_COLUMNS else 12)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for text in _headers(table, locale):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    date_cols = [n for n, k in enumerate(keys) if k in DATETIME_COLUMNS]
    for row in rows:
        values: list[Any] = [row[k] for k in keys]
        for n in date_cols:
            if values[n] is not None:
                cell = WriteOnlyCell(ws, value=values[n])
                cell.number_format = "yyyy-mm-dd hh:mm"
                values[n] = cell
        ws.append(values)


def write_xlsx(reg: Register, target: IO[bytes]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _sheet(wb, _sheet_title("Register", reg.locale), COLUMNS, reg.incidents, reg.locale)
    _sheet(wb, _sheet_title("Obligations", reg.locale), OBLIGATION_COLUMNS, reg.obligations, reg.locale)
    wb.save(target)


def _sheet_title(name: str, locale: str) -> str:
    return {"Register": "台帳", "Obligations": "義務"}[name] if locale == "ja" else name


def write_csv(reg: Register, target: IO[bytes]) -> None:
    """UTF-8 with a byte-order mark (Excel opens Japanese CSV correctly only with it); times as shown locally."""
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(_headers(COLUMNS, reg.locale))
    for row in reg.incidents:
        writer.writerow(["" if row[k] is None else row[k].strftime("%Y-%m-%d %H:%M") if isinstance(row[k], datetime)
                         else _csv_safe(row[k]) for k in COLUMNS])
    text.flush()
    text.detach()


def _csv_safe(value: Any) -> Any:
    """A cell starting with = + - @ is a formula to a spreadsheet: neutralise it (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


FORMATS = ("xlsx", "csv")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def export(session: Session, *, actor: User, filters: RegisterFilter, fmt: str, target: IO[bytes],
           locale: str | None = None) -> Register:
    if fmt not in FORMATS:
        raise InvalidInput("the register is exported as xlsx or csv")
    reg = register(session, actor=actor, filters=filters, locale=locale)
    (write_xlsx if fmt == "xlsx" else write_csv)(reg, target)
    return reg

