"""Numbers of people as people write them: «30», «約30», «およそ1,200名», «1.2万人», «about 30», «~30», «30+».
An estimate is recorded as its figure (the record says how many, roughly: the reporter may correct it)."""

from __future__ import annotations

import re
import unicodedata

from incidents.errors import InvalidInput

_APPROX = re.compile(r"^(?:約|およそ|凡そ|概ね|おおむね|ほぼ|推定|about|approx\.?|approximately|around|roughly|ca\.?|~|≒|±)\s*",
                     re.I)
_UNIT = re.compile(r"\s*(?:人|名|件|people|persons|person|pax)?\s*(?:程度|ほど|くらい|ぐらい|前後|以上|超|強|弱|\+)?\s*$",
                   re.I)
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(万|千|k)?$", re.I)
MAX = 10**12  # more than anyone's population: anything above is refused by the record's bound


class CountError(InvalidInput, ValueError):
    """Not a number of people (a ValueError too, for edge models)."""


def parse_count(value: object) -> int:
    """A whole number of people; an approximate figure is taken as it is written."""
    if isinstance(value, bool):
        raise CountError("give a number of people, e.g. 30 or about 30", "invalid_count")
    if isinstance(value, int):
        if value < 0:
            raise CountError("give a number of people, e.g. 30 or about 30", "invalid_count")
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = _UNIT.sub("", _APPROX.sub("", text)).replace(",", "").replace("_", "").replace(" ", "")
    m = _NUMBER.match(text[:40])
    if not m:
        raise CountError("give a number of people, e.g. 30 or about 30", "invalid_count")
    digits, unit = m.group(1), (m.group(2) or "").lower()
    if len(digits) > 15:  # out of any range: the record's own bound says so
        return MAX + 1
    number = float(digits) * {"万": 10_000, "千": 1_000, "k": 1_000}.get(unit, 1)
    if number != int(number):
        raise CountError("give a number of people, e.g. 30 or about 30", "invalid_count")
    return int(number)
