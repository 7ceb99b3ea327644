"""Charsets as real mailers write them: Outlook's ISO-2022-JP (CP50220/50221/50222) with the NEC and IBM
rows, CP932 under a Shift_JIS label, EUC-JP-MS, labels Python lacks, raw 8-bit headers of Western mail,
and a warning that names the charset of every guess."""

from __future__ import annotations

import base64

import pytest

from incidents.intake.charsets import codec_for, decode, decode_cp5022x, decode_eucjp_ms
from incidents.intake.parse import parse_mail



def raw_mail(subject: bytes, *, to: bytes = b"ichiro@example.jp", body: bytes = b"Hello\r\n",
             charset: str | None = "UTF-8") -> bytes:
    """One text part, headers exactly as given (encoded words, raw 8-bit bytes, escape sequences)."""
    ctype = b"text/plain" + (f"; charset={charset}".encode() if charset else b"")
    return (b"From: taro@example.co.jp\r\nTo: " + to + b"\r\nSubject: " + subject +
            b"\r\nDate: Mon, 23 Nov 2026 10:15:00 +0900\r\nMessage-ID: <1@example.co.jp>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: " + ctype + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)

# ① ㈱ № Ⅰ (NEC row 13) and 髙 﨑 (NEC-selected IBM rows 89-92), as Outlook writes them in ISO-2022-JP:
# the CP932 codes taken back to JIS rows (① = 0x2D21, 髙 = 0x7A5E ...).
OUTLOOK_TEXT = "①②㈱髙﨑工業 №Ⅰ 御見積書"


def cp50220(text: str) -> bytes:
    """ISO-2022-JP the way Windows' CP50220 encoder writes it (the test's own encoder, from CP932)."""
    out = bytearray()
    double = False
    for ch in text:
        if ord(ch) < 0x80:
            if double:
                out += b"\x1b(B"
                double = False
            out.append(ord(ch))
            continue
        s1, s2 = ch.encode("cp932")
        if s1 >= 0xE0:
            s1 -= 0x40
        c1 = (s1 - 0x70) * 2 - (1 if s2 < 0x9F else 0)
        c2 = s2 - (0x1F if s2 < 0x7F else 0x20 if s2 < 0x9F else 0x7E)
        if not double:
            out += b"\x1b$B"
            double = True
        out += bytes((c1, c2))
    if double:
        out += b"\x1b(B"
    return bytes(out)


def test_the_test_encoder_writes_what_outlook_writes():
    assert cp50220("①") == b"\x1b$B-!\x1b(B" and cp50220("㈱") == b"\x1b$B-j\x1b(B"
    assert cp50220("髙") == b"\x1b$B|b\x1b(B"  # NEC-selected IBM row 92


def test_outlook_iso_2022_jp_keeps_every_character():
    assert decode_cp5022x(cp50220(OUTLOOK_TEXT)) == OUTLOOK_TEXT
    # Python's own codecs reject these rows: this is what used to garble the whole text
    with pytest.raises(UnicodeDecodeError):
        cp50220(OUTLOOK_TEXT).decode("iso2022_jp_ext")


def test_half_width_katakana_by_escape_and_by_shift_out():
    assert decode_cp5022x(b"\x1b(I1234\x1b(B") == "ｱｲｳｴ"  # CP50221
    assert decode_cp5022x(b"\x1b(J\x0e1234\x0f\x1b(B") == "ｱｲｳｴ"  # CP50222
    assert decode_cp5022x(base64.b64decode("GyRCLSEtIi1qfGIbKEkxMjM0NRsoQg==")) == "①②㈱髙ｱｲｳｴｵ"


def test_outlook_mail_subject_names_and_body():
    word = "=?ISO-2022-JP?B?" + base64.b64encode(cp50220("【御見積】①㈱髙﨑工業様")).decode() + "?="
    name = "=?ISO-2022-JP?B?" + base64.b64encode(cp50220("髙橋 一郎")).decode() + "?="
    data = raw_mail(word.encode(), to=name.encode() + b" <ichiro@takahashi.example>",
                    body=cp50220("①の件、㈱髙﨑工業様へお送りします。") + b"\r\n", charset="ISO-2022-JP")
    mail = parse_mail(data)
    assert mail.subject == "【御見積】①㈱髙﨑工業様"
    assert mail.recipients[0].name == "髙橋 一郎"
    assert "①の件、㈱髙﨑工業様へ" in mail.body_text
    assert not {w.code for w in mail.warnings} & {"bad_charset", "raw_8bit_header", "undecodable_characters"}


