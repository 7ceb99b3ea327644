"""Column types and time helpers shared by every domain."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import Field
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The largest key, page or count a request may carry: PostgreSQL's `integer` (SQLite's is 2^63 - 1). Integers
# in paths and query strings are bounded by incidents.security.bounds; in bodies, use DbId (or a `le=` of
# your own): tests/security/test_contract.py holds every body integer to a bound.
MAX_INT = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_INT)]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in and out, stored as UTC; SQLite (which drops zones) included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        tz = value.tzinfo
        if tz is None:
            raise ValueError("naive datetime given to a UTC column")
        if tz is not timezone.utc:
            value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
