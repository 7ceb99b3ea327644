"""Roll-ups for the periodic reports, as XLSX and PDF:

- `quarterly-batch`: the minor misdeliveries a finance business reports to its industry association once a
  quarter (FSA Q&A Q4-12; the `fsa:batch` obligations of the quarter, calendar quarters);
- `half-yearly`: a local government's list of leaks published every half-year (the `local_gov:publication`
  obligations listed rather than published one by one; fiscal halves April–September, October–March);
- `yearly`: statistics for management over a fiscal year (April–March): totals, by month, by kind of mistake,
  by department, and how the duties were met.

    rollup = build(session, actor=, kind=, period="2026Q2" | "2026H1" | "2026")
    write_xlsx(rollup, target) / write_pdf(rollup, target)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from sqlalchemy import select
from sqlmodel import Session

from incidents.cases.access import incident_scope
from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS, MISTAKE_TYPES
from incidents.cases.models import Incident
from incidents.config import get_settings
from incidents.errors import Forbidden, InvalidInput
from incidents.i18n import LabelTable, get_locale, translate
from incidents.people.models import Department, User
from incidents.regimes.models import Obligation, ObligationStatus
from incidents.regimes.register import _chunks, _local
from incidents.response.models import Step
from incidents.types import utcnow

KINDS = ("quarterly-batch", "half-yearly", "yearly")
COLUMNS = LabelTable("rollup_column", {
    "incident_no": "Incident no.",
    "discovered": "Discovered",
    "occurred": "Occurred",
    "department": "Department",
    "mistake": "Kind of mistake",
    "data": "Personal data",
    "persons": "People affected",
    "deletion": "Deletion confirmed",
    "status": "Status",
    "no": "No.",
    "what": "What happened",
    "response": "Response",
    "month": "Month",
    "incidents": "Incidents",
    "reportable": "Reportable under the APPI",
    "found": "How it was found",
})


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # last day (inclusive)
    label: str  # as people write it: 2026年4月～6月 / Apr–Jun 2026

    def bounds(self) -> tuple[datetime, datetime]:
        tz = get_settings().tz
        return datetime.combine(self.start, time.min, tz), datetime.combine(self.end + timedelta(days=1), time.min, tz)


def _span(start: date, end: date, locale: str) -> str:
    if locale == "ja":
        tail = f"{end.year}年{end.month}月" if end.year != start.year else f"{end.month}月"
        return f"{start.year}年{start.month}月～{tail}"
    return f"{start:%b %Y} – {end:%b %Y}"


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))


def parse_period(kind: str, text: str, locale: str = "ja") -> Period:
    value = (text or "").strip().upper().replace("FY", "").replace("-", "").replace(" ", "")
    if kind == "quarterly-batch":
        m = re.fullmatch(r"(\d{4})Q([1-4])", value)
        if not m:
            raise InvalidInput("a quarter is written like 2026Q2 (April to June 2026)")
        year, q = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * q - 2, 1)
        end = _month_end(year, 3 * q)
    elif kind == "half-yearly":
        m = re.fullmatch(r"(\d{4})H([12])", value)
        if not m:
            raise InvalidInput("a half-year is written like 2026H1 (April to September 2026) or 2026H2")
        year = int(m.group(1))
        start, end = (date(year, 4, 1), date(year, 9, 30)) if m.group(2) == "1" else (date(year, 10, 1), date(year + 1, 3, 31))
    elif kind == "yearly":
        m = re.fullmatch(r"(\d{4})", value)
        if not m:
            raise InvalidInput("a fiscal year is written like 2026 (April 2026 to March 2027)")
        year = int(m.group(1))
        start, end = date(year, 4, 1), date(year + 1, 3, 31)
    else:
        raise InvalidInput("the roll-up is quarterly-batch, half-yearly or yearly")
    if not 2000 <= start.year <= 2100:
        raise InvalidInput("the period must lie between 2000 and 2100")
    return Period(start, end, _span(start, end, locale))


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Rollup:
    kind: str
    title: str
    addressee: str
    period: Period
    org: str
    summary: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""
    locale: str = "ja"
    generated_at: datetime = field(default_factory=utcnow)


def _t(msgid: str, locale: str, **params: Any) -> str:
    return translate(msgid, locale, **params)


def _c(key: str, locale: str) -> str:
    return COLUMNS.label(key, locale)


def _incidents(session: Session, actor: User, period: Period, ids: set[int] | None = None):
    if not actor.is_officer:
        raise Forbidden("the periodic reports are for privacy officers")
    lo, hi = period.bounds()
    q = select(Incident, Department.name).join(Department, Department.id == Incident.department_id, isouter=True) \
        .where(Incident.discovered_at >= lo, Incident.discovered_at < hi)
    scope = incident_scope(session, actor)
    if scope is not None:
        q = q.where(scope)
    if ids is not None:
        if not ids:
            return []
        q = q.where(Incident.id.in_(sorted(ids)))
    return session.execute(q.order_by(Incident.discovered_at, Incident.id)).all()


def _obligations(session: Session, period: Period, key: str) -> dict[int, Obligation]:
    lo, hi = period.bounds()
    rows = session.execute(select(Obligation).where(
        Obligation.key == key, Obligation.status != ObligationStatus.withdrawn,
        Obligation.arose_at >= lo, Obligation.arose_at < hi)).scalars()
    return {o.incident_id: o for o in rows}


def _deletions(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """(confirmed, total) deletion steps per incident."""
    out: dict[int, list[int]] = {}
    for chunk in _chunks(ids):
        for incident_id, status in session.execute(select(Step.incident_id, Step.status).where(
                Step.incident_id.in_(chunk), Step.kind == "deletion", Step.status != "not_applicable")):
            entry = out.setdefault(incident_id, [0, 0])
            entry[1] += 1
            entry[0] += status == "done"
    return {k: (v[0], v[1]) for k, v in out.items()}


def _day(value: datetime | None) -> date | None:
    local = _local(value)
    return local.date() if local else None


def quarterly_batch(session: Session, actor: User, period: Period, locale: str) -> Rollup:
    obs = _obligations(session, period, "fsa:batch")
    rows = _incidents(session, actor, period, set(obs))
    ids = [r[0].id for r in rows]
    dels = _deletions(session, ids)
    table = Table(_t("Minor misdeliveries", locale), [
        _c("incident_no", locale), _c("discovered", locale), _c("department", locale), _c("mistake", locale),
        _c("data", locale), _c("persons", locale), _c("deletion", locale),
        _c("status", locale)])
    persons = 0
    for incident, dept in rows:
        confirmed, total = dels.get(incident.id, (0, 0))
        persons += incident.affected_persons or 0
        table.rows.append([incident.id, _day(incident.discovered_at), dept or "",
                           MISTAKE_TYPES.label(incident.mistake_type, locale),
                           DATA_ITEMS.join(incident.data_items or [], locale), int(incident.affected_persons or 0),
                           f"{confirmed}/{total}", _t("Reported", locale) if obs[incident.id].status ==
                           ObligationStatus.submitted else _t("To report", locale)])
    return Rollup(kind="quarterly-batch", title=_t("Quarterly report of minor misdeliveries", locale),
                  addressee=_t("To the industry association", locale), period=period, org=_org(locale),
                  summary=[(_c("incidents", locale), len(rows)), (_c("persons", locale), persons)],
                  tables=[table], locale=locale,
                  note=_t("Minor misdeliveries of individual customers' data reported together once a quarter, as the "
                          "association allows (FSA Q&A Q4-12).", locale))


def half_yearly(session: Session, actor: User, period: Period, locale: str) -> Rollup:
    obs = _obligations(session, period, "local_gov:publication")
    listed = {k for k, o in obs.items() if "half_yearly_list" in (o.basis or [])}
    rows = _incidents(session, actor, period, listed)
    dels = _deletions(session, [r[0].id for r in rows])
    table = Table(_t("Leaks in the period", locale), [
        _c("no", locale), _c("occurred", locale), _c("department", locale), _c("what", locale),
        _c("data", locale), _c("persons", locale), _c("response", locale)])
    for n, (incident, dept) in enumerate(rows, start=1):
        confirmed, total = dels.get(incident.id, (0, 0))
        what = _t("An email containing personal information was sent to the wrong address (%(kind)s).", locale,
                  kind=MISTAKE_TYPES.label(incident.mistake_type, locale))
        if not total:
            response = _t("Apologised to the people concerned.", locale)
        elif confirmed:
            response = _t("Asked the recipients to delete it; deletion confirmed by %(done)s of %(total)s.", locale,
                          done=confirmed, total=total)
        else:
            response = _t("Asked the recipients to delete it; confirmation awaited.", locale)
        table.rows.append([n, _day(incident.sent_at), dept or "", what, DATA_ITEMS.join(incident.data_items or [], locale),
                           int(incident.affected_persons or 0), response])
    return Rollup(kind="half-yearly", title=_t("Leaks of personal information: half-yearly publication", locale),
                  addressee="", period=period, org=_org(locale),
                  summary=[(_c("incidents", locale), len(rows)),
                           (_c("persons", locale), sum(int(r[0].affected_persons or 0) for r in rows))],
                  tables=[table], locale=locale,
                  note=_t("Serious leaks (more than 100 people, sensitive data and the like) are published one by one "
                          "when they happen and are not repeated here.", locale))


def yearly(session: Session, actor: User, period: Period, locale: str) -> Rollup:
    rows = _incidents(session, actor, period)
    ids = [r[0].id for r in rows]
    obs: list[Obligation] = []
    for chunk in _chunks(ids):
        obs += list(session.execute(select(Obligation).where(
            Obligation.incident_id.in_(chunk), Obligation.status != ObligationStatus.withdrawn)).scalars())
    reportable = {o.incident_id for o in obs if o.key in ("appi:preliminary", "mynumber:preliminary")}
    now = utcnow()
    on_time = sum(1 for o in obs if o.status == ObligationStatus.submitted and o.submitted_at and o.submitted_at <= o.due_at)
    late = sum(1 for o in obs if o.status == ObligationStatus.submitted and o.submitted_at and o.submitted_at > o.due_at)
    open_late = sum(1 for o in obs if o.status == ObligationStatus.pending and o.due_at < now)
    summary = [
        (_c("incidents", locale), len(rows)),
        (_c("persons", locale), sum(int(r[0].affected_persons or 0) for r in rows)),
        (_c("reportable", locale), len(reportable)),
        (_t("Obligations", locale), len(obs)),
        (_t("Submitted on time", locale), on_time),
        (_t("Submitted late", locale), late),
        (_t("Pending and overdue", locale), open_late),
    ]
    months = Table(_t("By month", locale), [_c("month", locale), _c("incidents", locale),
                                             _c("persons", locale), _c("reportable", locale)])
    by_month: dict[tuple[int, int], list[int]] = {}
    for incident, _dept in rows:
        d = _day(incident.discovered_at)
        entry = by_month.setdefault((d.year, d.month), [0, 0, 0])
        entry[0] += 1
        entry[1] += int(incident.affected_persons or 0)
        entry[2] += incident.id in reportable
    y, m = period.start.year, period.start.month
    for _ in range(12):
        label = f"{y}年{m}月" if locale == "ja" else f"{date(y, m, 1):%b %Y}"
        months.rows.append([label, *by_month.get((y, m), [0, 0, 0])])
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def counted(title: str, column: str, key) -> Table:
        table = Table(title, [column, _c("incidents", locale)])
        for name, n in Counter(key(i, d) for i, d in rows).most_common():
            table.rows.append([name, n])
        return table

    return Rollup(kind="yearly", title=_t("Misdelivery statistics for the fiscal year", locale), addressee="",
                  period=period, org=_org(locale), summary=summary, locale=locale, tables=[
                      months,
                      counted(_t("By kind of mistake", locale), _c("mistake", locale),
                              lambda i, d: MISTAKE_TYPES.label(i.mistake_type, locale)),
                      counted(_t("By department", locale), _c("department", locale), lambda i, d: d or "-"),
                      counted(_t("By how it was found", locale), _c("found", locale),
                              lambda i, d: DISCOVERY_METHODS.label(i.discovery_method, locale)),
                  ])


def _org(locale: str) -> str:
    s = get_settings()
    return s.org_name if locale == "ja" else (s.org_name_en or s.org_name)


BUILDERS = {"quarterly-batch": quarterly_batch, "half-yearly": half_yearly, "yearly": yearly}


def build(session: Session, *, actor: User, kind: str, period: str, locale: str | None = None) -> Rollup:
    locale = locale or get_locale()
    if kind not in BUILDERS:
        raise InvalidInput("the roll-up is quarterly-batch, half-yearly or yearly")
    return BUILDERS[kind](session, actor, parse_period(kind, period, locale), locale)


# --- writers ----------------------------------------------------------------------------------------------
def _sheet_name(text: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", "", text)[:31] or "Sheet"


def write_xlsx(rollup: Rollup, target: IO[bytes]) -> None:
    """The main table first (a header row, typed cells, filterable), then one sheet per other table, then the
    summary with the title, period and note."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for table in rollup.tables:
        ws = wb.create_sheet(_sheet_name(table.title))
        ws.append(table.headers)
        for cell in ws[1]:
            cell.font = bold
        for row in table.rows:
            ws.append(row)
        for n, header in enumerate(table.headers, start=1):
            ws.column_dimensions[get_column_letter(n)].width = max(10, min(60, 2 * len(str(header)) + 4))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        if table.rows:
            ws.auto_filter.ref = ws.dimensions
    ws = wb.create_sheet(_sheet_name(_t("Overview", rollup.locale)))
    ws.append([rollup.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_t("Period", rollup.locale), rollup.period.label])
    ws.append([_t("Reporting business", rollup.locale), rollup.org])
    if rollup.addressee:
        ws.append([_t("To", rollup.locale), rollup.addressee])
    ws.append([])
    for name, value in rollup.summary:
        ws.append([name, value])
    if rollup.note:
        ws.append([])
        ws.append([rollup.note])
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 30
    wb.save(target)


def write_pdf(rollup: Rollup, target: IO[bytes]) -> None:
    """A4 through the documents' sandboxed renderer (its fonts, its URL fetcher)."""
    from incidents.documents.render import get_renderer

    renderer = get_renderer()
    html = renderer.env.get_template("regimes_rollup.html").render(
        r=rollup, generated=_local(rollup.generated_at), lang=rollup.locale,
        t=lambda msgid, **p: _t(msgid, rollup.locale, **p))
    doc = renderer.render_html(html)
    with renderer.lock:
        target.write(doc.write_pdf())


FORMATS = ("xlsx", "pdf")


def export(session: Session, *, actor: User, kind: str, period: str, fmt: str, target: IO[bytes],
           locale: str | None = None) -> Rollup:
    if fmt not in FORMATS:
        raise InvalidInput("a roll-up is written as xlsx or pdf")
    rollup = build(session, actor=actor, kind=kind, period=period, locale=locale)
    (write_xlsx if fmt == "xlsx" else write_pdf)(rollup, target)
    return rollup
