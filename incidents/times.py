"""Time as people write it: one parser for the API, the CLI, CSV files and forms, and one human format per
language for showing it.

Accepted (full-width digits too, with or without a weekday such as «(土)»):
  ISO 8601 with or without zone      2026-11-28T15:20:00+09:00, 2026-11-28 15:20, 2026-11-28T06:20Z
  slashes or dots                    2026/11/28 15:20, 2026.11.28
  a date alone                       2026-11-28 (midnight; `parse_date` gives the date)
  Japanese                           2026年11月28日 15時20分, 令和8年11月28日 午後3時20分, R8.11.28 15:20
A value without zone is in the organisation's zone (`INCIDENTS_TIMEZONE`, Asia/Tokyo by default); a zone may
be written +09:00, +0900, Z, JST or UTC. Everything returned is timezone-aware.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from incidents.errors import InvalidInput
from incidents.i18n import get_locale

ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926, "大正": 1912, "明治": 1868,
        "R": 2019, "H": 1989, "S": 1926, "T": 1912, "M": 1868}
ZONES = {"JST": timezone(timedelta(hours=9)), "UTC": timezone.utc, "GMT": timezone.utc, "Z": timezone.utc}
EXAMPLE = "2026-11-28 15:20"

_WEEKDAY = re.compile(r"[(（]\s*(?:[月火水木金土日](?:曜日?)?|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*[)）]", re.I)
_DATE = re.compile(
    r"^(?:(?P<era>令和|平成|昭和|大正|明治|[RHSTM])\s*(?P<ey>\d{1,2}|元)|(?P<y>\d{4}))\s*(?:年|[-/.])\s*"
    r"(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?", re.I)
_TIME = re.compile(
    r"^(?:(?P<ap1>午前|午後|am|pm)\s*)?(?P<H>\d{1,2})\s*(?:時\s*(?:(?P<M1>\d{1,2})\s*分\s*(?:(?P<S1>\d{1,2})\s*秒)?)?"
    r"|:\s*(?P<M2>\d{2})(?::(?P<S2>\d{2})(?:[.,]\d+)?)?)\s*(?P<ap2>am|pm|午前|午後)?", re.I)
_ZONE = re.compile(r"^[(（]?\s*(?:(?P<name>JST|UTC|GMT|Z)|(?P<sign>[+-])(?P<zh>\d{2}):?(?P<zm>\d{2}))\s*[)）]?$", re.I)


class TimeFormatError(InvalidInput, ValueError):
    """A value that is not a date and time we can read (a ValueError too, so pydantic reports it per field)."""


def _zone() -> tzinfo:
    from incidents.config import get_settings

    return get_settings().tz


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    text = _WEEKDAY.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _bad(value: Any, what: str = "date and time") -> TimeFormatError:
    shown = str(value)[:60]
    if what == "date":
        return TimeFormatError('cannot read "%(value)s" as a date; write it like 2026-11-28 or 2026/11/28',
                               "invalid_date", value=shown)
    return TimeFormatError('cannot read "%(value)s" as a date and time; write it like 2026-11-28 15:20 or '
                           "2026/11/28 15:20", "invalid_time", value=shown)


def _parse(text: str) -> tuple[date, time | None, tzinfo | None]:
    """(date, time or None, zone or None), or ValueError."""
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    if m["era"]:
        era = m["era"].upper() if len(m["era"]) == 1 else m["era"]
        year = ERAS[era] + (1 if m["ey"] == "元" else int(m["ey"])) - 1
    else:
        year = int(m["y"])
    day = date(year, int(m["m"]), int(m["d"]))
    rest = text[m.end():].strip()
    if rest[:1] in ("T", "t"):
        rest = rest[1:].strip()
    if not rest:
        return day, None, None
    clock = None
    t = _TIME.match(rest)
    if t and (t["M1"] or t["M2"] or "時" in t.group(0)):
        hour, minute = int(t["H"]), int(t["M1"] or t["M2"] or 0)
        second = int(t["S1"] or t["S2"] or 0)
        half = (t["ap1"] or t["ap2"] or "").lower()
        if half:
            if not 1 <= hour <= 12 and not (half in ("午前", "午後") and hour == 0):
                raise ValueError(text)
            hour = hour % 12 + (12 if half in ("pm", "午後") else 0)
        clock = time(hour, minute, second)
        rest = rest[t.end():].strip()
    zone = None
    if rest:
        z = _ZONE.match(rest)
        if not z:
            raise ValueError(text)
        if z["name"]:
            zone = ZONES[z["name"].upper()]
        else:
            offset = timedelta(hours=int(z["zh"]), minutes=int(z["zm"]))
            if offset >= timedelta(hours=24):
                raise ValueError(text)
            zone = timezone(offset if z["sign"] == "+" else -offset)
    return day, clock, zone


def parse_datetime(value: Any, *, tz: tzinfo | None = None) -> datetime:
    """An aware datetime from what a person or a file wrote; no zone means the organisation's (or `tz`)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz or _zone())
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=tz or _zone())
    if not isinstance(value, str):
        raise _bad(value)
    text = _normalise(value)
    if not text or "\x00" in text:
        raise _bad(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            day, clock, zone = _parse(text)
        except ValueError:
            raise _bad(value) from None
        moment = datetime.combine(day, clock or time(0), tzinfo=zone)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz or _zone())


