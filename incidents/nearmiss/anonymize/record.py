"""The record's own values: every name, address, organisation, domain and file name the incident
holds is looked for in its free text, with the variants people actually write (a surname alone, the
company without 株式会社, the local part of an address)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from incidents.nearmiss.anonymize.types import Finding, Kind

# Parts of addresses and names that identify no one on their own.
ROLE_LOCALPARTS = frozenset(
    "info sales support admin contact office mail noreply no-reply team hr inquiry inquiries help desk "
    "service services staff user users webmaster postmaster system jimu soumu eigyo keiri all members list "
    "news newsletter notice notification marketing press billing accounts account".split()
)
GENERIC_LABELS = frozenset(
    "co ne or ac go ed lg gr ad com net org edu gov mil jp us uk eu de fr cn kr tw info biz www mail mx smtp "
    "example test local lan corp".split()
)
LEGAL_FORM = re.compile(
    r"^(?:株式会社|有限会社|合同会社|一般社団法人|公益財団法人|医療法人(?:社団)?|学校法人|[（(][株有][）)])\s*"
    r"|\s*(?:株式会社|有限会社|合同会社|[（(][株有][）)])$"
    r"|,?\s+(?:Co\.,?\s*Ltd\.?|Inc\.?|Ltd\.?|LLC|Corp\.?|Corporation|Company|GmbH|K\.K\.|plc)$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[\s　・,]+")
_ASCII = re.compile(r"^[\x00-\x7f]+$")
_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class KnownValue:
    value: str
    kind: Kind
    key: str | None = None  # the full value this is a variant of


def variants(value: str, kind: Kind) -> Iterator[KnownValue]:
    value = (value or "").strip()
    if not value:
        return
    compact = re.sub(r"[\s　]+", "", value)
    for kv in _variants(value, kind):
        # A surname alone may be someone else's: only the full forms share the full value's label.
        full = kv.kind is kind and (kv.value == value or re.sub(r"[\s　]+", "", kv.value) == compact
                                    or kind in (Kind.email, Kind.file)
                                    or (kind is Kind.organization and kv.value == LEGAL_FORM.sub("", value).strip(" ,")))
        yield KnownValue(kv.value, kv.kind, value if full else None)


def _variants(value: str, kind: Kind) -> Iterator[KnownValue]:
    yield KnownValue(value, kind)
    if kind is Kind.email and "@" in value:
        local, _, domain = value.partition("@")
        if local.lower() not in ROLE_LOCALPARTS and len(local) >= 3:
            yield KnownValue(local, Kind.email)
            for seg in re.split(r"[._\-+]", local):
                if len(seg) >= 3 and seg.lower() not in ROLE_LOCALPARTS and not seg.isdigit():
                    yield KnownValue(seg, Kind.person)
        yield from _variants(domain, Kind.domain)
    elif kind is Kind.domain:
        labels = value.lower().split(".")
        for label in labels[:-1]:
            if len(label) >= 3 and label not in GENERIC_LABELS:
                yield KnownValue(label, Kind.domain)
    elif kind is Kind.person:
        parts = [p for p in _SPLIT.split(value) if p]
        if len(parts) > 1:
            yield KnownValue("".join(parts), kind)
        for p in parts:
            if len(p) >= 2 and not p.isdigit() and p.lower().rstrip(".") not in ("mr", "mrs", "ms", "dr", "様", "さん"):
                yield KnownValue(p, kind)
    elif kind is Kind.organization:
        core = LEGAL_FORM.sub("", value).strip(" ,")
        if core and core != value:
            yield KnownValue(core, kind)
        if _ASCII.match(core):
            first = core.split()[0] if core.split() else ""
            if len(first) >= 3:
                yield KnownValue(first, kind)
    elif kind is Kind.file:
        stem = value.rsplit(".", 1)[0]
        if len(stem) >= 4:
            yield KnownValue(stem, kind)


_HOME_DIRS = frozenset({"home", "homes", "users", "documents and settings", "profiles", "export", "u"})
_NAME_KINDS = frozenset({Kind.person, Kind.organization, Kind.place, Kind.address, Kind.email, Kind.phone,
                         Kind.domain, Kind.account, Kind.postal_code})


def file_name_values(filename: str) -> Iterator[KnownValue]:
    """What identifies someone in a file name, in any part of it: a name after the last dot
    (顧客名簿.鈴木花子, report.YamadaTaro-Kitakaze), in the name itself, or in a folder of the path
    (../../home/suzuki/salary.xlsx): each part is read like any text, and a folder under a home
    directory is taken for its owner's name."""
    from incidents.nearmiss.anonymize import names_en, names_ja, patterns  # the detectors import types only

    parts = [p for p in re.split(r"[\\/]+", filename) if p not in ("", ".", "..")]
    if not parts:
        return
    for previous, part in zip(["", *parts], parts[:-1]):
        if previous.lower() in _HOME_DIRS or re.fullmatch(r"[A-Za-z]:", previous):
            yield from variants(part, Kind.person)
    base = parts[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() not in patterns.FILE_EXTENSION_SET:
        stem = base  # 顧客名簿.鈴木花子: what follows the dot is no file type
    for piece in [*parts[:-1], stem]:
        text = re.sub(r"[._+]+", " ", piece)
        found = [*names_ja.find_names(text), *names_en.find_names(text), *patterns.find_all(text)]
        for f in found:
            if f.kind in _NAME_KINDS:
                value = text[f.start:f.end].strip()
                if len(value) >= 2:
                    yield from variants(value, f.kind)
                    for word in re.split(r"[\s\-]+", value):
                        if len(word) >= 3 and word != value:
                            yield KnownValue(word, f.kind)


def known_values(incident: Mapping | None) -> list[KnownValue]:
    """Values of an incident dict shaped like the record's JSON contract."""
    if not incident:
        return []
    out: list[KnownValue] = []
    msg = incident.get("message") or {}
    sender = msg.get("sender") or incident.get("sender")
    if sender:
        out += variants(sender, Kind.email)
    for att in msg.get("attachments") or []:
        out += variants(att.get("filename") or "", Kind.file)
    for r in incident.get("recipients") or []:
        out += variants(r.get("address") or "", Kind.email)
        out += variants(r.get("name") or "", Kind.person)
        out += variants(r.get("organization") or "", Kind.organization)
    for key, kind in (("reporter", Kind.email), ("reporter_name", Kind.person), ("department", Kind.organization)):
        value = incident.get(key)
        if isinstance(value, Mapping):
            value = value.get("email") or value.get("name") or value.get("display_name")
        if isinstance(value, str):
            out += variants(value, kind)
    for extra in incident.get("identifying") or []:  # free extra values a reviewer adds
        out += variants(str(extra.get("value", "")), Kind(extra.get("kind", "person")))
    known = {kv.value for kv in out}
    for att in msg.get("attachments") or []:  # last: the record's own forms of a name keep their labels
        out += [kv for kv in file_name_values(att.get("filename") or "") if kv.value not in known]
    return out


class RecordMatcher:
    """All known values, found case-insensitively; Latin values only as whole words.

    Plain substring search per value (C speed): thousands of values (the recipients of a mass mail)
    cost milliseconds, where one big alternation would take seconds to compile."""

    def __init__(self, values: Iterable[KnownValue]):
        kinds: dict[str, Kind] = {}
        keys: dict[str, str | None] = {}
        for kv in values:
            key = kv.value.casefold()
            if len(key) < 2:
                continue
            kinds.setdefault(key, kv.kind)
            keys.setdefault(key, kv.key)
        self._kinds, self._keys = kinds, keys
        self._ascii = {k: bool(_ASCII.match(k)) for k in kinds}

    def find(self, text: str) -> Iterator[Finding]:
        if not self._kinds or not text:
            return
        folded = text.casefold()
        if len(folded) != len(text):  # a character whose case folding changes the length (ß): fold per character
            folded = "".join(ch if len(ch.casefold()) != 1 else ch.casefold() for ch in text)
        for key, kind in self._kinds.items():
            start = folded.find(key)
            while start != -1:
                end = start + len(key)
                if not self._ascii[key] or (
                        (start == 0 or not _WORD.match(folded[start - 1])) and (end == len(folded) or not _WORD.match(folded[end]))):
                    yield Finding(start, end, kind, "record", priority=1, key=self._keys.get(key))
                start = folded.find(key, start + 1)
