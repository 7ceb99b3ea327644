"""Plain facts objects: what the pure rules (assessment, playbook) need to know.

They carry no database session and no ORM object, so the rules can be tested and benchmarked
on their own. `service.py` builds them from the stored incident, recipients and the
deletion confirmations recorded on the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Iterable


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    """The string value of a StrEnum or plain string (None → "")."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class RecipientFacts:
    address: str
    kind: str = "unintended"  # unintended | intended
    name: str | None = None
    organization: str | None = None
    field: str = "to"  # to | cc | bcc
    # Deletion confirmation: None = not (yet) confirmed; otherwise the declared `opened`.
    deletion_confirmed: bool = False
    opened: str | None = None  # yes | no | unknown

    @property
    def key(self) -> str:
        return self.address.strip().lower()

    @classmethod
    def of(cls, obj: Any, *, deletion_confirmed: bool = False, opened: str | None = None) -> "RecipientFacts":
        """Build from any object with address/kind/name/organization/field attributes."""
        return cls(
            address=str(getattr(obj, "address")),
            kind=_text(getattr(obj, "kind", "unintended")) or "unintended",
            name=getattr(obj, "name", None),
            organization=getattr(obj, "organization", None),
            field=_text(getattr(obj, "field", "to")) or "to",
            deletion_confirmed=deletion_confirmed,
            opened=_text(opened) or None,
        )


@dataclass(frozen=True)
class IncidentFacts:
    discovered_at: datetime
    data_items: tuple[str, ...] = ()
    affected_persons: int = 0
    protection: str = "none"
    key_exposed: bool = False
    improper_purpose: bool = False
    jurisdictions: tuple[str, ...] = ("jp",)
    mistake_type: str = "wrong_recipient"
    recipients: tuple[RecipientFacts, ...] = field(default_factory=tuple)
    public_body: bool = False  # 行政機関等: the public-sector thresholds apply (organisation.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "discovered_at", _aware(self.discovered_at))
        object.__setattr__(self, "data_items", tuple(_text(i) for i in self.data_items))
        object.__setattr__(self, "jurisdictions", tuple(_text(j).lower() for j in self.jurisdictions))
        object.__setattr__(self, "protection", _text(self.protection) or "none")
        object.__setattr__(self, "affected_persons", int(self.affected_persons or 0))

    @property
    def unintended(self) -> tuple[RecipientFacts, ...]:
        return tuple(r for r in self.recipients if r.kind == "unintended")

    @classmethod
    def of(
        cls,
        incident: Any,
        recipients: Iterable[RecipientFacts] = (),
        *,
        public_body: bool = False,
    ) -> "IncidentFacts":
        """Build from any object carrying the incident columns of the spine."""
        discovered = getattr(incident, "discovered_at", None) or getattr(incident, "reported_at", None)
        if discovered is None:
            raise ValueError("incident has no discovery time")
        return cls(
            discovered_at=discovered,
            data_items=tuple(getattr(incident, "data_items", None) or ()),
            affected_persons=getattr(incident, "affected_persons", 0) or 0,
            protection=_text(getattr(incident, "protection", None)) or "none",
            key_exposed=bool(getattr(incident, "key_exposed", False)),
            improper_purpose=bool(getattr(incident, "improper_purpose", False)),
            jurisdictions=tuple(getattr(incident, "jurisdictions", None) or ("jp",)),
            mistake_type=_text(getattr(incident, "mistake_type", None)) or "wrong_recipient",
            recipients=tuple(recipients),
            public_body=public_body,
        )
