"""The one read model of an incident: a frozen `IncidentRecord`, produced by one loader.

Every reader of an incident — the API contract, the audit facts, the response's facts, documents,
near-miss drafts, notifications — reads this record instead of reshaping the table row. It carries
- its codes as `Label`s: a `str` equal to the code (so `rec.mistake_type == "bcc_exposure"`, JSON and
  the pure rules see the code) that also knows its words in both languages (`.ja`, `.en`, `.text(lang)`);
- its times as aware datetimes: `sent_at` / `discovered_at` in the zone the reporter gave them,
  `reported_at` / `updated_at` / `closed_at` in UTC, and every one of them in the organisation's zone
  through `rec.local(...)` or the `*_local` properties;
- its message (subject, sender, summary, attachments), reporter and department;
- the counts of its recipients by kind and by field (one GROUP BY, whatever the size of the list);
- its recipients in position order — only as many as the caller asks for (`recipients=`), since a
  mass mail has thousands: `rec.recipients_complete` says whether all of them were loaded.

`load(session, actor=, incident_id=)` checks that the actor may see the incident, once. `record_of(session,
incident)` builds the record of a row the caller already holds (after its own check, or in an event
subscriber running inside the service that checked).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from incidents import i18n
from incidents.i18n import LabelTable
from incidents.cases import labels as tables
from incidents.cases.access import visible_incident
from incidents.cases.models import Attachment, Incident, Recipient
from incidents.config import get_settings
from incidents.people.models import Department, User

ALL: None = None  # recipients=ALL loads every recipient


class Label(str):
    """A code of the record. It is the code (compares, hashes and serialises as the code) and knows its
    words in Japanese and English, from the record's label table and the catalogues."""

    __slots__ = ()

    @property
    def code(self) -> str:
        return str.__str__(self)

    @property
    def ja(self) -> str:
        return _words(type(self), self.code)[0]

    @property
    def en(self) -> str:
        return _words(type(self), self.code)[1]

    def text(self, lang: str | None = None) -> str:
        """The words in `lang` (default: the current request's or command's language)."""
        return self.en if (lang or i18n.get_locale()) == "en" else self.ja

    def __reduce__(self):  # pickled as (list, code): another process finds the words in its own catalogues
        return label, (type(self), self.code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r})"


# One Label subclass per code list, so the same code in two lists ("other") keeps its own words.
class MistakeTypeLabel(Label):
    __slots__ = ()


class DiscoveryMethodLabel(Label):
    __slots__ = ()


class DataItemLabel(Label):
    __slots__ = ()


class ProtectionLabel(Label):
    __slots__ = ()


class StatusLabel(Label):
    __slots__ = ()


class JurisdictionLabel(Label):
    __slots__ = ()


class FieldLabel(Label):
    __slots__ = ()


class KindLabel(Label):
    __slots__ = ()


_TABLES: dict[type[Label], LabelTable] = {
    MistakeTypeLabel: tables.MISTAKE_TYPES,
    DiscoveryMethodLabel: tables.DISCOVERY_METHODS,
    DataItemLabel: tables.DATA_ITEMS,
    ProtectionLabel: tables.PROTECTION,
    StatusLabel: tables.STATUS,
    JurisdictionLabel: tables.JURISDICTIONS,
    FieldLabel: tables.FIELDS,
    KindLabel: tables.KINDS,
}


@cache
def _words(cls: type[Label], code: str) -> tuple[str, str]:
    """(Japanese, English) from the record's label table; an unknown code (a value written before its list
    changed) is its own word in both languages."""
    return _TABLES[cls].both(code)


@cache
def label(cls: type[Label], code: str) -> Label:
    """The Label of `code` in the list `cls` (one shared object per code)."""
    return cls(code)


def _labels(cls: type[Label], codes: Iterable[str]) -> tuple[Label, ...]:
    return tuple(label(cls, str(c)) for c in codes)


# ---- the parts of the record ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    email: str
    display_name: str


@dataclass(frozen=True, slots=True)
class DepartmentRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    filename: str
    size_bytes: int | None
    sha256: str | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    subject: str
    sender: str | None
    summary: str
    attachments: tuple[AttachmentRecord, ...]


