"""Edge models of the near-miss workflow and library."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from incidents.nearmiss.draft import SECTION_KEYS

Locale = Literal["ja", "en"]


class PublishIn(BaseModel):
    """What the approver publishes: the draft as generated, or with edited title / section texts."""

    model_config = ConfigDict(extra="forbid")
    locale: Locale = "ja"
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    sections: dict[Literal[SECTION_KEYS], Annotated[str, StringConstraints(max_length=20000)]] = {}  # type: ignore[valid-type]


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class SectionOut(BaseModel):
    key: str
    title: str
    text: str


class CasePublic(BaseModel):
    """A published case as every employee sees it: nothing leads back to the incident."""

    id: int
    title: str
    locale: str
    sections: list[SectionOut]
    mistake_type: str
    discovery_method: str
    period: str
    data_items: list[str]
    persons_min: int | None
    persons_max: int | None
    factors: list[str]
    four_m: list[str]
    four_e: list[str]
    status: str
    published_at: datetime


class CaseSummary(BaseModel):
    id: int
    title: str
    mistake_type: str
    period: str
    factors: list[str]
    four_e: list[str]
    published_at: datetime
    excerpt: str


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    total_is_lower_bound: bool = False  # "200+": counting stops at the cap (library.COUNT_CAP)
    page: int
    per_page: int
    pages: int


class LibraryFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    mistake_type: str | None = None
    factor: str | None = None
    four_e: str | None = None
    period_from: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = None
    period_to: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = None


class MonthCount(BaseModel):
    period: str
    mistake_type: str
    count: int


class FactorCount(BaseModel):
    factor: str
    count: int


class Stats(BaseModel):
    total: int
    per_month: list[MonthCount]
    top_factors: list[FactorCount]
    median_hours_to_report: float | None


class DraftStatus(BaseModel):
    case_id: int | None
    status: str | None
    published_at: datetime | None
    can_publish: bool


class DraftOut(BaseModel):
    incident_id: int
    draft: dict = Field(description="title, sections with replacements (original text included, for review)")
    publication: DraftStatus
