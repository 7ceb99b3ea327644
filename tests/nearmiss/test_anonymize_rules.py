"""Detectors one by one: what goes, what stays, and how it is labelled."""

from __future__ import annotations

import pytest

from incidents.nearmiss.anonymize import Anonymizer, Kind, anonymize
from incidents.nearmiss.anonymize.coarsen import amount_text, count_text


def kinds(text: str, incident=None) -> list[tuple[str, str]]:
    return [(r.kind.value, r.original) for r in Anonymizer(incident).anonymize(text).replacements]


@pytest.mark.parametrize("text,kind,value", [
    ("連絡先は taro@example.co.jp です", "email", "taro@example.co.jp"),
    ("詳細は https://example.com/a/b?x=1 を参照", "url", "https://example.com/a/b?x=1"),
    ("お電話は03-1234-5678まで", "phone", "03-1234-5678"),
    ("call +1 212-555-0123 today", "phone", "+1 212-555-0123"),
    ("〒100-0001 にお送りください", "postal_code", "〒100-0001"),
    ("カード 4111 1111 1111 1111 が記載", "account", "4111 1111 1111 1111"),
    ("顧客番号 4521 の方", "account", "4521"),
    ("「請求一覧_2024.xlsx」を添付", "file", "請求一覧_2024.xlsx"),
    ("sent to exampl.ac.jp by mistake", "domain", "exampl.ac.jp"),
    ("大阪府大阪市北区梅田1-2-3に住む", "address", "大阪府大阪市北区梅田1-2-3"),
    ("at 742 Evergreen Terrace, Springfield, IL 62704.", "address", "742 Evergreen Terrace, Springfield, IL 62704"),
])
def test_patterns(text, kind, value):
    assert (kind, value) in kinds(text)


def test_japanese_names_by_the_morphological_analyser():
    found = kinds("株式会社東邦商事の佐藤花子様と、横浜支店の渡辺課長に連絡した。")
    assert ("organization", "株式会社東邦商事") in found
    assert ("person", "佐藤花子") in found
    assert ("place", "横浜") in found
    assert ("person", "渡辺") in found


def test_generic_words_before_honorifics_stay():
    result = anonymize("お客様と担当者様、取引先の皆様へご連絡しました。")
    assert result.replacements == []


def test_software_names_and_eras_stay():
    result = anonymize("令和6年度からOutlookとExcelのマイナンバー欄を見直した。")
    assert "Outlook" in result.text and "Excel" in result.text and "マイナンバー" in result.text


def test_record_values_are_found_even_in_lower_case_and_share_one_label():
    incident = {"recipients": [{"address": "q.zhao@lumen-analytics.io", "name": "Qing Zhao",
                                "organization": "Lumen Analytics"}]}
    anon = Anonymizer(incident)
    a = anon.anonymize("we called qing zhao; lumen analytics deleted it.")
    b = anon.anonymize("Qing Zhao confirmed by mail from q.zhao@lumen-analytics.io.")
    assert "zhao" not in a.text.lower() and "lumen" not in a.text.lower()
    label = next(r.text for r in a.replacements if r.kind is Kind.person)
    assert label in b.text


def test_lookalike_domains_get_a_primed_label():
    result = anonymize("sent to billing@fabrikarn.com instead of billing@fabrikam.com")
    assert "[Email A]" in result.text and "[Email A′]" in result.text


def test_dates_go_to_the_month_and_times_to_the_part_of_day():
    assert anonymize("2024年5月13日（月）14時05分頃に送信").text == "2024年5月に送信"
    assert anonymize("令和6年7月2日に発覚").text == "令和6年7月に発覚"
    assert anonymize("It was sent on 13 May 2024 at 2:05 pm.").text == "It was sent in May 2024."
    assert anonymize("リンクは23時40分に無効化").text == "リンクは夜に無効化"


def test_counts_and_amounts_become_ranges():
    assert count_text(1000, "名") == "501〜1,000名"
    assert count_text(1001, "名") == "1,001〜5,000名"
    assert count_text(1, "名") == "1名"
    assert count_text(250000, "people", locale="en") == "more than 100,000 people"
    assert amount_text(29768) == "1万円〜10万円"
    assert amount_text(128400, "USD", locale="en") == "$100,000–$1,000,000"
    assert anonymize("顧客2,500名分と見積額1億2,000万円").text == "顧客1,001〜5,000名分と見積額1億円〜10億円"
    assert anonymize("exposed 43 lottery winners").text == "exposed 11–100 lottery winners"


def test_english_names_with_titles_and_companies():
    result = anonymize("Ms. Jane Cooper of Northwind Trading Co., Ltd. called.")
    assert "Jane" not in result.text and "Northwind" not in result.text
    assert [r.kind for r in result.replacements] == [Kind.person, Kind.organization]
    assert anonymize("The file went out on Monday.").replacements == []


def test_empty_and_plain_texts():
    assert anonymize("").text == ""
    assert anonymize("宛先の確認手順がなかった。").replacements == []
