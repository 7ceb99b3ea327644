"""Registrable domains (offline public-suffix list) and look-alike tests.

The public-suffix list is the snapshot shipped inside the `publicsuffixlist` package: nothing is
fetched at run time. IDNs are handled with the `idna` package (UTS 46 mapping, punycode).
A look-alike is judged on the registrable part only, so an organisation's own subdomains
(mail.example.co.jp) are never look-alikes of example.co.jp.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import idna
from rapidfuzz import process
from rapidfuzz.distance import OSA
from publicsuffixlist import PublicSuffixList

_PSL = PublicSuffixList()  # bundled snapshot; no network


def _providers() -> frozenset[str]:
    text = resources.files("incidents.intake").joinpath("data/mail_providers.txt").read_text(encoding="utf-8")
    names = {line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return frozenset(names | {_PSL.privatesuffix(n) or n for n in names})


# Public mail services and consumer ISPs (data/mail_providers.txt): private people's mailboxes, and never
# look-alikes of one another.
FREE_MAIL_DOMAINS = _providers()

# Characters that look like ASCII letters or digits (a practical subset of Unicode confusables).
_CONFUSABLE = str.maketrans(
    {
        "0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "$": "s",
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "l", "ї": "l", "ј": "j", "к": "k",
        "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ӏ": "l", "ь": "b",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y",
        # Latin look-alikes
        "ı": "l", "ł": "l", "ǀ": "l", "ɑ": "a", "ȷ": "j", "ß": "b",
        # kanji that look like katakana (ソニ一 for ソニー), and dashes like the long-vowel mark
        "一": "ー", "口": "ロ", "力": "カ", "工": "エ", "夕": "タ", "二": "ニ", "八": "ハ", "卜": "ト",
        "〇": "o", "‐": "ー", "―": "ー", "−": "ー",
    }
)
_SCRIPT_PREFIXES = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "HEBREW", "ARABIC", "CJK", "HIRAGANA",
                    "KATAKANA", "HANGUL", "THAI")
_JAPANESE = {"LATIN", "CJK", "HIRAGANA", "KATAKANA"}


@dataclass(frozen=True, slots=True)
class DomainInfo:
    ascii: str  # the domain as sent (punycode for IDNs), lower case
    unicode: str  # human form
    registrable: str  # ASCII registrable domain (example.co.jp), or the domain itself
    label: str  # unicode label before the public suffix ("example")
    suffix: str  # public suffix ("co.jp")
    is_idn: bool
    bad_punycode: bool
    scripts: frozenset[str]

    @property
    def mixed_scripts(self) -> bool:
        s = self.scripts
        if len(s) <= 1:
            return False
        return not s <= _JAPANESE


@lru_cache(maxsize=65536)
def domain_info(domain: str) -> DomainInfo:
    domain = domain.strip().rstrip(".").lower()
    bad = False
    if domain.isascii() and "xn--" not in domain:
        ascii_form = domain  # the common case: idna would only check it
    else:
        try:
            ascii_form = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            ascii_form = domain.encode("ascii", "ignore").decode() if domain.isascii() else domain
            bad = not domain.isascii() or "xn--" in domain
    try:
        uni = idna.decode(ascii_form) if "xn--" in ascii_form else ascii_form
    except (idna.IDNAError, UnicodeError, ValueError):
        uni, bad = ascii_form, True
    reg = _PSL.privatesuffix(ascii_form) if ascii_form.isascii() else None
    reg = reg or ascii_form
    suffix = _PSL.publicsuffix(reg) if reg.isascii() else None
    suffix = suffix or ""
    label_ascii = reg[: -len(suffix) - 1] if suffix and reg.endswith("." + suffix) else reg
    try:
        label = idna.decode(label_ascii) if "xn--" in label_ascii else label_ascii
    except (idna.IDNAError, UnicodeError, ValueError):
        label, bad = label_ascii, True
    return DomainInfo(
        ascii=ascii_form,
        unicode=uni,
        registrable=reg,
        label=label,
        suffix=suffix,
        is_idn="xn--" in ascii_form or not ascii_form.isascii(),
        bad_punycode=bad,
        scripts=_scripts(label),
    )


def registrable_domain(domain: str) -> str:
    return domain_info(domain).registrable


def same_organisation(domain: str, reference: str) -> bool:
    """True for the reference itself and any of its subdomains (same registrable domain)."""
    return registrable_domain(domain) == registrable_domain(reference)


def _scripts(text: str) -> frozenset[str]:
    found = set()
    for ch in text:
        if ch.isascii() and not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for prefix in _SCRIPT_PREFIXES:
            if name.startswith(prefix):
                found.add(prefix)
                break
    return frozenset(found)


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.translate(_CONFUSABLE).replace("rn", "m").replace("vv", "w")
    return text.replace("-", "").replace("_", "")


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (substitution, insertion, deletion, adjacent swap),
    capped: limit + 1 for anything farther than limit (rapidfuzz, in C++)."""
    return OSA.distance(a, b, score_cutoff=limit)


@dataclass(frozen=True, slots=True)
class Lookalike:
    domain: str  # the recipient's domain (human form)
    reference: str  # the known domain it resembles
    reason: str  # homoglyph / typo / suffix / separator
    distance: int
    confidence: float
    mixed_scripts: bool
    idn: bool


def _deletes(text: str, depth: int) -> set[str]:
    """Every string reachable by deleting up to `depth` characters (symmetric-delete index)."""
    out = {text}
    frontier = {text}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _compact(label: str) -> str:
    return label.replace("-", "").replace(".", "")


