"""One time parser for the API, the CLI, CSV files and forms; one human format per language."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, ValidationError

from incidents import i18n
from incidents.errors import InvalidInput
from incidents.times import Day, When, format_date, format_datetime, parse_date, parse_datetime

JST = timezone(timedelta(hours=9))
T = datetime(2026, 11, 28, 15, 20, tzinfo=JST)


@pytest.mark.parametrize("text", [
    "2026-11-28T15:20:00+09:00", "2026-11-28T15:20+09:00", "2026-11-28 15:20", "2026-11-28T15:20",
    "2026-11-28T06:20:00Z", "2026-11-28T06:20:00+00:00", "2026/11/28 15:20", "2026/11/28 15:20:00",
    "2026.11.28 15:20", "2026年11月28日 15時20分", "2026年11月28日15:20", "令和8年11月28日 15時20分",
    "令和8年11月28日 午後3時20分", "R8.11.28 15:20", "２０２６／１１／２８　１５：２０", "2026年11月28日（土）15:20",
    "2026-11-28 3:20 pm", "2026/11/28 15:20 JST", "2026/11/28 06:20 UTC", "2026/11/28 15:20 +0900",
    "  2026-11-28 15:20  ", "2026/11/28 (Sat) 15:20",
])
def test_every_way_people_write_the_same_moment(text):
    assert parse_datetime(text) == T


def test_a_date_alone_is_midnight_in_the_organisations_zone():
    assert parse_datetime("2026-11-28") == datetime(2026, 11, 28, tzinfo=JST)
    assert parse_datetime("2026/11/28") == datetime(2026, 11, 28, tzinfo=JST)
    assert parse_datetime("令和元年5月1日") == datetime(2019, 5, 1, tzinfo=JST)
    assert parse_datetime("平成31年4月30日 9時") == datetime(2019, 4, 30, 9, tzinfo=JST)
    assert parse_datetime("2026-11-28T15:20").utcoffset() == timedelta(hours=9)


def test_dates():
    for text in ("2026-12-31", "2026/12/31", "2026年12月31日", "令和8年12月31日", "R8.12.31", "２０２６－１２－３１"):
        assert parse_date(text) == date(2026, 12, 31), text
    assert parse_date("2026-12-31T20:00:00Z") == date(2027, 1, 1)  # its date in Tokyo
    assert parse_date("2026/12/31 23:00") == date(2026, 12, 31)


@pytest.mark.parametrize("text", [
    "", "   ", "yesterday", "2026-13-01", "2026/02/30", "2026/11/28 25:00", "2026/11/28 15:61", "28/11/2026",
    "2026/11/28 15:20 Mars", "2026-11-28\x0015:20", "9" * 5000, "令和8年13月1日", "2026/11/28 13:00 pm",
])
def test_what_cannot_be_read_is_a_clear_domain_error(text):
    with pytest.raises(InvalidInput) as exc:
        parse_datetime(text)
    assert exc.value.code == "invalid_time" and "2026-11-28 15:20" in exc.value.detail
    i18n.set_locale("ja")
    assert "日時" in exc.value.message() and "2026/11/28 15:20" in exc.value.message()
    assert len(exc.value.detail) < 200


def test_bad_date_speaks_of_a_date():
    with pytest.raises(InvalidInput) as exc:
        parse_date("12/31")
    assert exc.value.code == "invalid_date" and "日付" in exc.value.message("ja")


def test_edge_models_share_the_parser():
    class M(BaseModel):
        at: When
        due: Day | None = None

    assert M(at="2026/11/28 15:20", due="2026/12/31").at == T
    assert M(at="令和8年11月28日 15時20分").model_dump(mode="json")["at"] == "2026-11-28T15:20:00+09:00"
    assert M(at=datetime(2026, 11, 28, 15, 20)).at == T  # a naive datetime is in the organisation's zone
    with pytest.raises(ValidationError) as exc:
        M(at="soon")
    assert exc.value.errors()[0]["loc"] == ("at",)


def test_one_human_format_per_language_in_the_organisations_zone():
    utc = datetime(2026, 11, 28, 6, 20, 5, 123456, tzinfo=timezone.utc)
    assert format_datetime(utc, "ja") == "2026年11月28日 15:20"
    assert format_datetime(utc, "en") == "28 Nov 2026 15:20"
    assert format_datetime(utc, "en", seconds=True, zone=True) == "28 Nov 2026 15:20:05 (JST)"
    assert format_datetime(None, "ja") == ""
    assert format_date(date(2026, 12, 31), "ja") == "2026年12月31日" and format_date(utc, "en") == "28 Nov 2026"


def test_period_bounds():
    from incidents.times import parse_bound

    assert parse_bound("2026/11/28") == datetime(2026, 11, 28, tzinfo=JST)
    assert parse_bound("2026年11月28日", end=True) == datetime(2026, 11, 29, tzinfo=JST)
    assert parse_bound("2026-11-28 15:20", end=True) > T and parse_bound("2026-11-28 15:20", end=True) - T < timedelta(
        milliseconds=1)
