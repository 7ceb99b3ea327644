"""Plain data of the intake: the parsed mail, its findings, the limits and the detection context.

Nothing here touches the database; the parsers and detectors produce these objects and the
service maps them onto the incident JSON contract.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Bounds that keep hostile input from exhausting memory or time."""

    max_bytes: int = 25 * MB  # whole file
    max_recipients: int = 50_000  # more are dropped with a warning
    max_parts: int = 1_000  # MIME parts / .msg attachments walked
    max_depth: int = 30  # nesting of multiparts and embedded messages
    max_header_chars: int = 64 * 1024  # one structured header value (To/Cc/Bcc excepted)
    max_address_header_chars: int = 4 * MB  # one To/Cc/Bcc value
    max_inspect_bytes: int = 8 * MB  # bytes of one attachment read to count rows


@dataclass(slots=True)
class MailAddress:
    address: str
    name: str = ""
    field: str = "to"  # to / cc / bcc (from for the sender)
    is_list: bool = False  # the mail program itself says this is a distribution list
    group: str = ""  # RFC 5322 group display name ("Sales team: a@x, b@y;")

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()

    @property
    def local(self) -> str:
        return self.address.rpartition("@")[0]


@dataclass(slots=True)
class MailAttachment:
    filename: str
    size_bytes: int
    sha256: str
    content_type: str
    inline: bool = False
    rows: int | None = None  # data rows of a readable table (csv, tsv, xlsx), else None
    columns: list[str] = field(default_factory=list)  # header row of a readable table
    encrypted: bool = False  # password ZIP / encrypted Office file

    def public(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "content_type": self.content_type,
        }


@dataclass(frozen=True, slots=True)
class IntakeWarning:
    code: str
    message_ja: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(slots=True)
class ParsedMail:
    source_format: str  # "eml" or "msg"
    subject: str = ""
    sender: MailAddress | None = None
    recipients: list[MailAddress] = field(default_factory=list)
    sent_at: datetime | None = None
    message_id: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    body_text: str = ""  # kept in memory for detection; never stored unless a person asks
    in_reply_to: str = ""  # the thread: a reply carries In-Reply-To / References
    references: list[str] = field(default_factory=list)
    list_id: str = ""  # a mailing list's post carries List-Id (or List-Post, Mailing-List)
    warnings: list[IntakeWarning] = field(default_factory=list)

    def warn(self, code: str, ja: str, en: str) -> None:
        if not any(w.code == code and w.message_en == en for w in self.warnings):
            self.warnings.append(IntakeWarning(code, ja, en))

    def by_field(self, *fields: str) -> list[MailAddress]:
        return [r for r in self.recipients if r.field in fields]


@dataclass(slots=True)
class Finding:
    """A proposal with its reasons; never applied without the user's consent."""

    type: str  # a MistakeType value, or "data_items"
    confidence: float  # 0..1
    evidence_ja: str
    evidence_en: str
    addresses: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    data_items: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "type": self.type,
            "confidence": round(self.confidence, 2),
            "evidence_ja": self.evidence_ja,
            "evidence_en": self.evidence_en,
        }
        if self.addresses:
            out["addresses"] = self.addresses[:50]
            out["address_count"] = len(self.addresses)
        if self.attachments:
            out["attachments"] = self.attachments
        if self.data_items:
            out["data_items"] = self.data_items
        out.update(self.details)
        return out


@dataclass(frozen=True, slots=True)
class Contact:
    """One row of the organisation's address book."""

    address: str = ""  # a full address, or empty when the row names a whole domain
    domain: str = ""
    name: str = ""
    organization: str = ""
    kind: str = "partner"  # internal / partner / customer / list


@dataclass(slots=True)
class DetectionContext:
    """What the detectors know about the organisation (from settings and the address book)."""

    own_domains: tuple[str, ...] = ()
    partner_domains: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    mass_mail_threshold: int = 10  # visible external addresses that make a mass mail
