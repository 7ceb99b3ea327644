"""Filters for listing incidents, shared by the API, the pages and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session

from incidents.cases.models import Incident, IncidentStatus, MistakeType
from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.people.models import Department
from incidents.times import parse_bound


@dataclass
class IncidentFilter:
    status: str | None = None
    mistake_type: str | None = None  # one value or a comma-separated list
    department: str | None = None  # department name
    period_from: str | None = None  # ISO date or datetime, on discovered_at
    period_to: str | None = None  # inclusive when a date
    period: str | None = None  # "2025" or "2025-06"
    q: str | None = None  # words in title, subject or summary


def _moment(text: str, *, end: bool) -> datetime:
    return parse_bound(text, end=end)  # a date alone is inclusive: up to the end of that day


def _period(text: str) -> tuple[datetime, datetime]:
    tz = get_settings().tz
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text.strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise InvalidInput(f"period must be YYYY or YYYY-MM, not {text!r}")
    year, month = int(m.group(1)), int(m.group(2) or 0)
    if month:
        start = datetime(year, month, 1, tzinfo=tz)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    else:
        start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    return start, end


def apply_filter(session: Session, query, f: IncidentFilter):
    if f.status:
        if f.status not in IncidentStatus.__members__:
            raise InvalidInput(f"unknown status {f.status!r} (open, closed)")
        query = query.where(Incident.status == f.status)
    if f.mistake_type:
        types = [t.strip() for t in f.mistake_type.split(",") if t.strip()]
        unknown = [t for t in types if t not in MistakeType.__members__]
        if unknown:
            raise InvalidInput(f"unknown mistake type {unknown[0]!r}")
        query = query.where(Incident.mistake_type.in_(types))
    if f.department:
        dept_id = session.execute(select(Department.id).where(Department.name == f.department)).scalar()
        query = query.where(Incident.department_id == (dept_id or -1))
    if f.period:
        start, end = _period(f.period)
        query = query.where(Incident.discovered_at >= start, Incident.discovered_at < end)
    if f.period_from:
        query = query.where(Incident.discovered_at >= _moment(f.period_from, end=False))
    if f.period_to:
        query = query.where(Incident.discovered_at < _moment(f.period_to, end=True))
    if f.q:
        for word in f.q.split()[:5]:
            like = f"%{word.lower()}%"
            query = query.where(or_(func.lower(Incident.title).like(like), func.lower(Incident.subject).like(like),
                                    func.lower(Incident.summary).like(like)))
    return query
