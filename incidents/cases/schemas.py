"""Edge models of the incident record: what the API and CLI accept and return (the public contract)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from incidents.cases.models import (
    DataItem,
    DiscoveryMethod,
    IncidentStatus,
    Jurisdiction,
    MistakeType,
    Protection,
    RecipientField,
    RecipientKind,
)
from incidents.names import strip_honorific
from incidents.times import When
from incidents.types import utcnow
from incidents.validation import check_address

T = TypeVar("T")
CLOCK_SKEW = timedelta(minutes=5)
# Fields the service sets; accepted (and ignored) on input so a record can be sent back as it came out.
SERVER_FIELDS = {"id", "reported_at", "status", "reporter", "reporter_name", "department", "recipients_count",
                 "updated_at", "closed_at"}


def _not_future(value: datetime) -> datetime:
    if value > utcnow() + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return value


Address = Annotated[str, StringConstraints(max_length=320), AfterValidator(check_address)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
PastTime = Annotated[When, AfterValidator(_not_future)]  # any way people write time; no zone = the org's
# Names are stored without honorifics: a letter adds its own 様 / 御中 («佐藤 様» would print «佐藤 様 様»).
PersonName = Annotated[ShortText, AfterValidator(strip_honorific)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class AttachmentIn(Strict):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    size_bytes: Annotated[int, Field(ge=0, le=10**13)] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] | None = None
    content_type: Annotated[str, StringConstraints(max_length=255)] | None = None


class MessageIn(Strict):
    subject: Annotated[str, StringConstraints(max_length=2000)] = ""
    sender: Address | None = None
    summary: Annotated[str, StringConstraints(max_length=20000)] = ""
    attachments: Annotated[list[AttachmentIn], Field(max_length=1000)] = []


class RecipientIn(Strict):
    address: Address
    name: PersonName | None = None
    organization: PersonName | None = None
    field: RecipientField = RecipientField.to
    kind: RecipientKind = RecipientKind.unintended


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class IncidentFacts(Strict):
    """Facts shared by create and update."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    mistake_type: MistakeType
    discovery_method: DiscoveryMethod
    sent_at: PastTime
    discovered_at: PastTime
    message: MessageIn = MessageIn()
    data_items: Annotated[list[DataItem], AfterValidator(_unique)] = []
    affected_persons: Annotated[int, Field(ge=0, le=10**10)] = 0
    protection: Protection = Protection.none
    key_exposed: bool = False
    improper_purpose: bool = False
    jurisdictions: Annotated[list[Jurisdiction], Field(min_length=1), AfterValidator(_unique)] = ["jp"]

    @model_validator(mode="after")
    def _order(self):
        if self.discovered_at < self.sent_at:
            raise ValueError("discovered_at must not be before sent_at")
        return self


class IncidentCreate(IncidentFacts):
    recipients: list[RecipientIn] = []

    @model_validator(mode="before")
    @classmethod
    def _drop_server_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in SERVER_FIELDS}
        return data


class IncidentUpdate(Strict):
    """A correction: only the fields given change; each change is audited."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    mistake_type: MistakeType | None = None
    discovery_method: DiscoveryMethod | None = None
    sent_at: PastTime | None = None
    discovered_at: PastTime | None = None
    message: MessageIn | None = None
    data_items: Annotated[list[DataItem], AfterValidator(_unique)] | None = None
    affected_persons: Annotated[int, Field(ge=0, le=10**10)] | None = None
    protection: Protection | None = None
    key_exposed: bool | None = None
    improper_purpose: bool | None = None
    jurisdictions: Annotated[list[Jurisdiction], Field(min_length=1), AfterValidator(_unique)] | None = None


class RecipientUpdate(Strict):
    address: Address | None = None
    name: ShortText | None = None
    organization: ShortText | None = None
    field: RecipientField | None = None
    kind: RecipientKind | None = None


# ---- output ------------------------------------------------------------------------------------


class AttachmentOut(BaseModel):
    filename: str
    size_bytes: int | None
    sha256: str | None
    content_type: str | None


class MessageOut(BaseModel):
    subject: str
    sender: str | None
    summary: str
    attachments: list[AttachmentOut]


class RecipientOut(BaseModel):
    id: int
    address: str
    name: str | None
    organization: str | None
    field: str
    kind: str


class IncidentSummary(BaseModel):
    id: int
    title: str
    mistake_type: str
    discovery_method: str
    sent_at: datetime
    discovered_at: datetime
    reported_at: datetime
    affected_persons: int
    status: str
    reporter: str
    department: str
    recipients_count: int


class IncidentPublic(IncidentSummary):
    message: MessageOut
    recipients: list[RecipientOut]
    data_items: list[str]
    protection: str
    key_exposed: bool
    improper_purpose: bool
    jurisdictions: list[str]
    reporter_name: str
    updated_at: datetime
    closed_at: datetime | None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


class RecipientsAdded(BaseModel):
    added: int
    skipped_duplicates: int
    recipients_count: int


STATUSES = [s.value for s in IncidentStatus]
