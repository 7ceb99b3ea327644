"""The Outlook .msg reader, on files written by an independent test-only writer
(aspose-email-foss, MIT; used only by the tests)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from aspose.email_foss.msg import (
    RECIPIENT_TYPE_BCC,
    RECIPIENT_TYPE_CC,
    RECIPIENT_TYPE_TO,
    MapiMessage,
    PropertyTypeCode,
)

from incidents.intake.detect import classify
from incidents.intake.errors import MailUnreadable
from incidents.intake.types import DetectionContext, IntakeLimits
from incidents.intake.parse import parse_mail

from .corpus import make_mail, people_csv

SENT = datetime(2026, 11, 23, 1, 15, tzinfo=timezone.utc)


def outlook_message(recipients=(), attachments=(), *, subject="【至急】顧客名簿の送付", body="お世話になっております。\r\n名簿を送付します。"):
    msg = MapiMessage.create(subject, body)
    msg.set_property(0x0C1A, PropertyTypeCode.PTYP_STRING, "山田 太郎")
    msg.set_property(0x0C1F, PropertyTypeCode.PTYP_STRING, "taro.yamada@example.co.jp")
    msg.set_property(0x0039, PropertyTypeCode.PTYP_TIME, SENT)
    for address, name, rtype in recipients:
        msg.add_recipient(address, display_name=name, recipient_type=rtype)
    for filename, data, mime in attachments:
        msg.add_attachment(filename, data, mime_type=mime)
    return msg


def test_outlook_msg_fields_recipients_and_attachments():
    csv = people_csv(120)
    msg = outlook_message(
        [
            ("hanako.sato@partner.co.jp", "佐藤 花子", RECIPIENT_TYPE_TO),
            ("ichiro@partner.co.jp", "高橋 一郎", RECIPIENT_TYPE_CC),
            ("archive@example.co.jp", "アーカイブ", RECIPIENT_TYPE_BCC),
        ],
        [("顧客名簿（2026年11月）.csv", csv, "text/csv"), ("見積書.pdf", b"%PDF-1.4", "application/pdf")],
    )
    mail = parse_mail(msg.to_bytes(), filename="送信済み.msg")
    assert mail.source_format == "msg"
    assert mail.subject == "【至急】顧客名簿の送付"
    assert (mail.sender.address, mail.sender.name) == ("taro.yamada@example.co.jp", "山田 太郎")
    assert mail.sent_at == SENT
    assert [(r.address, r.name, r.field) for r in mail.recipients] == [
        ("hanako.sato@partner.co.jp", "佐藤 花子", "to"),
        ("ichiro@partner.co.jp", "高橋 一郎", "cc"),
        ("archive@example.co.jp", "アーカイブ", "bcc"),
    ]
    first, second = mail.attachments
    assert (first.filename, first.size_bytes, first.sha256, first.content_type) == (
        "顧客名簿（2026年11月）.csv", len(csv), hashlib.sha256(csv).hexdigest(), "text/csv"
    )
    assert first.rows == 120 and first.columns == ["氏名", "住所", "電話番号"]
    assert second.filename == "見積書.pdf"
    assert "名簿を送付します" in mail.body_text


def test_msg_converted_from_an_eml_keeps_the_facts():
    from email import policy
    from email.parser import BytesParser

    eml = make_mail(
        to=[("佐藤 花子", "hanako.sato@partner.co.jp")],
        cc=[("", "boss@example.co.jp")],
        attachments=[("請求書.pdf", "application/pdf", b"%PDF-1.4 x")],
    )
    msg = MapiMessage.from_email_message(BytesParser(policy=policy.default).parsebytes(eml))
    from_eml = parse_mail(eml)
    from_msg = parse_mail(msg.to_bytes(), filename="x.msg")
    assert from_msg.subject == from_eml.subject
    assert [(r.address, r.field) for r in from_msg.recipients] == [(r.address, r.field) for r in from_eml.recipients]
    assert [a.sha256 for a in from_msg.attachments] == [a.sha256 for a in from_eml.attachments]
    assert from_msg.sent_at == from_eml.sent_at


def test_msg_distribution_list_flag_is_found():
    msg = outlook_message([("sales-team@partner.co.jp", "営業部 全員", RECIPIENT_TYPE_TO), ("x@partner.co.jp", "X", 1)])
    msg.recipients[0].set_property(0x3900, PropertyTypeCode.PTYP_INTEGER32, 1)  # DT_DISTLIST
    mail = parse_mail(msg.to_bytes())
    assert mail.recipients[0].is_list and not mail.recipients[1].is_list
    result = classify(mail, DetectionContext(own_domains=("example.co.jp",)))
    [finding] = [f for f in result.findings if f.type == "distribution_list"]
    assert finding.confidence >= 0.9
    assert "sales-team@partner.co.jp" in finding.evidence_ja


def test_msg_with_thousands_of_recipients_and_a_cap():
    recipients = [(f"user{i}@club{i % 300}.example.jp", f"会員 {i}", RECIPIENT_TYPE_TO) for i in range(2000)]
    data = outlook_message(recipients).to_bytes()
    mail = parse_mail(data)
    assert len(mail.recipients) == 2000
    assert mail.recipients[-1].name == "会員 1999"
    capped = parse_mail(data, limits=IntakeLimits(max_recipients=1000))
    assert len(capped.recipients) == 1000
    assert "too_many_recipients" in {w.code for w in capped.warnings}


def test_not_an_ole_file_named_msg():
    with pytest.raises(MailUnreadable) as exc:
        parse_mail(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, filename="mail.msg")
    assert exc.value.code == "not_ole"
    assert "OLE" in exc.value.message_ja


def test_eml_saved_with_msg_extension_is_read_with_a_warning():
    mail = parse_mail(make_mail(), filename="mail.msg")
    assert mail.source_format == "eml"
    assert "msg_is_eml" in {w.code for w in mail.warnings}


@pytest.mark.parametrize("cut", [600, 2048, 4000])
def test_truncated_msg_is_a_clear_error_or_best_effort(cut):
    data = outlook_message([("a@partner.co.jp", "A", 1)], [("a.csv", people_csv(400), "text/csv")]).to_bytes()
    try:
        mail = parse_mail(data[:cut])
    except MailUnreadable as exc:
        assert exc.code in {"msg_broken", "msg_empty"}
    else:
        assert mail.source_format == "msg"


def test_ole_file_without_a_message():
    """An OLE compound file that is not a mail (say, an old .doc renamed .msg)."""
    from aspose.email_foss.cfb import CFBDocument, CFBStorage, CFBStream, CFBWriter

    root = CFBStorage("Root Entry")
    root.add_stream(CFBStream("WordDocument", b"\x00" * 4096))
    data = CFBWriter.to_bytes(CFBDocument(root=root))
    with pytest.raises(MailUnreadable) as exc:
        parse_mail(data, filename="renamed.msg")
    assert exc.value.code == "msg_empty"


def test_corrupted_sector_tables_never_crash():
    data = bytearray(outlook_message([("a@partner.co.jp", "A", 1)]).to_bytes())
    for offset in (0x30, 0x44, 0x4C, 0x200, 0x400):
        broken = bytearray(data)
        broken[offset : offset + 4] = b"\xff\xff\xff\x7f"
        try:
            parse_mail(bytes(broken))
        except MailUnreadable:
            pass
