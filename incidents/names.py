"""Names as they are stored: without honorifics.

Display names from mail headers and address books often carry the honorific already
(«佐藤 様», «株式会社北風 御中», «"Sato, Kenichi (様)"»). A letter adds its own 様 or 御中, so a name
stored with one prints «佐藤 様 様». Every place where a name enters the record strips it here.

    >>> strip_honorific("佐藤 様")
    '佐藤'
    >>> strip_honorific("株式会社北風製作所　御中")
    '株式会社北風製作所'
    >>> strip_honorific("山田 太郎 先生")
    '山田 太郎'
    >>> strip_honorific("源氏")
    '源氏'
"""

from __future__ import annotations

import re

# Always an honorific at the end of a name, joined or separated: 佐藤様, 佐藤 様, 北風 御中, 関係者各位.
_ALWAYS = ("様", "さま", "サマ", "殿", "御中", "各位", "樣")
# Honorifics that are also the last character(s) of real names (源氏, 大先生?): only when separated.
_SEPARATED = ("さん", "先生", "氏", "くん", "君", "ちゃん", "どの")
_SPACE = r"[\s\u3000]"
_TRAILING = re.compile(
    rf"(?:{_SPACE}*(?:{'|'.join(_ALWAYS)})|{_SPACE}+(?:{'|'.join(_SEPARATED)}))[\s\u3000、,.。]*$")
# Brackets some address books put around the honorific: 佐藤（様）, 佐藤 (様)
_BRACKETED = re.compile(rf"{_SPACE}*[（(]{_SPACE}*(?:{'|'.join(_ALWAYS + _SEPARATED)}){_SPACE}*[)）]{_SPACE}*$")


def strip_honorific(name: str | None) -> str | None:
    """The name without trailing honorifics (repeatedly: «佐藤 様 様» → 佐藤); None stays None.

    A name that is nothing but an honorific («様») is returned empty-stripped as it was, not as "".
    """
    if name is None:
        return None
    text = name.strip().strip("\u3000").strip()
    while True:
        shorter = _BRACKETED.sub("", text)
        shorter = _TRAILING.sub("", shorter).rstrip().rstrip("\u3000")
        if shorter == text or not shorter:
            break
        text = shorter
    return text
