"""Names are stored without honorifics, wherever they enter."""

from __future__ import annotations

import pytest

from incidents.cases.recipients_csv import parse_recipients_csv
from incidents.cases.schemas import RecipientIn
from incidents.names import strip_honorific


@pytest.mark.parametrize(("raw", "stored"), [
    ("佐藤 様", "佐藤"), ("佐藤様", "佐藤"), ("佐藤 様 様", "佐藤"), ("佐藤（様）", "佐藤"), ("佐藤 殿", "佐藤"),
    ("株式会社北風製作所　御中", "株式会社北風製作所"), ("山田 太郎 先生", "山田 太郎"), ("山田 さん", "山田"),
    ("源氏", "源氏"), ("山田さん", "山田さん"), ("様", "様"), ("Taro Yamada", "Taro Yamada"), ("", ""),
])
def test_strip_honorific(raw, stored):
    assert strip_honorific(raw) == stored


def test_recipients_are_stored_without_honorifics():
    r = RecipientIn(address="sato@example.jp", name="佐藤 様", organization="株式会社北風 御中")
    assert (r.name, r.organization) == ("佐藤", "株式会社北風")
    rows = parse_recipients_csv("address,name\nsato@example.jp,佐藤 健一 様\n")
    assert rows[0].name == "佐藤 健一"