@dataclass(frozen=True, slots=True)
class RecipientRecord:
    id: int
    position: int
    address: str
    name: str | None
    organization: str | None
    field: FieldLabel
    kind: KindLabel


@dataclass(frozen=True, slots=True)
class RecipientCounts:
    """How many recipients, by kind (unintended / intended) and by field (to / cc / bcc)."""

    total: int = 0
    by_kind: Mapping[str, int] = dc_field(default_factory=dict)
    by_field: Mapping[str, int] = dc_field(default_factory=dict)

    @property
    def unintended(self) -> int:
        return self.by_kind.get("unintended", 0)

    @property
    def intended(self) -> int:
        return self.by_kind.get("intended", 0)


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    id: int
    title: str
    status: StatusLabel
    mistake_type: MistakeTypeLabel
    discovery_method: DiscoveryMethodLabel
    sent_at: datetime  # aware, in the zone the reporter gave
    discovered_at: datetime  # aware, in the zone the reporter gave
    reported_at: datetime  # aware, UTC
    updated_at: datetime  # aware, UTC
    closed_at: datetime | None  # aware, UTC
    zone: ZoneInfo  # the organisation's zone
    message: MessageRecord
    data_items: tuple[DataItemLabel, ...]
    affected_persons: int
    protection: ProtectionLabel
    key_exposed: bool
    improper_purpose: bool
    jurisdictions: tuple[JurisdictionLabel, ...]
    reporter: Person
    department: DepartmentRef
    counts: RecipientCounts
    recipients: tuple[RecipientRecord, ...]  # in position order; all of them only if recipients_complete
    recipients_complete: bool

    # The access rules read these, so they apply to a record as to a row.
    @property
    def reporter_id(self) -> int:
        return self.reporter.id

    @property
    def department_id(self) -> int:
        return self.department.id

    @property
    def recipients_count(self) -> int:
        return self.counts.total

    @property
    def eu(self) -> bool:
        return "eu" in self.jurisdictions

    @property
    def unintended(self) -> tuple[RecipientRecord, ...]:
        return tuple(r for r in self.recipients if r.kind == "unintended")

    @property
    def intended(self) -> tuple[RecipientRecord, ...]:
        return tuple(r for r in self.recipients if r.kind == "intended")

    def local(self, moment: datetime | None) -> datetime | None:
        """`moment` in the organisation's zone."""
        return moment.astimezone(self.zone) if moment is not None else None

    @property
    def sent_at_local(self) -> datetime:
        return self.sent_at.astimezone(self.zone)

    @property
    def discovered_at_local(self) -> datetime:
        return self.discovered_at.astimezone(self.zone)

    @property
    def reported_at_local(self) -> datetime:
        return self.reported_at.astimezone(self.zone)


# ---- the loader ----------------------------------------------------------------------------------


def as_given(moment: datetime, offset_min: int) -> datetime:
    """A stored UTC time shown back in the zone offset it was given in."""
    return moment.astimezone(timezone(timedelta(minutes=offset_min)))


def load(session: Session, *, actor: User, incident_id: int, recipients: int | None = 0) -> IncidentRecord:
    """The record of an incident the actor may see (NotFound otherwise), with the first `recipients`
    recipients (ALL for every one)."""
    return record_of(session, visible_incident(session, actor, incident_id), recipients=recipients)


