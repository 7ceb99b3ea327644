"""Detection with no configuration at all (a fresh install): look-alikes among the recipients themselves
and of the sender's own domain; large mail services are not look-alikes of one another; a reply in a
thread or a mailing-list post is no Bcc mistake; data items from file names by whole words."""

from __future__ import annotations

from incidents.intake.detect import SUGGEST_AT, classify
from incidents.intake.parse import parse_mail
from incidents.intake.types import DetectionContext

from .corpus import make_mail

FRESH = DetectionContext()  # no own domains, no partners, no address book


def findings(data: bytes, kind: str):
    return [f for f in classify(parse_mail(data), FRESH).findings if f.type == kind]


def mail(**kw) -> bytes:
    kw.setdefault("sender", ("山田 太郎", "taro@example.co.jp"))
    return make_mail(**kw)


def test_a_minority_domain_next_to_the_majority_is_a_lookalike():
    data = mail(to=[("北 一郎", "ichiro@kita-shoji.co.jp"), ("北 二郎", "jiro@kita-shoji.co.jp"),
                    ("北 三郎", "saburo@kita-shoj1.co.jp")])
    [hit] = findings(data, "lookalike_domain")
    assert hit.addresses == ["saburo@kita-shoj1.co.jp"] and hit.details["intended_domain"] == "kita-shoji.co.jp"
    assert hit.confidence >= SUGGEST_AT and "2" in hit.evidence_ja
    assert classify(parse_mail(data), FRESH).mistake_type == "lookalike_domain"


def test_a_lookalike_of_the_senders_own_domain():
    data = mail(sender=("山田 太郎", "taro@sample-shoji.co.jp"), to=[("", "hanako@sample-shoj1.co.jp")])
    [hit] = findings(data, "lookalike_domain")
    assert hit.details["intended_domain"] == "sample-shoji.co.jp" and "差出人" in hit.evidence_ja


def test_unrelated_companies_and_numbered_siblings_are_left_alone():
    data = mail(to=[("", "a@kita-shoji.co.jp"), ("", "b@kita-shoji.co.jp"), ("", "c@minami-kogyo.co.jp"),
                    ("", "d@kita-sangyo.co.jp"), ("", "e@example2.co.jp")])
    assert findings(data, "lookalike_domain") == []


def test_large_mail_services_are_not_lookalikes_of_each_other():
    data = mail(to=[("", "a@email.com"), ("", "b@gmail.com"), ("", "c@mail.com"), ("", "d@outlook.jp"),
                    ("", "e@outlook.com"), ("", "f@hotmail.co.jp"), ("", "g@gmx.de"), ("", "h@gmx.com")])
    assert findings(data, "lookalike_domain") == []
    assert findings(mail(to=[("", "a@gmial.com")]), "lookalike_domain")  # a real typo still is


def _crowd(n: int = 20):
    return [(f"参加者{i}", f"p{i}@home{i}.example") for i in range(n)]


def test_a_mass_mail_in_to_is_still_a_bcc_exposure():
    [hit] = findings(mail(to=_crowd()), "bcc_exposure")
    assert hit.confidence >= 0.75


def test_a_reply_all_in_a_thread_is_not_proposed_as_bcc_exposure():
    quoted = "\r\n".join(f"> Cc: p{i}@home{i}.example" for i in range(20))
    for data in (
        mail(to=_crowd(), extra_headers=["In-Reply-To: <abc@example.co.jp>"]),
        mail(to=_crowd(), subject="Re: 打ち合わせの件"),
        mail(to=_crowd(), extra_headers=["References: <a@x.example> <b@y.example>"],
             body=f"承知しました。\r\n\r\n-----Original Message-----\r\n{quoted}\r\n"),
    ):
        [hit] = findings(data, "bcc_exposure")
        assert hit.confidence < SUGGEST_AT
        assert "返信" in hit.evidence_ja and "reply" in hit.evidence_en
        assert classify(parse_mail(data), FRESH).mistake_type is None


def test_a_mailing_list_post_is_not_proposed_as_bcc_exposure():
    data = mail(to=_crowd(), extra_headers=["List-Id: Developers <dev.lists.example.org>"])
    [hit] = findings(data, "bcc_exposure")
    assert hit.confidence < SUGGEST_AT and "メーリングリスト" in hit.evidence_ja


def test_data_items_from_file_names_need_whole_words_that_name_data():
    def items(filename):
        data = mail(attachments=[(filename, "application/pdf", b"%PDF-1.4")])
        return {i for f in findings(data, "data_items") for i in f.data_items}

    assert items("email.eml") == set()
    assert items("Email template.docx") == set()
    assert items("name_change_form.pdf") == set()
    assert items("customer_emails.xlsx") == {"email_address"}
    assert items("メールアドレス一覧.xlsx") == {"email_address"}
    assert items("会員名簿.xlsx") == {"name"}
