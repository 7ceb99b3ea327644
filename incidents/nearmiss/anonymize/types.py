"""Value types of the anonymiser: what was found, where, and what replaced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a replaced piece of text was. The values are part of the draft's JSON contract."""

    person = "person"
    organization = "organization"
    place = "place"
    address = "address"
    postal_code = "postal_code"
    email = "email"
    url = "url"
    domain = "domain"
    phone = "phone"
    account = "account"  # bank account, card, customer / policy / employee numbers, other identifiers
    file = "file"
    date = "date"  # coarsened to the month
    time = "time"  # removed
    amount = "amount"  # coarsened to a range
    count = "count"  # coarsened to a range


# When two findings overlap, the one with the higher rank names the merged span.
RANK: dict[Kind, int] = {
    Kind.email: 100,
    Kind.url: 95,
    Kind.file: 90,
    Kind.address: 85,
    Kind.phone: 80,
    Kind.postal_code: 75,
    Kind.account: 70,
    Kind.domain: 65,
    Kind.organization: 60,
    Kind.person: 55,
    Kind.place: 50,
    Kind.amount: 40,
    Kind.count: 35,
    Kind.date: 30,
    Kind.time: 25,
}

# Kinds whose replacement is computed from the value (a month, a range) rather than a label.
COARSENED = frozenset({Kind.date, Kind.time, Kind.amount, Kind.count})


@dataclass(frozen=True, slots=True)
class Finding:
    """A piece of the input text that must not survive: [start, end) in the input."""

    start: int
    end: int
    kind: Kind
    source: str  # which detector found it: record, pattern, phone, morph, heuristic
    replacement: str | None = None  # fixed replacement (coarsened values); None means "use a label"
    priority: int = 0  # stronger evidence of the kind (a key word, an honorific) wins over rank
    key: str | None = None  # the record value this is a variant of, so that variants share one label

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Replacement:
    """One replacement in the output: [start, end) in the *output* text, for highlighting."""

    start: int
    end: int
    kind: Kind
    text: str
    original: str
    source_start: int
    source_end: int

    def public(self, *, with_original: bool = False) -> dict:
        data = {"start": self.start, "end": self.end, "kind": str(self.kind), "text": self.text}
        if with_original:
            data["original"] = self.original
        return data


@dataclass(slots=True)
class Anonymized:
    """The result for one text."""

    text: str
    replacements: list[Replacement] = field(default_factory=list)
    source: str = ""

    def public(self, *, with_original: bool = False) -> dict:
        return {"text": self.text,
                "replacements": [r.public(with_original=with_original) for r in self.replacements]}