def record_of(session: Session, incident: Incident, *, recipients: int | None = 0) -> IncidentRecord:
    """The record of a row the caller already holds (its access already checked)."""
    reporter = session.get(User, incident.reporter_id)
    dept = session.get(Department, incident.department_id)
    attachments = tuple(
        AttachmentRecord(a.filename, a.size_bytes, a.sha256, a.content_type)
        for a in session.execute(
            select(Attachment.filename, Attachment.size_bytes, Attachment.sha256, Attachment.content_type)
            .where(Attachment.incident_id == incident.id).order_by(Attachment.position, Attachment.id)
        )
    )
    rows = _recipients(session, incident.id, recipients) if recipients != 0 else ()
    complete = recipients is None or (recipients != 0 and len(rows) < recipients)
    counts = _counts_of(rows) if complete else _counts(session, incident.id)
    if not complete and counts.total == len(rows):
        complete = True
    return IncidentRecord(
        id=incident.id,
        title=incident.title,
        status=label(StatusLabel, incident.status),
        mistake_type=label(MistakeTypeLabel, incident.mistake_type),
        discovery_method=label(DiscoveryMethodLabel, incident.discovery_method),
        sent_at=as_given(incident.sent_at, incident.sent_at_offset_min),
        discovered_at=as_given(incident.discovered_at, incident.discovered_at_offset_min),
        reported_at=incident.reported_at,
        updated_at=incident.updated_at,
        closed_at=incident.closed_at,
        zone=get_settings().tz,
        message=MessageRecord(subject=incident.subject, sender=incident.sender or None, summary=incident.summary,
                              attachments=attachments),
        data_items=_labels(DataItemLabel, incident.data_items or ()),
        affected_persons=incident.affected_persons or 0,
        protection=label(ProtectionLabel, incident.protection),
        key_exposed=bool(incident.key_exposed),
        improper_purpose=bool(incident.improper_purpose),
        jurisdictions=_labels(JurisdictionLabel, incident.jurisdictions or ("jp",)),
        reporter=Person(reporter.id, reporter.email, reporter.display_name) if reporter else Person(0, "", ""),
        department=DepartmentRef(dept.id, dept.name) if dept else DepartmentRef(0, ""),
        counts=counts,
        recipients=rows,
        recipients_complete=complete,
    )


def _recipients(session: Session, incident_id: int, limit: int | None) -> tuple[RecipientRecord, ...]:
    q = (select(Recipient.id, Recipient.position, Recipient.address, Recipient.name, Recipient.organization,
                Recipient.field, Recipient.kind)  # columns, not ORM objects: thousands of rows on a mass mail
         .where(Recipient.incident_id == incident_id).order_by(Recipient.position, Recipient.id))
    if limit is not None:
        q = q.limit(limit)
    return tuple(RecipientRecord(r.id, r.position, r.address, r.name, r.organization, label(FieldLabel, r.field),
                                 label(KindLabel, r.kind)) for r in session.execute(q))


def _counts(session: Session, incident_id: int) -> RecipientCounts:
    by_kind: dict[str, int] = {}
    by_field: dict[str, int] = {}
    total = 0
    for kind, field, n in session.execute(
        select(Recipient.kind, Recipient.field, func.count()).where(Recipient.incident_id == incident_id)
        .group_by(Recipient.kind, Recipient.field)
    ):
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_field[field] = by_field.get(field, 0) + n
        total += n
    return RecipientCounts(total, by_kind, by_field)


def _counts_of(rows: Iterable[RecipientRecord]) -> RecipientCounts:
    by_kind: dict[str, int] = {}
    by_field: dict[str, int] = {}
    total = 0
    for r in rows:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
        by_field[r.field] = by_field.get(r.field, 0) + 1
        total += 1
    return RecipientCounts(total, by_kind, by_field)


# ---- plain data of the record ----------------------------------------------------------------------


def facts(rec: IncidentRecord) -> dict[str, Any]:
    """The correctable facts as plain JSON data: what the audit trail keeps before and after a change."""
    return {
        "title": rec.title,
        "mistake_type": rec.mistake_type.code,
        "discovery_method": rec.discovery_method.code,
        "sent_at": rec.sent_at.isoformat(),
        "discovered_at": rec.discovered_at.isoformat(),
        "data_items": [d.code for d in rec.data_items],
        "affected_persons": rec.affected_persons,
        "protection": rec.protection.code,
        "key_exposed": rec.key_exposed,
        "improper_purpose": rec.improper_purpose,
        "jurisdictions": [j.code for j in rec.jurisdictions],
        "message": {
            "subject": rec.message.subject, "sender": rec.message.sender, "summary": rec.message.summary,
            "attachments": [{"filename": a.filename, "size_bytes": a.size_bytes, "sha256": a.sha256,
                             "content_type": a.content_type} for a in rec.message.attachments],
        },
    }
