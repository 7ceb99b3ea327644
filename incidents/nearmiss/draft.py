"""The near-miss draft, generated from an incident (a dict shaped like the record's JSON contract) and
its analysis: kind of work, what happened, what it could have led to, causes, what was changed.

Everything that names someone or something is replaced (see anonymize/); the record's dates become
the month, its counts ranges. Every replacement is kept with its span and kind so that a reviewer
sees it highlighted; `public(with_original=True)` also gives the original text, for the reviewer only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from incidents.analysis.vocab import FACTOR_BY_CODE, factor_label, four_e_label, four_m_label, status_label
from incidents.cases.labels import DATA_ITEMS, MISTAKE_TYPES
from incidents.i18n import lower_first
from incidents.nearmiss import texts
from incidents.nearmiss.anonymize import Anonymized, Anonymizer, Kind, Replacement
from incidents.nearmiss.anonymize.coarsen import count_range, count_text, month_of
from incidents.nearmiss.anonymize.patterns import FILE_EXTENSION_SET
from incidents.nearmiss.texts import pick, t
from incidents.response.rules import FINANCIAL_DATA_ITEMS, OVER_PERSONS_THRESHOLD, SENSITIVE_DATA_ITEMS

SECTION_KEYS = ("kind_of_work", "what_happened", "could_have_led_to", "causes", "what_changed")


@dataclass
class Section:
    key: str
    title: str
    text: str
    replacements: list[Replacement] = field(default_factory=list)

    def public(self, *, with_original: bool = False) -> dict:
        return {"key": self.key, "title": self.title, "text": self.text,
                "replacements": [r.public(with_original=with_original) for r in self.replacements]}


@dataclass
class NearMissDraft:
    locale: str
    title: Section
    sections: list[Section]
    mistake_type: str
    discovery_method: str
    period: str  # YYYY-MM of sending, in the organisation's zone
    data_items: list[str]
    persons_range: tuple[int, int | None] | None
    factors: list[str]
    four_m: list[str]
    four_e: list[str]
    hours_to_report: float | None  # discovery -> first report, for the statistics

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def body(self) -> str:
        return "\n\n".join(f"{s.title}\n{s.text}" for s in self.sections)

    def public(self, *, with_original: bool = False) -> dict:
        lo, hi = self.persons_range or (None, None)
        return {
            "locale": self.locale, "title": self.title.public(with_original=with_original),
            "sections": [s.public(with_original=with_original) for s in self.sections],
            "mistake_type": self.mistake_type, "discovery_method": self.discovery_method, "period": self.period,
            "data_items": self.data_items, "persons_min": lo, "persons_max": hi, "factors": self.factors,
            "four_m": self.four_m, "four_e": self.four_e, "hours_to_report": self.hours_to_report,
        }


class _Builder:
    def __init__(self):
        self.parts: list[str] = []
        self.reps: list[Replacement] = []
        self.length = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def anon(self, result: Anonymized) -> None:
        for r in result.replacements:
            self.reps.append(Replacement(r.start + self.length, r.end + self.length, r.kind, r.text, r.original,
                                         r.source_start, r.source_end))
        self.add(result.text)

    def coarse(self, text: str, kind: Kind, original: str) -> None:
        self.reps.append(Replacement(self.length, self.length + len(text), kind, text, original, -1, -1))
        self.add(text)

    def build(self, key: str, title: str) -> Section:
        return Section(key, title, "".join(self.parts).strip(), self.reps)


def _time(value, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt.astimezone(tz)


def _delay(sent: datetime | None, found: datetime | None, locale: str) -> str:
    if not sent or not found:
        return ""
    minutes = max(0.0, (found - sent).total_seconds() / 60)
    for bound, ja, en in texts.DELAY_BUCKETS:
        if bound is None or minutes <= bound:
            return en if locale == "en" else ja
    return ""


def file_type(filename: str) -> str:
    """The type of a file by its extension, only when it is one (what follows the last dot of
    «顧客名簿.鈴木花子» is a name, not a type)."""
    base = re.split(r"[\\/]", filename)[-1]
    _stem, dot, ext = base.rpartition(".")
    ext = ext.lower()
    return ext if dot and ext in FILE_EXTENSION_SET else ""


def generate(incident: Mapping, analysis: Mapping | None = None, *, locale: str = "ja",
             timezone: str = "Asia/Tokyo", extra_values=()) -> NearMissDraft:
    """Build the anonymised draft. `analysis` (optional): {"whys": [str], "factors": [code],
    "causes": [{"text", "four_m"}], "factor_notes": str, "kind_of_work": str,
    "countermeasures": [{"title", "four_e", "status"}]}."""
    analysis = analysis or {}
    tz = ZoneInfo(timezone)
    anon = Anonymizer(incident, extra=extra_values, locale=locale)
    mistake = incident.get("mistake_type") or "other"
    discovery = incident.get("discovery_method") or "self_noticed"
    sent = _time(incident.get("sent_at"), tz)
    found = _time(incident.get("discovered_at"), tz)
    reported = _time(incident.get("reported_at"), tz)
    message = incident.get("message") or {}
    persons = int(incident.get("affected_persons") or 0)
    items = list(incident.get("data_items") or [])
    month = month_of(sent, locale=locale) if sent else ""

    # kind of work
    b = _Builder()
    if analysis.get("kind_of_work"):
        b.anon(anon.anonymize(analysis["kind_of_work"]))
    else:
        b.add(pick(texts.KIND_OF_WORK.get(mistake, texts.KIND_OF_WORK["other"]), locale))
    exts = sorted({ext for a in message.get("attachments") or [] if (ext := file_type(a.get("filename") or ""))})
    if exts:
        b.add(t("attachments", locale, exts=", ".join(exts)))
    kind_of_work = b.build("kind_of_work", pick(texts.SECTION_TITLES["kind_of_work"], locale))

    # what happened
    b = _Builder()
    if month:
        b.coarse(month, Kind.date, incident.get("sent_at") if isinstance(incident.get("sent_at"), str) else str(sent))
        b.add("、" if locale == "ja" else ": ")
    b.add(pick(texts.WHAT_WENT_WRONG.get(mistake, texts.WHAT_WENT_WRONG["other"]), locale))
    delay = _delay(sent, found, locale)
    disc = pick(texts.DISCOVERY.get(discovery, texts.DISCOVERY["self_noticed"]), locale)
    if locale == "ja":
        b.add(f"{delay}{disc}。")
    else:
        b.add(f" {disc} {delay}.")
    n_recipients = int(incident.get("recipients_count") or len(incident.get("recipients") or []))
    if n_recipients > 1:
        b.add("" if locale == "ja" else " ")
        rng = count_text(n_recipients, "", locale=locale).strip()
        head, _, tail = pick(texts.T["recipients"], locale).partition("{n}")
        b.add(head)
        b.coarse(rng, Kind.count, str(n_recipients))
        b.add(tail)
    summary = (message.get("summary") or "").strip()
    if summary:
        b.add("\n" + t("summary", locale))
        b.anon(anon.anonymize(summary))
    what_happened = b.build("what_happened", pick(texts.SECTION_TITLES["what_happened"], locale))

    # what it could have led to
    b = _Builder()
    personal = [i for i in items if i != "confidential_business"]
    if persons > 0 or personal:
        unit = pick(texts.T["persons_unit"], locale)
        rng = count_text(max(persons, 1), unit, locale=locale)
        key = "leak" if items else "leak_no_items"
        head, _, tail = t(key, locale, items=_join(items, locale), n="\x00").partition("\x00")
        b.add(head)
        b.coarse(rng, Kind.count, str(persons))
        b.add(tail)
    else:
        b.add(t("no_data", locale))
    if SENSITIVE_DATA_ITEMS & set(items):
        b.add(_sp(locale) + t("sensitive", locale))
    if FINANCIAL_DATA_ITEMS & set(items):
        b.add(_sp(locale) + t("financial", locale))
    if persons > OVER_PERSONS_THRESHOLD:
        b.add(_sp(locale) + t("over_1000", locale))
    protection = incident.get("protection") or "none"
    if protection == "password_zip":
        b.add(_sp(locale) + t("password_zip", locale))
    elif protection == "strong_encryption" and not incident.get("key_exposed"):
        b.add(_sp(locale) + t("encrypted", locale))
    could = b.build("could_have_led_to", pick(texts.SECTION_TITLES["could_have_led_to"], locale))

    # causes
    b = _Builder()
    bullet = t("bullet", locale)
    factors = [f for f in analysis.get("factors") or [] if f]
    causes = [c for c in analysis.get("causes") or [] if (c.get("text") or "").strip()]
    whys = [w for w in analysis.get("whys") or [] if (w or "").strip()]
    four_m = sorted({FACTOR_BY_CODE[f].four_m.value for f in factors if f in FACTOR_BY_CODE}
                    | {c["four_m"] for c in causes if c.get("four_m")})
    if factors:
        b.add(t("factors", locale) + "\n")
        for f in factors:
            fm = FACTOR_BY_CODE[f].four_m.value if f in FACTOR_BY_CODE else None
            b.add(f"{bullet}{factor_label(f, locale)}" + (f"（{four_m_label(fm, locale)}）" if fm and locale == "ja"
                                                          else f" ({four_m_label(fm, locale)})" if fm else "") + "\n")
    if analysis.get("factor_notes"):
        b.anon(anon.anonymize(analysis["factor_notes"].strip()))
        b.add("\n")
    if whys:
        b.add(t("whys", locale) + "\n")
        for i, w in enumerate(whys, 1):
            b.add(t("why_n", locale, n=i))
            b.anon(anon.anonymize(w.strip()))
            b.add("\n")
    if causes:
        b.add(t("causes_free", locale) + "\n")
        for c in causes:
            b.add(bullet)
            b.anon(anon.anonymize(c["text"].strip()))
            if c.get("four_m"):
                b.add(f"（{four_m_label(c['four_m'], locale)}）" if locale == "ja" else f" ({four_m_label(c['four_m'], locale)})")
            b.add("\n")
    if not (factors or whys or causes or analysis.get("factor_notes")):
        b.add(t("no_analysis", locale))
    cause_section = b.build("causes", pick(texts.SECTION_TITLES["causes"], locale))

    # what changed
    b = _Builder()
    measures = [m for m in analysis.get("countermeasures") or [] if (m.get("title") or "").strip()
                and m.get("status") != "dropped"]
    for m in measures:
        b.add(f"{bullet}［{four_e_label(m['four_e'], locale)}］" if locale == "ja"
              else f"{bullet}[{four_e_label(m['four_e'], locale)}] ")
        b.anon(anon.anonymize(m["title"].strip()))
        if m.get("status"):
            b.add(f"（{status_label(m['status'], locale)}）" if locale == "ja" else f" ({status_label(m['status'], locale)})")
        b.add("\n")
    if not measures:
        b.add(t("no_countermeasures", locale))
    changed = b.build("what_changed", pick(texts.SECTION_TITLES["what_changed"], locale))
    four_e = sorted({m["four_e"] for m in measures if m.get("four_e")})

    # title: built from codes only, so it names no one
    b = _Builder()
    head, _, tail = t("title", locale, mistake=_in_text(MISTAKE_TYPES.label(mistake, locale), locale), when="\x00").partition("\x00")
    b.add(head)
    if month:
        b.coarse(month, Kind.date, str(incident.get("sent_at")))
    b.add(tail)
    title = b.build("title", "")

    hours = None
    if found and reported:
        hours = round(max(0.0, (reported - found).total_seconds()) / 3600, 2)
    return NearMissDraft(
        locale=locale, title=title, sections=[kind_of_work, what_happened, could, cause_section, changed],
        mistake_type=mistake, discovery_method=discovery, period=f"{sent:%Y-%m}" if sent else "",
        data_items=items, persons_range=count_range(persons) if persons > 0 else None,
        factors=factors, four_m=four_m, four_e=four_e, hours_to_report=hours,
    )


def _join(items: list[str], locale: str) -> str:
    return ("、" if locale == "ja" else ", ").join(_in_text(DATA_ITEMS.label(i, locale), locale) for i in items)


def _in_text(text: str, locale: str) -> str:
    """A label inside an English sentence starts in lower case (names such as «My Number» kept)."""
    return lower_first(text) if locale == "en" else text


def _sp(locale: str) -> str:
    return "" if locale == "ja" else " "
