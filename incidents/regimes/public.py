"""The public shape of an obligation (the JSON contract of the assessment's `obligations`).

Kept apart from the service so that the pure assessment model can name it without importing the database."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ObligationPublic(BaseModel):
    id: int | None
    key: str
    regime: str
    regime_label: str
    kind: str
    kind_label: str
    to: str
    to_label: str
    due: datetime
    limit: datetime | None
    status: str
    status_label: str
    overdue: bool
    arose_at: datetime
    rule_version: str
    sources: list[str]
    basis: list[str]
    joint: bool
    submitted_at: datetime | None
    reference: str
