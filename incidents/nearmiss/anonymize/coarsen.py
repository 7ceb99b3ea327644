"""Coarsening: dates to the month, times to the part of the day, amounts and counts to ranges.

The rules here are also used by the draft generator for the record's structured fields, so that a
count in the summary and the count of the record read the same.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from incidents.nearmiss.anonymize.types import Finding, Kind

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
_MON = {m[:3].lower(): i + 1 for i, m in enumerate(MONTHS_EN)}
_MON["sept"] = 9

# Count bins keep the legal threshold visible: "more than 1,000 people" is a reporting ground in Japan.
COUNT_BINS: list[tuple[int, int | None]] = [
    (1, 1), (2, 10), (11, 100), (101, 500), (501, 1000), (1001, 5000), (5001, 10000),
    (10001, 50000), (50001, 100000), (100001, None),
]


def _n(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _int(s: str) -> int:
    return int(_n(s).replace(",", "").replace("，", "") or 0)


# ---------------------------------------------------------------- ranges
def count_range(n: int) -> tuple[int, int | None]:
    for lo, hi in COUNT_BINS:
        if hi is None or n <= hi:
            return lo, hi
    raise AssertionError("unreachable")


def count_text(n: int, unit: str = "", *, locale: str = "ja") -> str:
    """`count_text(2500, "名")` -> "1,001〜5,000名"; English: "1,001–5,000 people"."""
    lo, hi = count_range(max(n, 0)) if n > 0 else (0, 0)
    if locale == "ja":
        if hi is None:
            return f"{lo:,}{unit}以上"
        return f"{lo:,}{unit}" if lo == hi else f"{lo:,}〜{hi:,}{unit}"
    sep = f" {unit}" if unit else ""
    if hi is None:
        return f"more than {lo - 1:,}{sep}"
    return f"{lo:,}{sep}" if lo == hi else f"{lo:,}–{hi:,}{sep}"


def _yen_ja(v: int) -> str:
    if v >= 100_000_000 and v % 100_000_000 == 0:
        return f"{v // 100_000_000:,}億円"
    if v >= 10_000 and v % 10_000 == 0:
        return f"{v // 10_000:,}万円"
    return f"{v:,}円"


def amount_text(value: float, currency: str = "JPY", *, locale: str = "ja") -> str:
    """An order-of-magnitude range: 29,768 yen -> "1万円〜10万円" / "¥10,000–¥100,000"."""
    if value <= 0:
        return "0円" if locale == "ja" and currency == "JPY" else "0"
    lo = 10 ** int(math.floor(math.log10(value)))
    hi = lo * 10
    if currency == "JPY" and locale == "ja":
        return f"{_yen_ja(lo)}〜{_yen_ja(hi)}"
    symbol = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    if locale == "ja":
        return f"{symbol}{lo:,}〜{symbol}{hi:,}"
    return f"{symbol}{lo:,}–{symbol}{hi:,}"


def month_text(year: int | None, month: int, *, locale: str = "ja") -> str:
    if locale == "ja":
        return f"{year}年{month}月" if year else f"{month}月"
    return f"{MONTHS_EN[month - 1]} {year}" if year else MONTHS_EN[month - 1]


def month_of(moment: datetime, *, locale: str = "ja") -> str:
    return month_text(moment.year, moment.month, locale=locale)


def part_of_day(hour: int, *, locale: str = "ja") -> str:
    ja, en = (("深夜", "at night"), ("早朝", "early in the morning"), ("午前", "in the morning"),
              ("昼頃", "around midday"), ("午後", "in the afternoon"), ("夕方", "in the evening"),
              ("夜", "at night"))[_slot(hour)]
    return ja if locale == "ja" else en


def _slot(hour: int) -> int:
    hour %= 24
    if hour < 5:
        return 0
    if hour < 8:
        return 1
    if hour < 11:
        return 2
    if hour < 14:
        return 3
    if hour < 17:
        return 4
    if hour < 19:
        return 5
    return 6


# ---------------------------------------------------------------- expressions
_D = "0-9０-９"
_WD_JA = r"(?:\s?[（(][月火水木金土日](?:曜日?)?[）)])?"
_TIME_JA = rf"(?:午前|午後|朝|夜)?[{_D}]{{1,2}}(?:時(?:[{_D}]{{1,2}}分|半)?|[:：][{_D}]{{2}}(?:[:：][{_D}]{{2}})?)(?:頃|ごろ)?"
_TIME_EN = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s?(?:[ap]m|[AP]M|[ap]\.m\.)(?![A-Za-z]))?|\d{1,2}\s?(?:[ap]\.m\.|[ap]m|[AP]M)(?![A-Za-z]))"
_ERA = r"(?:令和|平成|昭和|R|H)"
DATE_JA = re.compile(
    rf"(?:(?P<era>{_ERA})\s?(?P<ey>[{_D}]{{1,2}}|元)|(?P<y>[{_D}]{{4}}))年\s?(?P<m>[{_D}]{{1,2}})月(?:\s?(?P<d>[{_D}]{{1,2}})日)?{_WD_JA}"
    rf"(?:\s?(?P<t>{_TIME_JA}))?"
    rf"|(?<![{_D}年])(?P<m2>[{_D}]{{1,2}})月\s?(?P<d2>[{_D}]{{1,2}})日{_WD_JA}(?:\s?(?P<t2>{_TIME_JA}))?"
)
DATE_NUM = re.compile(
    rf"(?<![{_D}/\-.])(?P<y>\d{{4}})(?P<sep>[/\-.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?![{_D}]|[/\-.]\d)"
    rf"{_WD_JA}(?:(?:\s|T)(?P<t>{_TIME_EN}|{_TIME_JA}))?"
    rf"|(?<![{_D}/\-.])(?P<m2>1[0-2]|0?[1-9])/(?P<d2>3[01]|[12]\d|0?[1-9])(?![{_D}/])"
)
_MONTH_EN = r"(?P<{}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WD_EN = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
DATE_EN = re.compile(
    rf"(?P<on>\b[Oo]n\s+)?{_WD_EN}(?:(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_EN.format('mon')}|{_MONTH_EN.format('mon2')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:]))"
    rf"(?:,?\s+(?P<y>\d{{4}}))?(?:,?\s+(?:at\s+)?(?P<t>{_TIME_EN}))?"
)
TIME = re.compile(rf"(?<![{_D}:])(?:{_TIME_JA}|{_TIME_EN})")

_AMOUNT_JA = re.compile(
    rf"(?:約|およそ|計|合計)?(?P<v>[{_D}][{_D},，.]*(?:億[{_D},，]*)?(?:万[{_D},，]*)?(?:千)?)円"
    rf"|[¥￥]\s?(?P<v2>[{_D}][{_D},，]*(?:\.\d+)?)(?:\s?(?P<mult2>万|億|million|billion|k|thousand))?"
)
_AMOUNT_EN = re.compile(
    r"(?P<cur>[$€£]|USD|EUR|GBP|JPY|US\$)\s?(?P<v>\d[\d,]*(?:\.\d+)?)(?:\s?(?P<mult>million|billion|thousand|[kKmM])(?![A-Za-z]))?"
    r"|(?P<v2>\d[\d,]*(?:\.\d+)?)\s?(?P<mult2>million|billion|thousand)?\s?(?P<cur2>yen|dollars?|euros?|pounds?|USD|EUR|GBP|JPY)(?![A-Za-z])"
)
_COUNT_UNITS_JA = "名分|人分|件分|名|人|件|社|通|世帯|行|枚|団体|校|口座|アドレス"
_COUNT_JA = re.compile(rf"(?:約|およそ|計|合計|全)?(?P<v>[{_D}][{_D},，]*)(?P<man>万)?\s?(?P<unit>{_COUNT_UNITS_JA})(?![{_D}])")
_COUNT_UNITS_EN = (
    "people|persons|customers|clients|students|patients|recipients|addresses|members|employees|users|records|rows|"
    "companies|names|emails|e-mails|mails|messages|policyholders|applicants|winners|households|entries|accounts|"
    "families|subscribers|individuals|guests|parents|residents|contacts|staff|participants|candidates|cases|files|"
    "invoices|documents|letters|statements|orders|contracts|forms|applications|attachments|pages|suppliers|vendors|"
    "partners|tenants|owners|holders|donors|volunteers|pupils|children|visitors|passengers|drivers"
)
_COUNT_EN = re.compile(rf"(?<![\d.,$¥€£])(?P<v>\d[\d,]*)(?:\s+(?:of\s+(?:our|the|their)|[a-z][a-z\-']*)){{0,2}}\s+"
                       rf"(?P<unit>{_COUNT_UNITS_EN})(?![A-Za-z])")

_MULT = {"万": 10_000, "億": 100_000_000, "million": 1_000_000, "billion": 1_000_000_000, "thousand": 1000,
         "k": 1000, "K": 1000, "m": 1_000_000, "M": 1_000_000}


def _hour(text: str | None) -> int | None:
    if not text:
        return None
    t = _n(text)
    m = re.search(r"(\d{1,2})(?:時|:)", t) or re.search(r"(\d{1,2})\s?[ap]", t, re.I)
    if not m:
        return None
    hour = int(m.group(1))
    if ("午後" in t or re.search(r"p\.?m", t, re.I)) and hour < 12:
        hour += 12
    if ("午前" in t or re.search(r"a\.?m", t, re.I)) and hour == 12:
        hour = 0
    return hour


def _ja_amount(v: str) -> float:
    v = _n(v).replace(",", "")
    total = 0.0
    for unit, mult in (("億", 100_000_000), ("万", 10_000)):
        if unit in v:
            head, v = v.split(unit, 1)
            total += float(head or 0) * mult
    if v.endswith("千"):
        return total + float(v[:-1] or 1) * 1000
    return total + (float(v) if v else 0)


def find_dates(text: str) -> Iterator[Finding]:
    for m in DATE_JA.finditer(text):
        if m.group("m"):
            year = None
            if m.group("y"):
                year = _int(m.group("y"))
            month = _int(m.group("m"))
            if not 1 <= month <= 12:
                continue
            era = m.group("era")
            if era:  # keep the era as written: 令和6年5月
                ey = m.group("ey")
                label = f"{era}{ey if ey == '元' else _int(ey)}年{month}月"
            else:
                label = month_text(year, month)
            if not m.group("d") and not m.group("t"):
                continue  # already coarse
            yield Finding(m.start(), m.end(), Kind.date, "pattern", replacement=label)
        else:
            month = _int(m.group("m2"))
            if 1 <= month <= 12:
                yield Finding(m.start(), m.end(), Kind.date, "pattern", replacement=month_text(None, month))
    locale = "ja" if _has_japanese(text) else "en"
    for m in DATE_NUM.finditer(text):
        if m.group("y"):
            month = int(m.group("m"))
            if 1 <= month <= 12:
                yield Finding(m.start(), m.end(), Kind.date, "pattern",
                              replacement=month_text(int(m.group("y")), month, locale=locale))
        else:
            month = int(m.group("m2"))
            yield Finding(m.start(), m.end(), Kind.date, "pattern", replacement=month_text(None, month, locale=locale))
    for m in DATE_EN.finditer(text):
        month = _MON[(m.group("mon") or m.group("mon2"))[:3].lower()]
        year = int(m.group("y")) if m.group("y") else None
        label = month_text(year, month, locale="en")
        if m.group("on"):  # "on 13 May 2024" -> "in May 2024"
            label = ("In " if m.group("on")[0] == "O" else "in ") + label
        end = m.end()
        if m.group(0).endswith(".") and not m.group("y") and not m.group("t") \
                and (m.group("mon") or m.group("mon2")) in MONTHS_EN:
            end -= 1  # "on 4 March." : that full stop ends the sentence
        yield Finding(m.start(), end, Kind.date, "pattern", replacement=label)


def find_times(text: str) -> Iterator[Finding]:
    for m in TIME.finditer(text):
        hour = _hour(m.group(0))
        if hour is None or hour > 24:
            continue
        locale = "ja" if re.search(r"[時分午]", m.group(0)) or _has_japanese(text) else "en"
        yield Finding(m.start(), m.end(), Kind.time, "pattern", replacement=part_of_day(hour, locale=locale))


def find_amounts(text: str) -> Iterator[Finding]:
    for m in _AMOUNT_JA.finditer(text):
        if m.group("v") is not None:
            value = _ja_amount(m.group("v"))
        else:
            value = float(_n(m.group("v2")).replace(",", "")) * _MULT.get(m.group("mult2") or "", 1)
        yield Finding(m.start(), m.end(), Kind.amount, "pattern", replacement=amount_text(value, "JPY", locale="ja"))
    for m in _AMOUNT_EN.finditer(text):
        cur = m.group("cur") or m.group("cur2")
        raw = m.group("v") or m.group("v2")
        mult = _MULT.get(m.group("mult") or m.group("mult2") or "", 1)
        value = float(raw.replace(",", "")) * mult
        code = {"$": "USD", "US$": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "euro": "EUR",
                "euros": "EUR", "£": "GBP", "pound": "GBP", "pounds": "GBP", "yen": "JPY"}.get(cur, cur.upper())
        yield Finding(m.start(), m.end(), Kind.amount, "pattern", replacement=amount_text(value, code, locale="en"))


def find_counts(text: str) -> Iterator[Finding]:
    for m in _COUNT_JA.finditer(text):
        n = _int(m.group("v")) * (10_000 if m.group("man") else 1)
        yield Finding(m.start(), m.end(), Kind.count, "pattern", replacement=count_text(n, m.group("unit"), locale="ja"))
    for m in _COUNT_EN.finditer(text):
        n = _int(m.group("v"))
        rest = m.group(0)[m.end("v") - m.start():].strip()
        yield Finding(m.start(), m.end(), Kind.count, "pattern", replacement=count_text(n, rest, locale="en"))


_JA_CHAR = re.compile(r"[ぁ-んァ-ヶ一-龥]")


def _has_japanese(text: str) -> bool:
    return _JA_CHAR.search(text) is not None


def find_all(text: str) -> Iterator[Finding]:
    yield from find_dates(text)
    yield from find_times(text)
    yield from find_amounts(text)
    yield from find_counts(text)
