"""Generated documents; what letters say beyond the record; the edge models of bulk letter jobs.

A document row is immutable: regenerating makes a new version (incident, kind, language,
recipient, version are unique). The PDF bytes live in their own table so that listing documents
never reads them. A bulk letter run is a job
(incidents.jobs, kind documents.letters): it keeps its progress and where its output is on disk.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from incidents.types import DbId, UTCDateTime, utcnow


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "lang", "recipient_address", "version", name="uq_documents_version"),
        Index("ix_documents_incident_created", "incident_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    lang: str = Field(max_length=8)
    recipient_address: str = Field(default="", max_length=320)  # "" when the document has no single reader
    version: int = 1
    title: str = Field(max_length=200)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size_bytes: int = Field(default=0, sa_type=BigInteger)
    pages: int = 0
    step_id: int | None = Field(default=None, foreign_key="response_steps.id", ondelete="SET NULL")
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DocumentContent(SQLModel, table=True):
    __tablename__ = "document_contents"
    document_id: int = Field(foreign_key="documents.id", primary_key=True, ondelete="CASCADE")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LetterReference(SQLModel, table=True):
    """The 整理番号 of one recipient: printed on its letter and deletion form, it matches the return."""

    __tablename__ = "letter_references"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_letter_references_reference"),
        UniqueConstraint("recipient_id", name="uq_letter_references_recipient"),
        UniqueConstraint("incident_id", "seq", name="uq_letter_references_incident_seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="recipients.id", ondelete="CASCADE")
    seq: int
    reference: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LetterWording(SQLModel, table=True):
    """Free text a letter may use, written for outside readers and set with the organisation's decision.

    Letters never print internal notes: where they need words the record cannot give (the cause in
    one sentence, what was done, what will change) they take them from here, or say only what the
    recorded facts show.
    """

    __tablename__ = "letter_wordings"
    incident_id: int = Field(foreign_key="incidents.id", primary_key=True, ondelete="CASCADE")
    cause_ja: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cause_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    actions_ja: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    actions_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    measures_ja: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    measures_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ---- edge models --------------------------------------------------------------------------------


class DocumentCreate(BaseModel):
    kind: str
    lang: str = "ja"
    recipient: str | None = None  # the reader's address (letters to one recipient)
    step_id: DbId | None = None  # the playbook step this document fulfils


class StepLink(BaseModel):
    step_id: DbId | None


class DocumentPublic(BaseModel):
    id: int
    incident_id: int
    kind: str
    lang: str
    recipient: str | None
    version: int
    title: str
    filename: str
    sha256: str
    size_bytes: int
    pages: int
    step_id: int | None
    created_by: str | None
    created_at: datetime
    download_url: str


class PersonIn(BaseModel):
    address: str = ""
    name: str | None = None
    organization: str | None = None
    postal_address: str | None = None


class LettersCreate(BaseModel):
    to: str  # unintended | intended | affected
    lang: str = "ja"
    merge: bool = False
    persons: list[PersonIn] | None = None  # the people concerned, when the record does not list them


class LetterJobPublic(BaseModel):
    id: int
    incident_id: int
    kind: str
    audience: str
    lang: str
    merge: bool
    status: str
    total: int
    done: int
    error: str
    output_name: str
    sha256: str
    size_bytes: int
    created_at: datetime
    finished_at: datetime | None
    eta_seconds: float | None = None
    download_url: str | None