class LookalikeIndex:
    """Known domains indexed once, so that `find(domain)` costs the same for 10 or 100,000 of them:
    candidates come from exact keys (label, skeleton, label without separators) and from a
    symmetric-delete index (two labels within edit distance 2 share a string reachable by at most
    two deletions from each); each candidate is then checked precisely by _compare."""

    def __init__(self, references: tuple[str, ...] | list[str]) -> None:
        self.refs = [domain_info(r) for r in dict.fromkeys(references) if r]
        self.known = {r.registrable for r in self.refs} | FREE_MAIL_DOMAINS
        self.exact: dict[str, list[DomainInfo]] = {}  # label, skeleton, label without separators
        self.deleted: dict[str, list[DomainInfo]] = {}  # symmetric-delete keys of the label
        self.skel_deleted: dict[str, list[DomainInfo]] = {}  # one deletion from the skeleton (IDNs)
        self.shape: dict[tuple[str, int], tuple[list[str], list[DomainInfo]]] = {}  # (suffix, length)
        for ref in self.refs:
            label = ref.label
            if not label:
                continue
            for key in {label, skeleton(label), _compact(label)}:
                self.exact.setdefault(key, []).append(ref)
            for key in _deletes(label, 1):
                self.deleted.setdefault(key, []).append(ref)
            if len(label) >= 8:
                parts = ref.suffix.split(".")
                for i in range(1, len(parts) + 1):  # co.jp is also reached from "co" (a dropped .jp)
                    labels, infos = self.shape.setdefault((".".join(parts[:i]), len(label)), ([], []))
                    labels.append(label)
                    infos.append(ref)
            for key in _deletes(skeleton(label), 1):
                self.skel_deleted.setdefault(key, []).append(ref)

    def _candidates(self, info: DomainInfo) -> list[DomainInfo]:
        label = info.label
        found: dict[int, DomainInfo] = {}
        get = self.exact.get
        for key in {label, skeleton(label), _compact(label)}:
            for ref in get(key, ()):
                found[id(ref)] = ref
        get = self.deleted.get
        for key in _deletes(label, 1):  # within one edit: a shared key at one deletion at most
            for ref in get(key, ()):
                found[id(ref)] = ref
        if len(label) >= 8:  # two edits: refs of a similar length and suffix, compared in C++
            for n in range(len(label) - 2, len(label) + 3):
                bucket = self.shape.get((info.suffix, n))
                if bucket:
                    for _choice, _score, i in process.extract(
                        label, bucket[0], scorer=OSA.distance, score_cutoff=2, limit=None
                    ):
                        found[id(bucket[1][i])] = bucket[1][i]
        if info.is_idn:
            get = self.skel_deleted.get
            for key in _deletes(skeleton(label), 1):
                for ref in get(key, ()):
                    found[id(ref)] = ref
        return list(found.values())

    def find(self, domain: str) -> Lookalike | None:
        """The known domain this one imitates, if any. Known domains themselves never match."""
        info = domain_info(domain)
        if info.registrable in self.known or not info.label:
            return None
        best: Lookalike | None = None
        for ref in self._candidates(info):
            hit = _compare(info, ref)
            if hit and (best is None or hit.confidence > best.confidence):
                best = hit
        return best


    def find_among(self, domain: str, accept: Callable[[DomainInfo], bool]) -> Lookalike | None:
        """Like find, against the references `accept` lets through, known domains included (the
        recipients of one mail: a minority domain next to the majority's)."""
        info = domain_info(domain)
        if not info.label or info.registrable in FREE_MAIL_DOMAINS:
            return None
        best: Lookalike | None = None
        for ref in self._candidates(info):
            if ref.registrable == info.registrable or not accept(ref):
                continue
            hit = _compare(info, ref)
            if hit and (best is None or hit.confidence > best.confidence):
                best = hit
        return best


@lru_cache(maxsize=2)
def lookalike_index(references: tuple[str, ...]) -> LookalikeIndex:
    """The index for one set of known domains, kept while the settings and address book stay the same
    (two sets at most: an index of 100,000 domains takes a few hundred MB)."""
    return LookalikeIndex(references)


def _compare(info: DomainInfo, ref: DomainInfo) -> Lookalike | None:
    a, b = info.label, ref.label
    if not a or not b:
        return None

    def hit(reason: str, distance: int, confidence: float) -> Lookalike:
        if info.mixed_scripts or info.bad_punycode:
            confidence = min(0.98, confidence + 0.1)
        return Lookalike(info.unicode, ref.unicode, reason, distance, confidence, info.mixed_scripts, info.is_idn)

    same_suffix = info.suffix == ref.suffix
    if a == b:
        if ref.suffix.startswith(info.suffix + ".") or edit_distance(info.suffix, ref.suffix, 1) <= 1:
            return hit("suffix", 1, 0.8)  # example.co (missing .jp), example.co.jo
        return None
    if a.replace("-", "").replace(".", "") == b.replace("-", "").replace(".", "") and same_suffix:
        return hit("separator", 1, 0.75)
    ska, skb = skeleton(a), skeleton(b)
    if ska == skb and same_suffix:
        return hit("homoglyph", edit_distance(a, b, 3), 0.92 if info.is_idn else 0.85)
    if not same_suffix and not ref.suffix.startswith(info.suffix + "."):
        return None
    short = min(len(a), len(b))
    if abs(len(a) - len(b)) > 2 and not info.is_idn:
        return None
    if len(set(a) ^ set(b)) > 4 and not info.is_idn:  # each edit changes the letter set by at most 2
        return None
    d = edit_distance(a, b, 2)
    if d == 1 and short >= 4:
        return hit("typo", 1, 0.85 if short >= 6 else 0.7)
    if d == 2 and short >= 8:
        return hit("typo", 2, 0.6)
    if info.is_idn and edit_distance(ska, skb, 1) <= 1 and short >= 4:
        return hit("homoglyph", d, 0.8)
    return None
