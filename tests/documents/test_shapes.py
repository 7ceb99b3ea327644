"""Every kind of document, in Japanese and English, for the four shapes of real incidents, read back from
the PDF's text and word boxes: nothing internal, nothing about anyone else, the organisation's own voice,
no codes, everything inside the text box, the deletion form's and the regulator draft's items."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pytest

from incidents.cases.models import DataItem, DiscoveryMethod, MistakeType, Protection
from incidents.documents.context import build_context
from incidents.documents.kinds import DocumentKind
from incidents.documents.render import get_renderer
from incidents.documents.shapes import INTERNAL_NOTES, SHAPES
from incidents.response.models import StepStatus

from .layout import A4, all_text, body_words, flat, outside_text_box, read, section_numbers

KINDS = list(DocumentKind)
LANGS = ("ja", "en")
OUTWARD = {DocumentKind.apology_unintended, DocumentKind.apology_intended, DocumentKind.notice_affected,
           DocumentKind.regulator_report}
SELF = {"client": "弊社", "university": "本学", "hospital": "当院", "password": "弊社"}
# Codes of the record that must never be printed in a Japanese document.
CODES = sorted({c.value for enum in (MistakeType, DiscoveryMethod, DataItem, Protection, StepStatus) for c in enum
                if "_" in c.value} | {"deleted_unread", "strong_encryption", "step.done", "deletion.confirmed",
                                      "apology.phoned", "over_1000_persons", "sensitive_data", "unintended"})


@lru_cache(maxsize=None)
def document(key: str, kind: DocumentKind, lang: str):
    shape = SHAPES[key]()
    reader = shape.reader(kind, lang)
    if kind == DocumentKind.apology_intended and reader is None:
        return shape, None, None
    ctx = build_context(shape.incident, kind=kind, lang=lang, letterhead=shape.letterhead(lang), recipient=reader,
                        issued_on=date(2025, 10, 6), extras=shape.extras(lang))
    pdf = get_renderer(None).pdf(kind, lang, ctx)
    return shape, reader, read(pdf)


CASES = [(key, kind, lang) for key in SHAPES for kind in KINDS for lang in LANGS
         if not (key == "university" and kind == DocumentKind.apology_intended)]  # nobody was the intended one


@pytest.mark.parametrize(("key", "kind", "lang"), CASES)
def test_every_document_reads_right(key, kind, lang):
    shape, reader, pages = document(key, kind, lang)
    text = all_text(pages)
    compact = flat(text)
    assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pages)  # A4
    assert outside_text_box(pages) == []  # every word and every table rule inside the text box
    assert "様様" not in compact
    for page in pages:  # no page holds only 以上 (or nothing at all)
        assert [w for w in body_words(page) if w not in ("以上",)], f"page {page.number} is empty but for 以上"
        assert max(page.body_sizes) >= 9.5 or page.rects, f"page {page.number} holds only fine print"
    numbers = section_numbers(pages)
    assert numbers == list(range(1, len(numbers) + 1))  # continuous section numbers
    if kind in OUTWARD:
        notes = {s["note"] for s in shape.steps if s.get("note")}
        for note in [*INTERNAL_NOTES, *notes]:
            assert flat(note) not in compact, note
        assert flat(shape.incident["message"]["summary"]) not in compact  # a summary written for colleagues
    if reader is not None:  # a letter to one reader names nobody else
        for other in shape.incident["recipients"]:
            if other["address"] == reader.get("address"):
                continue
            assert other["address"] not in compact
            for value in (other.get("name"), other.get("organization")):
                if value and value not in (reader.get("name"), reader.get("organization")):
                    assert flat(value) not in compact, value
    if lang == "ja":
        for code in CODES:
            assert not re.search(rf"(?<![\w@.-]){re.escape(code)}(?![\w@-])", text), code
        if kind in OUTWARD - {DocumentKind.regulator_report}:
            assert SELF[key] in compact
            for other in {"弊社", "本学", "当院", "本市"} - {SELF[key]}:
                assert other not in compact, other
    else:
        assert not re.search(r"Dear [^\n,]*[\u3040-\u30ff\u4e00-\u9fff]", text)  # never "Dear" + a Japanese name


def test_bcc_exposure_is_told_as_an_exposure_to_the_reader_whose_address_leaked():
    _, reader, pages = document("university", DocumentKind.apology_unintended, "ja")
    text = flat(all_text(pages))
    assert "お受け取りになったメールアドレスを含む受信者全員のメールアドレスが、他の受信者の方々に表示される状態" in text
    assert "本来別の方へお送りすべき" not in text and "学生の皆様" in text and reader["address"] in text
    assert "4,500名の方へ一斉に送信" in text
    en = all_text(document("university", DocumentKind.apology_unintended, "en")[2])
    assert "Dear Student," in en and "including yours" in en


def test_password_sent_to_the_same_address_is_no_protection_and_both_mails_are_named():
    for lang, expected in (("ja", ("パスワードを記載したメールも同じ宛先に送信していたため", "2通目のメール", "（2通）")),
                           ("en", ("so the file was not protected", "Second email", "Two emails are concerned"))):
        text = all_text(document("password", DocumentKind.apology_unintended, lang)[2])
        for phrase in expected:
            assert flat(phrase) in flat(text), phrase


def test_deletion_form_items_and_reference_on_letter_and_form():
    shape, reader, pages = document("client", DocumentKind.apology_unintended, "ja")
    assert len(pages) == 2
    letter, form = flat(pages[0].text), flat(pages[1].text)
    ref = reader["reference"]
    assert f"整理番号{ref}" in letter and f"整理番号：{ref}" in form
    for item in ("株式会社みなと商事御中", "メール削除確認書", "受信フォルダから削除しました", "ごみ箱（削除済みアイテム）からも削除しました",
                 "保存した添付ファイル等を削除しました", "印刷物を破棄しました", "転送・共有したものはありません",
                 "開封せずに削除しました", "開封しました", "開封したかどうか分かりません", "今後利用し、又は第三者に開示・漏えいしないことを誓約します",
                 "確認日", "ご氏名", "署名又は記名押印", "ご返送期限：2025年10月20日", "privacy@minato.example宛てに電子メールで送信",
                 "株式会社みなと商事（以下「送信者」といいます。）"):
        assert item in form, item
    assert "貴社" not in form  # the form names the sender plainly, never as 貴社
    assert "2025年10月20日までにご返送" in letter
    en_form = flat(document("client", DocumentKind.apology_unintended, "en")[2][-1].text)
    for item in (f"Referencenumber:{ref}", "Ideletedtheemailfrommyinbox", "Idonotknow", "Iwillnotuse,discloseorpasson",
                 "Pleasereturnby20October2025"):
        assert item in en_form, item


def test_regulator_draft_has_the_reporter_the_kind_and_the_nine_items():
    pages = document("university", DocumentKind.regulator_report, "ja")[2]
    text = flat(all_text(pages))
    items = ["(1)概要", "(2)漏えい等が発生し、又は発生したおそれがある個人データの項目",
             "(3)漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", "(4)原因",
             "(5)二次被害又はそのおそれの有無及びその内容", "(6)本人への対応の実施状況", "(7)公表の実施状況",
             "(8)再発防止のための措置", "(9)その他参考となる事項"]
    positions = [text.index(i) for i in items]
    assert positions == sorted(positions)
    for item in ("報告種別速報", "報告者の氏名又は名称北斗大学", "担当者の所属・氏名", "漏えい（発生）", "委託元及び委託先の有無調査中",
                 "メールアドレスが表示された受信者4,500件のうち削除確認書受領3,120件（うち未開封2,980件、開封140件、不明0件）、未回答1,380件です。",
                 "調査中です", "未了"):
        assert item in text, item
    # one voice: です・ます, no sentence in である調
    assert not re.search(r"((?<!ま)した|である|いない|された|ている)。", text)
    en = all_text(document("university", DocumentKind.regulator_report, "en")[2])
    assert "Not yet known" in en and "preliminary report" in en and "(9) Other relevant matters" in en


def test_english_letters_speak_to_the_reader():
    client = all_text(document("client", DocumentKind.apology_unintended, "en")[2])
    assert "Dear Taro Yamada," in client and "Yours sincerely," in client
    hospital = all_text(document("hospital", DocumentKind.apology_unintended, "en")[2])
    assert "Dear Sir or Madam," in hospital and "Yours faithfully," in hospital
    notice = all_text(document("hospital", DocumentKind.notice_affected, "en")[2])
    assert "Dear Patient," in notice and "health or other sensitive information" in notice
    assert "phishing" not in notice  # the consequences fit the data: no email address was involved
    for heading in ("What happened", "What data was involved", "Likely consequences", "What we have done",
                    "What you can do", "Contact point"):
        assert heading in notice
    assert "Health Check Centre" in notice and "Monday to Saturday" in notice  # department and hours in English


def test_case_file_of_4500_recipients_counts_steps_and_stays_short():
    pages = document("university", DocumentKind.case_file, "ja")[2]
    assert len(pages) < 20
    text = flat(all_text(pages))
    assert "削除確認書の受領3,120件（未開封2,980件、開封140件、不明0件）／未回答1,380件" in text
    assert "2025年10月5日削除確認書の受領3,120件（うち未開封2,980件）" in text  # when it happened, in words
    assert "2025年10月3日9時12分メールの送信" in text


def test_japanese_line_breaking_keeps_addresses_and_numbers_together():
    shape, _, pages = document("hospital", DocumentKind.notice_affected, "ja")
    lines = [flat(line) for p in pages for line in p.lines]
    for unit in ("三丁目5番1号", "さくらメディカルビル2階", "kenshin@sakura-hosp.example", "321番地の5", "3名"):
        assert any(unit in line for line in lines), unit
