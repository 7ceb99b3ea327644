"""Edge models of root-cause analysis (what the API and CLI accept and return)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from incidents.analysis.vocab import FACTOR_BY_CODE, CountermeasureStatus, FourE, FourM
from incidents.times import Day

Text2k = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


def _known_factors(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in FACTOR_BY_CODE]
    if unknown:
        raise ValueError(f"unknown factor(s): {', '.join(unknown)}; known: {', '.join(FACTOR_BY_CODE)}")
    return list(dict.fromkeys(codes))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class CauseIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    four_m: FourM | None = None


class AnalysisIn(Strict):
    whys: Annotated[list[Text2k], Field(max_length=10)] = []
    factors: Annotated[list[str], Field(max_length=40), AfterValidator(_known_factors)] = []
    factor_notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = ""
    causes: Annotated[list[CauseIn], Field(max_length=20)] = []
    kind_of_work: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class BlameOut(BaseModel):
    answer: str
    term: str
    message_ja: str
    message_en: str


class CountermeasureIn(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    four_e: FourE
    owner: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    due_on: Day
    review_on: Day | None = None
    reviewer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    note: Annotated[str, StringConstraints(max_length=4000)] = ""


class CountermeasureUpdate(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] | None = None
    four_e: FourE | None = None
    owner: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)] | None = None
    due_on: Day | None = None
    review_on: Day | None = None
    reviewer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None


class StatusIn(Strict):
    status: CountermeasureStatus
    note: Annotated[str, StringConstraints(max_length=4000)] = ""


class CountermeasurePublic(BaseModel):
    id: int
    incident_id: int
    title: str
    four_e: str
    owner: str
    owner_name: str
    reviewer: str | None
    due_on: date
    review_on: date | None
    status: str
    note: str
    done_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    overdue: bool
    review_due: bool


class AnalysisPublic(BaseModel):
    incident_id: int
    whys: list[str]
    factors: list[str]
    factor_notes: str
    causes: list[dict]
    kind_of_work: str
    four_m: list[str]
    blame_warning: BlameOut | None
    updated_at: datetime | None
    countermeasures: list[CountermeasurePublic]
