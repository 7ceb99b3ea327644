"""The library's search index: the normalised terms of a published case, and a query turned into them.

Japanese has no spaces, so a case's terms are its letters' one- and two-character pieces (宛先, 先間, 間違
...) and whole words of Latin letters and digits (excel, bcc, 2024). Both the case (at publication) and the
query go through the same folding first:

- NFKC (full/half width: ＥＸＣＥＬ → excel, ｴｸｾﾙ → エクセル, ㈱ → (株)) and lower case;
- variant kanji and small kana (data/itaiji.txt: 髙 → 高, 﨑 → 崎, ヶ → ケ ...);
- a katakana word's final long-vowel mark (サーバー = サーバ, ユーザー = ユーザ);
- an English word's plural s (invoices = invoice).

A query word matches a case that holds all of its pieces. Synonyms and loanwords (data/search_synonyms.txt:
誤送信 / 宛先間違い / 誤送付, エクセル / excel, bcc / ビーシーシー ...) are applied to the query only, as
alternatives of the word: the index holds the text's own words, so the table can be edited without
re-indexing. The terms are stored per case (`nearmiss_cases.terms`, `title_terms`) and indexed: SQLite
FTS5 table `nearmiss_terms`, PostgreSQL GIN on the arrays (migration 0210).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
MAX_WORDS = 8
MAX_ALTERNATIVES = 16

_LATIN = "0-9a-z\u00c0-\u024f"
_RUN = re.compile(rf"[{_LATIN}]+|[^\W_{_LATIN}]+")
_KATAKANA_LONG_END = re.compile(r"([\u30a1-\u30fa]{2,})ー(?![\u30a1-\u30fcー])")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa][\u30a1-\u30faー]*")
START = "〓"  # marks where a katakana word starts: 〓ワ is in ワード but not in パスワード (never in a text: \W)


def _lines(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@lru_cache(maxsize=1)
def _variants() -> dict[int, str]:
    table = {}
    for line in _lines("itaiji.txt"):
        variant, standard = line.split()
        table[ord(variant)] = standard
    return table


def fold(text: str) -> str:
    """The text as the index sees it: NFKC, lower case, variant kanji and small kana folded, a katakana
    word's final ー dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_variants())
    return _KATAKANA_LONG_END.sub(r"\1", text)


def _word(w: str) -> str:
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w.isdigit():
        return w[:-1]
    return w


def _is_latin(run: str) -> bool:
    return run[0] in "0123456789" or "a" <= run[0] <= "z" or "\u00c0" <= run[0] <= "\u024f"


def terms(text: str) -> list[str]:
    """The distinct terms of a text, sorted (for storing)."""
    seen: set[str] = set()
    for run in _RUN.findall(fold(text)):
        if _is_latin(run):
            seen.add(_word(run))
            continue
        seen.update(run)
        seen.update(map(str.__add__, run, run[1:]))
        seen.update(START + kana[0] for kana in _KATAKANA_WORD.findall(run))
    return sorted(seen)


def joined(text: str) -> str:
    return " ".join(terms(text))


def query_terms(word: str, whole_katakana: bool = False) -> list[str]:
    """The terms a case must hold to match one (folded) query word: whole Latin words, the two-character
    pieces of other runs (a single character stands for itself); with `whole_katakana` (a synonym or
    loanword put in), a katakana word must also start a katakana word of the text (word → ワード finds
    ワードファイル, not パスワード)."""
    out: dict[str, None] = {}
    for run in _RUN.findall(word):
        if _is_latin(run):
            out.setdefault(_word(run), None)
            continue
        if len(run) == 1:
            out.setdefault(run, None)
        else:
            for i in range(len(run) - 1):
                out.setdefault(run[i:i + 2], None)
        if whole_katakana:
            for kana in _KATAKANA_WORD.findall(run):
                out.setdefault(START + kana[0], None)
    return list(out)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Each (folded) member of a group → the other members of its groups."""
    groups: dict[str, dict[str, None]] = {}
    for line in _lines("search_synonyms.txt"):
        members = [fold(m).strip() for m in line.split(" / ") if m.strip()]
        for m in members:
            bucket = groups.setdefault(m, {})
            for other in members:
                if other != m:
                    bucket.setdefault(other, None)
    return {m: tuple(o) for m, o in groups.items()}


def _bounded(word: str, start: int, member: str) -> bool:
    """Whether `member` at `start` stands as a word of its own script: a Latin word is not part of a
    longer Latin word (word ≠ password), a katakana word not part of a longer katakana word (ワード ≠
    パスワード); kanji compounds may be cut anywhere (誤送信事案 holds 誤送信)."""
    end = start + len(member)
    before = word[start - 1] if start else ""
    after = word[end] if end < len(word) else ""
    if _is_latin(member):
        return not (before and _is_latin(before)) and not (after and _is_latin(after))
    if _KATAKANA.match(member[0]) and before and _KATAKANA.match(before):
        return False
    if _KATAKANA.match(member[-1]) and after and _KATAKANA.match(after):
        return False
    return True


def alternatives(word: str) -> list[str]:
    """The word itself, then the word with one synonym put in place of a member it is or contains."""
    table = synonyms()
    out: dict[str, None] = {word: None}
    if word in table:
        out.update(dict.fromkeys(table[word]))
    taken = [(0, len(word))] if word in table else []  # a member inside a longer one found first is not cut out
    for member in sorted(table, key=len, reverse=True):
        if len(member) < 2 or len(member) >= len(word):
            continue
        start = word.find(member)
        while start >= 0 and (not _bounded(word, start, member)
                              or any(start < e and start + len(member) > s for s, e in taken)):
            start = word.find(member, start + 1)
        if start < 0:
            continue
        taken.append((start, start + len(member)))
        for other in table[member]:
            left, right = word[:start], word[start + len(member):]
            if left and _is_latin(left[-1]) and _is_latin(other[0]):
                left += " "
            if right and _is_latin(right[0]) and _is_latin(other[-1]):
                right = " " + right
            out.setdefault(left + other + right, None)
    return list(out)[:MAX_ALTERNATIVES]


@dataclass(frozen=True)
class Query:
    """Words of a query, each a list of alternatives, each alternative the terms a case must all hold."""

    words: tuple[tuple[tuple[str, ...], ...], ...]

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts(self) -> str:
        """The query as an FTS5 expression (terms quoted)."""
        def alt(ts: tuple[str, ...]) -> str:
            return "(" + " AND ".join('"' + t.replace('"', '""') + '"' for t in ts) + ")"
        return " AND ".join("(" + " OR ".join(alt(a) for a in word) + ")" for word in self.words)


def parse(q: str) -> Query:
    """A search box's text as a Query: words split at spaces (at most MAX_WORDS), each with its synonyms."""
    words = []
    for raw in list(dict.fromkeys(fold(q).split()))[:MAX_WORDS]:
        alts: dict[tuple[str, ...], None] = {}
        for a in alternatives(raw):
            ts = tuple(query_terms(a, whole_katakana=a != raw))
            if ts:
                alts.setdefault(ts, None)
        if alts:
            words.append(tuple(alts))
    return Query(tuple(words))