def test_cp932_characters_under_a_shift_jis_label():
    raw = "①㈱髙﨑 ～ ＼ 纊".encode("cp932")  # NEC, IBM (0xFA-0xFC) and NEC-selected IBM (0xED) codes
    assert decode(raw, "Shift_JIS").text == "①㈱髙﨑 ～ ＼ 纊"
    assert not decode(raw, "Shift_JIS").guessed


def test_euc_jp_ms():
    nec = bytes([0xAD, 0xA1, 0xAD, 0xEA])  # ① ㈱ in eucJP-ms
    ibm = "纊".encode("cp932")  # 0xED40: JIS row 89, EUC 0xF9A1
    assert ibm == b"\xed@"
    assert decode_eucjp_ms(nec + "山田".encode("euc_jp") + bytes([0xF9, 0xA1])) == "①㈱山田纊"
    assert decode(nec, "EUC-JP").text == "①㈱"


@pytest.mark.parametrize("label,codec", [
    ("windows-874", "cp874"), ("x-gbk", "gbk"), ("ks_c_5601-1987", "cp949"), ("iso-8859-8-i", "iso8859-8"),
    ("x-sjis", "cp932"), ("csISO2022JP", "cp50221"), ("x-euc-jp", "eucjp-ms"), ("latin1", "cp1252"),
    ("CP50220", "cp50221"), ("Windows-31J", "cp932"),
])
def test_charset_labels_python_lacks(label, codec):
    assert codec_for(label) == codec


def test_windows_874_subject_and_names():
    word = "=?windows-874?B?" + base64.b64encode("สวัสดี".encode("cp874")).decode() + "?="
    mail = parse_mail(raw_mail(word.encode(), to=word.encode() + b" <somchai@example.co.th>"))
    assert mail.subject == "สวัสดี" and mail.recipients[0].name == "สวัสดี"
    assert "bad_charset" not in {w.code for w in mail.warnings}


def test_raw_western_header_is_read_by_the_declared_charset_of_the_text():
    data = raw_mail("Frösche und Grüße".encode("latin-1"), to="Heinz Müller <heinz@example.de>".encode("latin-1"),
                    body="Grüße\r\n".encode("latin-1"), charset="ISO-8859-1")
    mail = parse_mail(data)
    assert mail.subject == "Frösche und Grüße"
    assert mail.recipients[0].name == "Heinz Müller"
    [warning] = [w for w in mail.warnings if w.code == "raw_8bit_header"]
    assert "Windows-1252" in warning.message_en and "Windows-1252" in warning.message_ja


def test_raw_western_header_without_any_declared_charset_is_not_read_as_kanji():
    mail = parse_mail(raw_mail("Formação Verão".encode("latin-1"), charset=None))
    assert mail.subject == "Formação Verão"


def test_raw_shift_jis_header_in_a_japanese_mail():
    mail = parse_mail(raw_mail("請求書の送付".encode("cp932"), charset="Shift_JIS", body="本文".encode("cp932")))
    assert mail.subject == "請求書の送付" and mail.body_text.strip() == "本文"


def test_encoded_words_are_read_by_their_own_charset_before_any_guess():
    mail = parse_mail(raw_mail(b"=?ISO-8859-1?Q?M=FCller?= " + "見積の件".encode("cp932"), charset=None))
    assert mail.subject == "Müller 見積の件"
    [warning] = [w for w in mail.warnings if w.code == "raw_8bit_header"]
    assert "Shift_JIS (CP932)" in warning.message_en


def test_a_wrong_label_is_guessed_and_the_warning_names_the_charset_used():
    word = "=?UTF-8?B?" + base64.b64encode("請求書の件".encode("euc_jp")).decode() + "?="
    mail = parse_mail(raw_mail(word.encode()))
    assert mail.subject == "請求書の件"
    [warning] = [w for w in mail.warnings if w.code == "bad_charset"]
    assert "EUC-JP" in warning.message_en and "EUC-JP" in warning.message_ja


def test_a_body_without_charset_is_guessed_with_a_warning():
    mail = parse_mail(raw_mail(b"x", body="お見積書を送付いたします。".encode("cp932"), charset=None))
    assert mail.body_text.strip() == "お見積書を送付いたします。"
    [warning] = [w for w in mail.warnings if w.code == "body_charset_guessed"]
    assert "Shift_JIS (CP932)" in warning.message_en


def test_a_carrier_emoji_leaves_the_rest_of_the_text_alone():
    raw = b"\x1b$BBjL>v^\x1b(B"  # 題名 and an au emoji code (no charset has it)
    result = decode(raw, "iso-2022-jp")
    assert result.text == "題名\ufffd" and result.lossy
    mail = parse_mail(raw_mail(b"=?iso-2022-jp?B?" + base64.b64encode(raw) + b"?="))
    assert mail.subject == "題名\ufffd"
    assert "undecodable_characters" in {w.code for w in mail.warnings}
