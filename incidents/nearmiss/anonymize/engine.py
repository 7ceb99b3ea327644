"""The anonymiser: runs every detector, resolves overlaps, names what it removed with stable labels
([人物A], [Person B], ...) and returns the new text with every replacement and its span."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from incidents.nearmiss.anonymize import coarsen, names_en, names_ja, patterns
from incidents.nearmiss.anonymize.record import KnownValue, RecordMatcher, known_values
from incidents.nearmiss.anonymize.types import COARSENED, RANK, Anonymized, Finding, Kind, Replacement
from incidents.nearmiss.labels import KIND_LABELS

_JA = re.compile(r"[ぁ-んァ-ヶ一-龥]")
_JOIN_GAP = re.compile(r"^[ 　・]?$")
_MERGE_KINDS = frozenset({Kind.person, Kind.organization, Kind.place, Kind.address})


def detect_locale(text: str) -> str:
    return "ja" if _JA.search(text) else "en"


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _key(text: str) -> str:
    return re.sub(r"[\s　]+", "", unicodedata.normalize("NFKC", text)).casefold()


def _near(a: str, b: str, limit: int = 2) -> bool:
    """Levenshtein distance of a and b is at most `limit` (a lookalike domain is one or two typos away)."""
    if abs(len(a) - len(b)) > limit or min(len(a), len(b)) < 6:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


class Labeller:
    """Gives the same label to the same value across all texts of one draft."""

    def __init__(self):
        self._by_kind: dict[Kind, dict[str, str]] = {}

    def label(self, kind: Kind, original: str, locale: str, key: str | None = None) -> str:
        table = self._by_kind.setdefault(kind, {})
        key = _key(key or original)
        if key in table:
            return self._render(kind, table[key], locale)
        tag = None
        if tag is None and kind in (Kind.domain, Kind.email):
            for other, t in table.items():
                if _near(key, other):
                    tag = t.rstrip("′") + "′" * (sum(1 for v in table.values() if v.rstrip("′") == t.rstrip("′")))
                    break
        if tag is None:
            tag = _letters(len({v.rstrip("′") for v in table.values()}))
        table[key] = tag
        return self._render(kind, tag, locale)

    @staticmethod
    def _render(kind: Kind, tag: str, locale: str) -> str:
        name = KIND_LABELS.label(kind, locale)
        return f"［{name}{tag}］" if locale == "ja" else f"[{name} {tag}]"


class Anonymizer:
    """Anonymise the texts of one incident. Keep one instance per draft so labels stay consistent.

    `incident` is a dict shaped like the record's JSON contract; its values are looked for in every text.
    `extra` adds values a reviewer marked by hand.
    """

    def __init__(self, incident: Mapping | None = None, *, extra: Iterable[KnownValue] = (),
                 locale: str | None = None):
        self.locale = locale
        self.matcher = RecordMatcher([*known_values(incident), *extra])
        self.labeller = Labeller()

    def findings(self, text: str) -> list[Finding]:
        found: list[Finding] = list(self.matcher.find(text))
        found += patterns.find_all(text)
        found += coarsen.find_all(text)
        found += names_ja.find_names(text)
        found += names_en.find_names(text)
        return resolve(text, found)

    def anonymize(self, text: str) -> Anonymized:
        if not text:
            return Anonymized(text="", replacements=[], source=text or "")
        locale = self.locale or detect_locale(text)
        out: list[str] = []
        reps: list[Replacement] = []
        pos = 0
        length = 0
        for f in self.findings(text):
            chunk = text[pos:f.start]
            out.append(chunk)
            length += len(chunk)
            original = text[f.start:f.end]
            if f.replacement is not None:
                new = f.replacement
            elif f.kind is Kind.file:
                new = self.labeller.label(f.kind, original, locale, f.key)
                ext = re.search(r"\.[A-Za-z0-9]{1,5}$", original)
                if ext:
                    new += ext.group(0)
            else:
                new = self.labeller.label(f.kind, original, locale, f.key)
            out.append(new)
            reps.append(Replacement(length, length + len(new), f.kind, new, original, f.start, f.end))
            length += len(new)
            pos = f.end
        out.append(text[pos:])
        return Anonymized(text="".join(out), replacements=reps, source=text)


def resolve(text: str, found: list[Finding]) -> list[Finding]:
    """Merge overlapping findings into one per span: a label kind beats a coarsened kind, a higher rank
    beats a lower one; neighbouring names of one kind ("佐藤 花子") become one."""
    if not found:
        return []
    found.sort(key=lambda f: (f.start, -f.end))
    groups: list[list[Finding]] = []
    end = -1
    for f in found:
        if f.start >= f.end:
            continue
        if groups and f.start < end:
            groups[-1].append(f)
            end = max(end, f.end)
        else:
            groups.append([f])
            end = f.end
    merged: list[Finding] = []
    for g in groups:
        start, stop = min(f.start for f in g), max(f.end for f in g)
        labelled = [f for f in g if f.kind not in COARSENED]
        coarse_all = [f for f in g if f.kind in COARSENED and f.start == start and f.end == stop]
        if labelled and coarse_all and all(f.source in ("heuristic", "morph") for f in labelled):
            labelled = []  # "4 Jun. 2024": a guessed name inside a date is the date
        if labelled:
            best = max(labelled, key=lambda f: (f.priority, RANK[f.kind], f.length))
            key = best.key if (best.start, best.end) == (start, stop) else None
            merged.append(Finding(start, stop, best.kind, best.source, key=key))
        else:
            best = max(g, key=lambda f: (f.length, RANK[f.kind]))
            merged.append(Finding(start, stop, best.kind, best.source, best.replacement))
    out: list[Finding] = []
    for f in merged:
        prev = out[-1] if out else None
        if (prev and prev.kind == f.kind and f.kind in _MERGE_KINDS
                and _JOIN_GAP.match(text[prev.end:f.start])):
            out[-1] = Finding(prev.start, f.end, f.kind, prev.source, key=prev.key if prev.key == f.key else None)
        else:
            out.append(f)
    return out


def anonymize(text: str, incident: Mapping | None = None, *, locale: str | None = None) -> Anonymized:
    """One text, on its own (labels start at A)."""
    return Anonymizer(incident, locale=locale).anonymize(text)


_SKIP_POS = frozenset({"補助記号", "空白"})


def kept_share(result: Anonymized) -> tuple[int, int]:
    """(words kept, words in the source): words are the analyser's tokens, punctuation excluded."""
    spans = [(r.source_start, r.source_end) for r in result.replacements]
    total = kept = 0
    for t in names_ja.tokenize(result.source):
        if t.pos[0] in _SKIP_POS or not t.surface.strip():
            continue
        total += 1
        if not any(s < t.end and t.start < e for s, e in spans):
            kept += 1
    return kept, total
