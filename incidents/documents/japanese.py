"""Japanese (and English) conventions for letters: dates, eras, honorifics.

Plain functions over plain values; no WeasyPrint, no database.

    >>> format_date(date(2025, 6, 20))
    '2025年6月20日'
    >>> format_date(date(2025, 6, 20), era=True)
    '令和7年6月20日'
    >>> addressee_lines(organization="株式会社サンプル", name=None)
    ['株式会社サンプル 御中']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

# Era start dates (the first day of each era). Reiwa began on 1 May 2019.
ERAS: tuple[tuple[date, str, str], ...] = (
    (date(2019, 5, 1), "令和", "Reiwa"),
    (date(1989, 1, 8), "平成", "Heisei"),
    (date(1926, 12, 25), "昭和", "Showa"),
)

EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def era_year(value: date | datetime) -> tuple[str, int]:
    """The era name and the year within it: (令和, 7) for 2025. 元年 is year 1."""
    day = _as_date(value)
    for start, name, _ in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"no era defined for {day.isoformat()}")


def format_era_year(value: date | datetime) -> str:
    name, year = era_year(value)
    return f"{name}{'元' if year == 1 else year}年"


def format_date(value: date | datetime | None, *, lang: str = "ja", era: bool = False) -> str:
    """2025年6月20日, 令和7年6月20日 (era=True) or 20 June 2025."""
    if value is None:
        return ""
    day = _as_date(value)
    if lang == "en":
        return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    if era:
        return f"{format_era_year(day)}{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def to_zone(value: datetime, zone: str | tzinfo) -> datetime:
    """An aware datetime in the organisation's zone. Naive values are taken as UTC."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(tz)


def format_datetime(
    value: datetime | None, *, lang: str = "ja", zone: str | tzinfo = "Asia/Tokyo", era: bool = False
) -> str:
    """2025年6月20日 14時05分 / 20 June 2025, 14:05 (JST), in the organisation's zone."""
    if value is None:
        return ""
    local = to_zone(value, zone)
    abbrev = local.tzname() or ""
    if lang == "en":
        return f"{format_date(local, lang='en')}, {local:%H:%M} ({abbrev})"
    return f"{format_date(local, era=era)} {local.hour}時{local.minute:02d}分"


def format_count(value: int | None, *, lang: str = "ja", unit: str = "名") -> str:
    """1,234名 / 1,234 people."""
    if value is None:
        return ""
    if lang == "en":
        return f"{value:,} {'person' if value == 1 else 'people'}"
    return f"{value:,}{unit}"


def format_size(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


@dataclass(frozen=True)
class Addressee:
    """How a letter names its reader: the address block and the salutation."""

    lines: tuple[str, ...]
    salutation: str  # 山田 太郎 様 / 株式会社サンプル 御中 / Dear Taro Yamada,
    you: str  # 貴社 / 貴殿 / お客様 ; "you" in English


def addressee(
    *,
    name: str | None,
    organization: str | None = None,
    address: str | None = None,
    lang: str = "ja",
    customer: bool = False,
) -> Addressee:
    """御中 for an organisation without a person, 様 for a person (never both).

    A letter to a person at an organisation puts the organisation on its own line and
    様 after the person's name: 株式会社サンプル / 山田 太郎 様.
    """
    name = (name or "").strip()
    organization = (organization or "").strip()
    address = (address or "").strip()
    if lang == "en":
        lines = tuple(x for x in (name, organization) if x) or ((address,) if address else ())
        if name:
            salutation = f"Dear {name},"
        elif organization:
            salutation = f"Dear {organization},"
        else:
            salutation = "Dear Sir or Madam,"
        return Addressee(lines=lines, salutation=salutation, you="you")
    if name:
        lines = ((organization,) if organization else ()) + (f"{name} 様",)
        salutation = f"{name} 様"
        you = "お客様" if customer else ("貴社" if organization else "貴殿")
    elif organization:
        lines = (f"{organization} 御中",)
        salutation = f"{organization} 御中"
        you = "貴社"
    else:
        # Only an address is known: the person in charge at that address.
        lines = ((address,) if address else ()) + ("ご担当者 様",)
        salutation = "ご担当者 様"
        you = "お客様" if customer else "貴殿"
    return Addressee(lines=lines, salutation=salutation, you=you)
