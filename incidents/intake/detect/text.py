"""Keyword matching shared by the detectors: CJK by substring, ASCII words on word boundaries."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[_\-.\s/\\]+", " ", text)


def stem(filename: str) -> str:
    """The file name without its extension(s), normalised for matching."""
    base = filename.rsplit("/", 1)[-1]
    base = re.sub(r"(\.[A-Za-z0-9]{1,5}){1,2}$", "", base)
    return normalise(base)


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern[str]:
    kw = normalise(keyword)
    if kw.isascii():
        return re.compile(r"(?<![a-z0-9])" + re.escape(kw) + r"s?(?![a-z0-9])")
    return re.compile(re.escape(kw))


@lru_cache(maxsize=64)
def _combined(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_pattern(kw).pattern})" for kw in keywords))


def contains_any(text: str, keywords: tuple[str, ...]) -> bool:
    """One regex pass: is any keyword in the already-normalised text?"""
    return _combined(keywords).search(text) is not None


def matches(text: str, keywords: tuple[str, ...]) -> list[str]:
    """Keywords found in already-normalised text."""
    return [kw for kw in keywords if _pattern(kw).search(text)]


def fmt_list(items: list[str], sep: str, limit: int = 5) -> str:
    shown = sep.join(items[:limit])
    return shown + (sep + "…" if len(items) > limit else "")
