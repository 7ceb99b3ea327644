"""Tables of the intake: the organisation's known domains and its address book.

Both only sharpen detection; nothing here is personal data of an incident.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import UTCDateTime, utcnow


class DomainKind(StrEnum):
    internal = "internal"  # the organisation's own domains (subdomains included)
    partner = "partner"  # known partners and customers: look-alikes of these are flagged


class ContactKind(StrEnum):
    internal = "internal"
    partner = "partner"
    customer = "customer"
    list = "list"


class KnownDomain(SQLModel, table=True):
    __tablename__ = "intake_domains"
    __table_args__ = (UniqueConstraint("domain", name="uq_intake_domains_domain"),)
    id: int | None = Field(default=None, primary_key=True)
    domain: str = Field(max_length=253)
    kind: str = Field(default=DomainKind.partner, max_length=16)
    organization: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AddressBookEntry(SQLModel, table=True):
    __tablename__ = "intake_contacts"
    __table_args__ = (Index("ix_intake_contacts_address", "address"), Index("ix_intake_contacts_domain", "domain"))
    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(default="", max_length=320)  # empty when the row names a whole domain
    domain: str = Field(max_length=253)
    name: str = Field(default="", max_length=200)
    organization: str = Field(default="", max_length=200)
    kind: str = Field(default=ContactKind.partner, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
