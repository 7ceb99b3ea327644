"""The .eml reader on a corpus of real-world-shaped and hostile mails."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from incidents.intake.errors import MailTooLarge, MailUnreadable
from incidents.intake.types import IntakeLimits
from incidents.intake.parse import parse_mail

from .corpus import b_word, make_mail, password_zip, people_csv, q_word, xlsx

JST = timezone(timedelta(hours=9))


def codes(mail):
    return {w.code for w in mail.warnings}


@pytest.mark.parametrize("charset", ["ISO-2022-JP", "UTF-8", "Shift_JIS"])
def test_japanese_headers_body_and_attachment_names(charset):
    data = make_mail(
        charset=charset,
        subject="【至急】顧客名簿の送付について",
        to=[("佐藤 花子", "hanako.sato@partner.co.jp")],
        cc=[("高橋 一郎", "ichiro@partner.co.jp")],
        attachments=[("顧客名簿_2026年11月.xlsx", "application/vnd.ms-excel", xlsx([["氏名", "住所"], ["a", "b"]]))],
    )
    mail = parse_mail(data, filename="sent.eml")
    assert mail.source_format == "eml"
    assert mail.subject == "【至急】顧客名簿の送付について"
    assert mail.sender.address == "taro.yamada@example.co.jp"
    assert mail.sender.name == "山田 太郎"
    assert [(r.address, r.name, r.field) for r in mail.recipients] == [
        ("hanako.sato@partner.co.jp", "佐藤 花子", "to"),
        ("ichiro@partner.co.jp", "高橋 一郎", "cc"),
    ]
    assert mail.sent_at == datetime(2026, 11, 23, 10, 15, tzinfo=JST)
    assert mail.message_id == "<20261123101500.0001@example.co.jp>"
    assert "お見積書を送付いたします" in mail.body_text
    [att] = mail.attachments
    assert att.filename == "顧客名簿_2026年11月.xlsx"
    assert att.rows == 1 and att.columns == ["氏名", "住所"]
    assert not codes(mail) - {"mime_defects"}


@pytest.mark.parametrize("style", ["rfc2231", "rfc2231-continued", "rfc2047"])
def test_attachment_file_name_encodings(style):
    payload = b"%PDF-1.4 fake"
    data = make_mail(attachments=[("御見積書（株式会社サンプル様）.pdf", "application/pdf", payload)], filename_style=style)
    [att] = parse_mail(data).attachments
    assert att.filename == "御見積書（株式会社サンプル様）.pdf"
    assert att.size_bytes == len(payload)
    import hashlib

    assert att.sha256 == hashlib.sha256(payload).hexdigest()
    assert att.content_type == "application/pdf"


def test_q_encoded_and_adjacent_words_join_split_characters():
    text = "個人情報を含む"
    raw = text.encode("utf-8")
    w1 = "=?UTF-8?B?" + base64.b64encode(raw[:4]).decode() + "?="  # splits a character in two words
    w2 = "=?UTF-8?B?" + base64.b64encode(raw[4:]).decode() + "?="
    data = make_mail(subject="x", extra_headers=[])
    data = data.replace(b"Subject: x", f"Subject: {w1}\r\n {w2} {q_word('と件名')}".encode())
    assert parse_mail(data).subject == "個人情報を含むと件名"


def test_raw_shift_jis_header_without_encoding_is_recovered():
    data = make_mail(subject="placeholder")
    data = data.replace(b"Subject: placeholder", "Subject: 請求書の送付".encode("cp932"))
    mail = parse_mail(data)
    assert mail.subject == "請求書の送付"
    assert "raw_8bit_header" in codes(mail)


def test_wrong_declared_charset_is_decoded_by_guess():
    wrong = "=?ISO-8859-99?B?" + base64.b64encode("山田".encode("utf-8")).decode() + "?="
    bad_label = "=?UTF-8?B?" + base64.b64encode("見積".encode("cp932")).decode() + "?="
    data = make_mail(subject="s").replace(b"Subject: s", f"Subject: {wrong} {bad_label}".encode())
    mail = parse_mail(data)
    assert mail.subject == "山田見積"
    assert "bad_charset" in codes(mail)


def test_header_injection_in_decoded_subject_is_neutralised():
    evil = b_word("至急\r\nBcc: attacker@evil.example", "UTF-8")
    data = make_mail(subject="s").replace(b"Subject: s", f"Subject: {evil}".encode())
    mail = parse_mail(data)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject == "至急 Bcc: attacker@evil.example"
    assert "header_injection" in codes(mail)
    assert all(r.address != "attacker@evil.example" for r in mail.recipients)


def test_bidi_override_in_file_name_is_removed_and_reported():
    name = "請求書\u202excod.exe"
    data = make_mail(attachments=[(name, "application/octet-stream", b"MZ")], charset="UTF-8")
    mail = parse_mail(data)
    assert mail.attachments[0].filename == "請求書xcod.exe"
    assert "bidi_controls" in codes(mail)


def test_five_thousand_recipients_in_to_cc_bcc():
    to = [(f"会員{i}", f"member{i}@mail{i % 700}.example.jp") for i in range(5000)]
    data = make_mail(to=to, cc=[("", "boss@example.co.jp")], bcc=[("", "archive@example.co.jp")])
    mail = parse_mail(data)
    assert len(mail.by_field("to")) == 5000
    assert mail.recipients[4999].address == "member4999@mail99.example.jp"
    assert mail.recipients[4999].name == "会員4999"
    assert [r.address for r in mail.by_field("cc")] == ["boss@example.co.jp"]
    assert [r.address for r in mail.by_field("bcc")] == ["archive@example.co.jp"]


def test_recipient_cap_keeps_the_first_and_warns():
    to = [("", f"u{i}@example.jp") for i in range(300)]
    mail = parse_mail(make_mail(to=to), limits=IntakeLimits(max_recipients=100))
    assert len(mail.recipients) == 100
    assert "too_many_recipients" in codes(mail)


def test_address_list_syntax_groups_comments_quotes():
    data = make_mail(to=[]).replace(
        b"Subject:",
        b'To: "Sato, Hanako" <hanako@partner.co.jp>, ichiro@partner.co.jp (Ichiro),\r\n'
        b" Sales team: a@shop.example, <b@shop.example>;, undisclosed-recipients:;,\r\n"
        b' "odd \\"quoted\\" name" <ODD@Partner.CO.JP.>\r\nSubject:',
    )
    mail = parse_mail(data)
    got = [(r.address, r.name, r.group) for r in mail.recipients]
    assert got == [
        ("hanako@partner.co.jp", "Sato, Hanako", ""),
        ("ichiro@partner.co.jp", "Ichiro", ""),
        ("a@shop.example", "", "Sales team"),
        ("b@shop.example", "", "Sales team"),
        ("ODD@partner.co.jp", 'odd "quoted" name', ""),
    ]


def test_nested_multiparts_and_forwarded_message():
    inner = make_mail(subject="元のメール", attachments=[("inner.csv", "text/csv", b"a,b\n1,2\n")])
    outer = (
        b"From: taro@example.co.jp\r\nTo: hanako@partner.co.jp\r\nSubject: " + b_word("転送").encode() + b"\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="fwd-1"\r\n\r\n'
        b"--fwd-1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + "転送します。".encode() + b"\r\n"
        b"--fwd-1\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner + b"\r\n"
        b"--fwd-1--\r\n"
    )
    mail = parse_mail(outer)
    assert [a.content_type for a in mail.attachments] == ["message/rfc822"]  # not the inner csv
    assert mail.attachments[0].filename == "forwarded-message.eml"
    assert mail.attachments[0].size_bytes > 100
    assert mail.subject == "転送"
    assert mail.body_text.strip() == "転送します。"


def test_deep_nesting_is_cut_with_a_warning_not_a_crash():
    depth = 60
    parts = []
    for i in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n')
    core = "Content-Type: text/plain\r\n\r\nhello\r\n"
    closing = "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    data = ("From: a@example.co.jp\r\nTo: b@partner.co.jp\r\nSubject: deep\r\n" + "".join(parts) + core + closing).encode()
    mail = parse_mail(data, limits=IntakeLimits(max_depth=30))
    assert "too_deep" in codes(mail)


def test_many_parts_are_capped():
    parts = "".join(
        f"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f{i}.bin\r\n\r\nx\r\n"
        for i in range(50)
    )
    data = (
        "From: a@example.co.jp\r\nTo: b@partner.co.jp\r\nSubject: parts\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + "--b--\r\n"
    ).encode()
    mail = parse_mail(data, limits=IntakeLimits(max_parts=20))
    assert len(mail.attachments) < 20
    assert "too_many_parts" in codes(mail)


def test_malformed_mime_is_read_best_effort():
    data = (
        b"From: a@example.co.jp\r\nTo: b@partner.co.jp\r\nSubject: broken\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@\r\n"
    )
    mail = parse_mail(data)
    assert mail.subject == "broken"
    assert [a.filename for a in mail.attachments] == ["a.pdf"]
    assert "mime_defects" in codes(mail)


def test_size_limit_and_empty_and_not_a_mail():
    with pytest.raises(MailTooLarge) as exc:
        parse_mail(b"From: a@b.jp\r\n" + b"x" * 2000, limits=IntakeLimits(max_bytes=1000))
    assert exc.value.status_code == 413 and exc.value.code == "mail_too_large"
    assert "25 MB" in parse_limit_message()
    with pytest.raises(MailUnreadable) as exc:
        parse_mail(b"   \r\n")
    assert exc.value.code == "mail_empty"
    with pytest.raises(MailUnreadable) as exc:
        parse_mail(b"%PDF-1.7 this is a pdf, not a mail")
    assert exc.value.code == "not_a_mail"
    assert "メール" in exc.value.message_ja and "mail" in exc.value.message_en


def parse_limit_message() -> str:
    try:
        parse_mail(b"x" * (25 * 1024 * 1024 + 1))
    except MailTooLarge as exc:
        return exc.message_en
    return ""


def test_dates_missing_naive_and_unparseable():
    tokyo = timezone(timedelta(hours=9))
    mail = parse_mail(make_mail(date=None))
    assert mail.sent_at is None and "no_date" in codes(mail)
    mail = parse_mail(make_mail(date="Mon, 23 Nov 2026 10:15:00 -0000"), default_tz=tokyo)
    assert mail.sent_at == datetime(2026, 11, 23, 10, 15, tzinfo=tokyo)
    assert "date_without_zone" in codes(mail)
    mail = parse_mail(make_mail(date="yesterday after lunch"))
    assert mail.sent_at is None and "bad_date" in codes(mail)


def test_table_attachments_are_measured_and_password_zip_seen():
    data = make_mail(
        attachments=[
            ("顧客リスト.csv", "text/csv", people_csv(2750)),
            ("会員.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             xlsx([["氏名", "生年月日", "メールアドレス"]] + [["a", "b", "c"]] * 120)),
            ("meibo.zip", "application/zip", password_zip()),
        ]
    )
    csv_att, xlsx_att, zip_att = parse_mail(data).attachments
    assert (csv_att.rows, csv_att.columns) == (2750, ["氏名", "住所", "電話番号"])
    assert (xlsx_att.rows, xlsx_att.columns) == (120, ["氏名", "生年月日", "メールアドレス"])
    assert zip_att.encrypted and zip_att.rows is None


def test_zip_bomb_attachment_is_read_only_up_to_the_cap():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<row>" + "<row r='1'></row>" * 2_000_000)
    data = make_mail(attachments=[("bomb.xlsx", "application/octet-stream", buf.getvalue())])
    [att] = parse_mail(data, limits=IntakeLimits(max_inspect_bytes=1_000_000)).attachments
    assert att.rows is not None and att.rows < 100_000


def test_raw_iso_2022_jp_header_without_encoded_words():
    raw = "Subject: 請求書のご送付".encode("iso2022_jp")
    data = make_mail(subject="placeholder").replace(b"Subject: placeholder", raw)
    assert parse_mail(data).subject == "請求書のご送付"


def test_absurd_part_and_header_counts_are_cut_early():
    head = b'From: a@example.co.jp\r\nTo: b@partner.co.jp\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
    mail = parse_mail(head + b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 20_000, limits=IntakeLimits(max_parts=100))
    assert "too_many_parts" in codes(mail)
    many = b"From: a@example.co.jp\r\n" + b"X-Junk: y\r\n" * 30_000 + b"Subject: late\r\n\r\nbody"
    mail = parse_mail(many)
    assert "too_many_headers" in codes(mail) and mail.sender.address == "a@example.co.jp"
    nested = b"From: a@b.jp\r\nSubject: x\r\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(5000))
    try:
        mail = parse_mail(nested, limits=IntakeLimits(max_parts=200))
    except MailUnreadable as exc:
        assert exc.code == "mail_malformed"
    else:
        assert {"too_many_parts", "too_deep"} & codes(mail)