def parse_date(value: Any, *, tz: tzinfo | None = None) -> date:
    """A calendar date; a date and time with a zone gives its date in the organisation's zone."""
    if isinstance(value, datetime):
        return value.astimezone(tz or _zone()).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _bad(value, "date")
    text = _normalise(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        day, clock, zone = _parse(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _bad(value, "date") from None
        return moment.astimezone(tz or _zone()).date() if moment.tzinfo else moment.date()
    if zone is not None and clock is not None:
        return datetime.combine(day, clock, tzinfo=zone).astimezone(tz or _zone()).date()
    return day


def parse_bound(value: str, *, end: bool = False, tz: tzinfo | None = None) -> datetime:
    """Where a period starts, or (`end`) the first moment after it: a date alone means its whole day, so
    `discovered_at < parse_bound("2026-11-28", end=True)` includes that day, and a moment is included too."""
    try:
        day, clock, _zone_given = _parse(_normalise(value))
    except ValueError:
        day, clock = None, None
    if day is None or clock is not None:
        moment = parse_datetime(value, tz=tz)
        return moment + timedelta(microseconds=1) if end else moment
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=tz or _zone())


def parse_optional_datetime(value: Any) -> datetime | None:
    return None if value is None or (isinstance(value, str) and not value.strip()) else parse_datetime(value)


# ---- for edge models: the same parser in the API, the CLI files and the forms -------------------------------

def _for_model(value: Any) -> Any:
    return parse_datetime(value) if isinstance(value, (str, datetime)) else value


def _date_for_model(value: Any) -> Any:
    return parse_date(value) if isinstance(value, (str, datetime)) else value


# `sent_at: When` accepts every format above and stores an aware datetime; JSON output stays ISO 8601.
When = Annotated[datetime, BeforeValidator(_for_model)]
Day = Annotated[date, BeforeValidator(_date_for_model)]
# Output ISO 8601 in the organisation's zone (for CSV exports and the like).
LocalIso = Annotated[datetime, PlainSerializer(lambda v: v.astimezone(_zone()).isoformat(), return_type=str)]


# ---- showing time: one human format per language, in the organisation's zone --------------------------------

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_JA = "月火水木金土日"


def local(value: datetime, tz: tzinfo | None = None) -> datetime:
    """The moment in the organisation's zone (a naive value is taken as UTC, as the database stores it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(tz or _zone())


def format_datetime(value: datetime | None, locale: str | None = None, *, seconds: bool = False,
                    weekday: bool = False, zone: bool = False, tz: tzinfo | None = None) -> str:
    """«2026年11月28日 15:20» / «28 Nov 2026 15:20», in the organisation's zone; "" for None.
    For deadlines in mails: weekday and zone, «2026年11月28日（土）15:20（JST）» / «Sat 28 Nov 2026 15:20 (JST)»."""
    if value is None:
        return ""
    moment = local(value, tz)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    name = moment.tzname() if zone else None
    if (locale or get_locale()) == "ja":
        day = f"{moment.year}年{moment.month}月{moment.day}日"
        text = f"{day}（{_WEEKDAYS_JA[moment.weekday()]}）{clock}" if weekday else f"{day} {clock}"
        return text + (f"（{name}）" if name else "")
    text = f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year} {clock}"
    if weekday:
        text = f"{_WEEKDAYS_EN[moment.weekday()]} {text}"
    return text + (f" ({name})" if name else "")


def format_span(span: timedelta, locale: str | None = None) -> str:
    """A duration in its two largest units: «1日2時間», «3時間5分» / «1 d 2 h», «3 h 5 min»."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        mins = 0
    if (locale or get_locale()) == "ja":
        return "".join([f"{days}日" if days else "", f"{hours}時間" if hours else "", f"{mins}分" if mins else ""]) or "0分"
    return " ".join(p for p in (f"{days} d" if days else "", f"{hours} h" if hours else "",
                                f"{mins} min" if mins else "") if p) or "0 min"


def format_date(value: date | datetime | None, locale: str | None = None) -> str:
    """«2026年11月28日» / «28 Nov 2026»."""
    if value is None:
        return ""
    day = local(value).date() if isinstance(value, datetime) else value
    if (locale or get_locale()) == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
