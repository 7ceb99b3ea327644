"""The CSV address book and recipient lists as Japanese offices export them."""

from __future__ import annotations

import pytest

from incidents.intake.addressbook import parse_address_book, parse_recipient_list
from incidents.intake.errors import IntakeInputError


def test_address_book_in_shift_jis_with_japanese_headers():
    text = (
        "メールアドレス,氏名,会社名,種別\r\n"
        "hanako.sato@partner.co.jp,佐藤 花子,パートナー株式会社,取引先\r\n"
        "all-sales@example.co.jp,営業部全員,,ML\r\n"
        ",,,\r\n"
        "not-an-address,誰か,,\r\n"
    )
    contacts, skipped = parse_address_book(text.encode("cp932"))
    assert skipped == 0
    assert [(c.address, c.domain, c.name, c.organization, c.kind) for c in contacts] == [
        ("hanako.sato@partner.co.jp", "partner.co.jp", "佐藤 花子", "パートナー株式会社", "partner"),
        ("all-sales@example.co.jp", "example.co.jp", "営業部全員", "", "list"),
    ]


def test_address_book_domains_only_tab_separated_utf8_bom():
    data = "\ufeffdomain\torganization\tkind\r\n@kawasaki-kogyo.co.jp\t川崎工業株式会社\tcustomer\r\nexample.co.jp\t自社\tinternal\r\n"
    contacts, _ = parse_address_book(data.encode("utf-8"))
    assert [(c.domain, c.kind) for c in contacts] == [("kawasaki-kogyo.co.jp", "customer"), ("example.co.jp", "internal")]


def test_recipient_list_without_header_and_utf16():
    data = "a@example.jp,Aさん\r\nb@example.jp,Bさん\r\n".encode("utf-16")
    recipients, skipped = parse_recipient_list(data)
    assert [(r.address, r.field) for r in recipients] == [("a@example.jp", "bcc"), ("b@example.jp", "bcc")]
    assert skipped == 0


def test_recipient_list_cap_and_field_column():
    rows = "email,name,field\r\n" + "".join(f"u{i}@example.jp,U{i},to\r\n" for i in range(30))
    recipients, skipped = parse_recipient_list(rows.encode(), max_rows=10)
    assert len(recipients) == 10 and skipped == 20 and recipients[0].field == "to"


def test_csv_without_addresses_is_a_clear_error():
    with pytest.raises(IntakeInputError) as exc:
        parse_recipient_list("氏名,電話\r\n山田,03\r\n".encode("cp932"))
    assert exc.value.code == "csv_no_address_column"
    assert "メールアドレス" in exc.value.message_ja
