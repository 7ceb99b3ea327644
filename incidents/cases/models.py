"""The incident record: message, recipients, attachments, data items. Tables only; edge models in schemas.py."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class MistakeType(StrEnum):
    wrong_recipient = "wrong_recipient"
    bcc_exposure = "bcc_exposure"
    wrong_attachment = "wrong_attachment"
    lookalike_domain = "lookalike_domain"
    distribution_list = "distribution_list"
    inappropriate_content = "inappropriate_content"
    other = "other"


class DiscoveryMethod(StrEnum):
    self_noticed = "self_noticed"
    recipient_reported = "recipient_reported"
    colleague_noticed = "colleague_noticed"
    system_alert = "system_alert"
    third_party = "third_party"


class DataItem(StrEnum):
    name = "name"
    email_address = "email_address"
    postal_address = "postal_address"
    phone = "phone"
    birth_date = "birth_date"
    gender = "gender"
    employee_id = "employee_id"
    customer_id = "customer_id"
    bank_account = "bank_account"
    credit_card = "credit_card"
    payment_credentials = "payment_credentials"
    my_number = "my_number"
    medical = "medical"
    health_checkup = "health_checkup"
    disability = "disability"
    genome = "genome"
    criminal_record = "criminal_record"
    criminal_procedure = "criminal_procedure"
    crime_victim = "crime_victim"
    race = "race"
    creed = "creed"
    social_status = "social_status"
    confidential_business = "confidential_business"


class Protection(StrEnum):
    none = "none"
    strong_encryption = "strong_encryption"
    password_zip = "password_zip"


class Jurisdiction(StrEnum):
    jp = "jp"
    eu = "eu"


class IncidentStatus(StrEnum):
    open = "open"
    closed = "closed"


class RecipientField(StrEnum):
    to = "to"
    cc = "cc"
    bcc = "bcc"


class RecipientKind(StrEnum):
    unintended = "unintended"
    intended = "intended"


class Incident(SQLModel, table=True):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_id", "status", "id"),
        Index("ix_incidents_department_status_id", "department_id", "status", "id"),
        Index("ix_incidents_type_id", "mistake_type", "id"),
        Index("ix_incidents_reporter_id", "reporter_id", "id"),
        Index("ix_incidents_discovered_at", "discovered_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    mistake_type: str = Field(max_length=40)
    discovery_method: str = Field(max_length=40)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    sent_at_offset_min: int = 0  # the zone the reporter gave, to show the time back as it was given
    discovered_at: datetime = Field(sa_type=UTCDateTime)
    discovered_at_offset_min: int = 0
    reported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sender: str = Field(default="", max_length=320)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    data_items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    affected_persons: int = Field(default=0, sa_type=BigInteger)
    protection: str = Field(default=Protection.none, max_length=40)
    key_exposed: bool = False
    improper_purpose: bool = False
    jurisdictions: list[str] = Field(default_factory=lambda: ["jp"], sa_column=Column(JSON, nullable=False))
    status: str = Field(default=IncidentStatus.open, max_length=20)
    reporter_id: int = Field(foreign_key="users.id")
    department_id: int = Field(foreign_key="departments.id")
    recipients_count: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True, ondelete="CASCADE")
    position: int = 0
    filename: str = Field(max_length=255)
    size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    sha256: str | None = Field(default=None, max_length=64)
    content_type: str | None = Field(default=None, max_length=255)


class Recipient(SQLModel, table=True):
    __tablename__ = "recipients"
    __table_args__ = (Index("ix_recipients_incident_position", "incident_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    position: int = 0
    address: str = Field(max_length=320)
    name: str | None = Field(default=None, max_length=200)
    organization: str | None = Field(default=None, max_length=200)
    field: str = Field(default=RecipientField.to, max_length=8)
    kind: str = Field(default=RecipientKind.unintended, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
