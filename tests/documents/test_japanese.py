from datetime import date, datetime, timezone

import pytest

from incidents.documents.japanese import addressee, era_year, format_date, format_datetime


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 6, 20), "令和7年6月20日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 8), "平成元年1月8日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
])
def test_era_dates(day, expected):
    assert format_date(day, era=True) == expected


def test_western_and_english_dates():
    assert format_date(date(2025, 6, 20)) == "2025年6月20日"
    assert format_date(date(2025, 6, 20), lang="en") == "20 June 2025"
    assert era_year(date(2026, 1, 1)) == ("令和", 8)


def test_datetime_shown_in_the_organisation_zone():
    utc = datetime(2025, 6, 20, 5, 5, tzinfo=timezone.utc)
    assert format_datetime(utc) == "2025年6月20日 14時05分"
    assert format_datetime(utc, lang="en") == "20 June 2025, 14:05 (JST)"
    assert format_datetime(utc, zone="Europe/Berlin", lang="en") == "20 June 2025, 07:05 (CEST)"


def test_honorifics():
    org = addressee(name=None, organization="株式会社サンプル")
    assert org.lines == ("株式会社サンプル 御中",) and org.you == "貴社"
    person = addressee(name="山田 太郎", organization="株式会社サンプル")
    assert person.lines == ("株式会社サンプル", "山田 太郎 様")  # 様 for the person, no 御中 as well
    assert person.you == "貴社"
    alone = addressee(name="山田 太郎")
    assert alone.lines == ("山田 太郎 様",) and alone.you == "貴殿"
    nobody = addressee(name=None, address="info@example.jp")
    assert nobody.lines == ("info@example.jp", "ご担当者 様")
    customer = addressee(name="佐藤 花子", customer=True)
    assert customer.you == "お客様"
    en = addressee(name="Taro Yamada", organization="Example Ltd.", lang="en")
    assert en.salutation == "Dear Taro Yamada," and en.lines == ("Taro Yamada", "Example Ltd.")
    assert addressee(name=None, lang="en").salutation == "Dear Sir or Madam,"
