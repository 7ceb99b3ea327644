"""Names in Latin script (English text, and Latin words inside Japanese text).

English has no analyser we could ship offline with a good name model, so the rule is cautious and
errs on the side of removing: a capitalised word is a name unless it is a known non-name (a month,
a product, an acronym such as Bcc or GDPR), or it opens a sentence and is a common word. Runs of
capitalised words are one name ("Northwind Trading Co."), its kind told by a title (Mr, Dr → person)
or a company suffix (Inc, Ltd, Bank, University → organisation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from incidents.nearmiss.anonymize.types import Finding, Kind

TITLES = frozenset("mr mrs ms miss dr prof sir madam mx".split())
ORG_WORDS = frozenset(
    "inc inc. incorporated ltd ltd. limited llc llp plc corp corp. corporation co co. company gmbh ag sa kk k.k. "
    "bank university college school hospital clinic group holdings partners associates insurance trading "
    "industries systems solutions technologies labs foundation council city ward prefecture academy institute "
    "society association agency ministry department store shop pharmacy".split()
)
PLACE_WORDS = frozenset("street avenue road station airport park prefecture city ward town village county".split())
# Words that end a building's or a facility's name: the capitalised words before them are its name, even
# a product's ("Salesforce Tower").
BUILDING_WORDS = frozenset("tower towers building buildings centre center plaza house hall arena stadium hotel "
                           "residences residence court mansions heights apartments complex mall hills "
                           "gardens square campus".split())
PRONOUNS = frozenset("he she we they you it i".split())
_CONNECT = frozenset("of and & de van von der da du la le y-".split())
# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = frozenset("mr mrs ms dr prof st inc ltd co corp k.k jr sr no dept".split())

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*\.?")
_SENTENCE_END = re.compile(r"[.!?。！？:：\n]\s*[\"'“‘(（「『]?\s*$|^\s*[\"'“‘(（「『•\-*\d.)]*\s*$")


@lru_cache(maxsize=None)
def _words(name: str) -> frozenset[str]:
    text = resources.files("incidents.nearmiss.anonymize").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def keep_words() -> frozenset[str]:
    return _words("en_keep.txt")


def common_words() -> frozenset[str]:
    return _words("en_common.txt")


def given_names() -> frozenset[str]:
    return _words("en_names.txt")


def _is_cap(word: str) -> bool:
    return word[0].isupper()


def _bare(word: str) -> str:
    return word.rstrip(".").replace("’", "'").lower().removesuffix("'s")


def find_names(text: str) -> Iterator[Finding]:
    keep, common, names = keep_words(), common_words(), given_names()
    words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    i = 0
    n = len(words)
    while i < n:
        start, end, word = words[i]
        if not _is_cap(word):
            i += 1
            continue
        # collect a run of capitalised words (allowing "of", "&", "de" between them)
        j = i
        run = [words[i]]
        while j + 1 < n:
            gap = text[words[j][1]:words[j + 1][0]]
            nxt = words[j + 1][2]
            if gap.strip(" ,&") or "\n" in gap or len(gap) > 3 or ("&" in gap and gap.strip() != "&"):
                break
            if words[j][2].endswith(".") and _bare(words[j][2]) not in ABBREVIATIONS:
                break
            if "," in gap and _bare(nxt) not in ORG_WORDS:
                break
            if _is_cap(nxt) or (_bare(nxt) in _CONNECT and j + 2 < n and _is_cap(words[j + 2][2])):
                j += 1
                run.append(words[j])
                continue
            break
        i = j + 1
        # "Jane Cooper of Northwind Trading": a person, then an organisation.
        cut = next((x for x in range(1, len(run) - 1) if _bare(run[x][2]) == "of"
                    and any(_bare(w) in ORG_WORDS for _, _, w in run[x + 1:])), None)
        if cut is not None:
            yield from _judge(text, run[:cut], keep, common, names)
            yield from _judge(text, run[cut + 1:], keep, common, names)
        else:
            yield from _judge(text, run, keep, common, names)


def _judge(text, run, keep, common, names) -> Iterator[Finding]:
    bare = [_bare(w) for _, _, w in run]
    sentence_start = bool(_SENTENCE_END.search(text[max(0, run[0][0] - 6):run[0][0]])) or run[0][0] == 0
    before = text[max(0, run[0][0] - 12):run[0][0]].lower()
    titled = bool(re.search(r"\b(?:mr|mrs|ms|miss|dr|prof|mx)\.?\s*$", before))

    if len(bare) == 1 and bare[0] in PRONOUNS:
        return  # "He" opens a sentence (and is a surname too)
    building = len(bare) > 1 and bare[-1] in BUILDING_WORDS
    # Drop leading words that are not names: titles, kept words, and a sentence's common first word.
    k = 0
    while k < len(run) and not (building and bare[k] not in TITLES and bare[k] not in _CONNECT and bare[k] != "the"):
        b = bare[k]
        if b in TITLES or b in _CONNECT:
            titled = titled or b in TITLES
            k += 1
            continue
        if b in names:
            break
        if b in keep or (k == 0 and sentence_start and (b in common or _looks_like_word(b))):
            k += 1
            continue
        break
    # Drop trailing kept words ("Smith Excel" is rare; "Acme PDF" keeps PDF).
    e = len(run)
    while e > k and bare[e - 1] in keep and bare[e - 1] not in ORG_WORDS and bare[e - 1] not in names:
        e -= 1
    while e > k and bare[e - 1] in _CONNECT:
        e -= 1
    if e <= k:
        return
    part = run[k:e]
    pb = bare[k:e]
    if all(b in ORG_WORDS for b in pb) and not titled:
        return  # "Bank", "University" alone
    if len(pb) == 1 and len(pb[0]) == 1:
        return  # an initial alone: "A", "B"
    start, end = part[0][0], part[-1][1]
    kind = Kind.place if building and not any(b in ORG_WORDS for b in pb) else _kind(text, start, end, pb, titled, names)
    if text[end - 1] == "." and _bare(part[-1][2]) not in ABBREVIATIONS:
        end -= 1  # the sentence's full stop
    if text[end - 2:end] in ("'s", "’s"):
        end -= 2  # keep the possessive: "[Person A]'s"
    yield Finding(start, end, kind, "heuristic")


_PREV = re.compile(r"([A-Za-z]+)\W*(?:of\s+)?$")
_NEXT = re.compile(r"^\W{0,2}([A-Za-z]+)")
_ORG_BEFORE = frozenset("at for from with competitor client clients vendor supplier partner company firm agency".split())
_PLACE_BEFORE = frozenset("city town village prefecture county state in".split())
_PLACE_AFTER = frozenset("office branch station airport area region site plant factory store".split())


def _kind(text: str, start: int, end: int, words: list[str], titled: bool, names: frozenset[str]) -> Kind:
    if titled:
        return Kind.person
    if any(b in ORG_WORDS for b in words):
        return Kind.organization
    if any(b in names for b in words):
        return Kind.person
    prev = _PREV.search(text[max(0, start - 20):start])
    nxt = _NEXT.match(text[end:end + 20])
    prev_word = prev.group(1).lower() if prev else ""
    next_word = nxt.group(1).lower() if nxt else ""
    if prev_word in _PLACE_BEFORE or next_word in _PLACE_AFTER or any(b in PLACE_WORDS for b in words):
        return Kind.place
    if prev_word in _ORG_BEFORE:
        return Kind.organization
    if len(words) > 1 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        return Kind.organization  # Northwind Traders, Acme Robotics
    return Kind.person


def _looks_like_word(b: str) -> bool:
    """A sentence-opening capitalised word that is very probably an ordinary word (verb forms, adverbs)."""
    return len(b) > 4 and b.endswith(("ing", "ed", "ly", "tion", "ment", "ness", "ity"))
