"""The intake over mails other projects collected (tests/intake/real_mail, see MANIFEST.json there):
MIME test suites, mobile carriers' and iPhone Japanese mails, Outlook/Exchange ISO-2022-JP, bounces from
Japanese and Western servers, Outlook .msg items.

Every file goes through `incidents.intake.service.preview`, the entry point outside tools use: no
exception other than a clear refusal, and every Japanese subject and display name equal to what an
independent decoder reads. The reference is Debian's nkf (Network Kanji Filter, `nkf -w -m -x`: MIME
decoding, its own charset detection, half-width kana kept), run on the raw header bytes; for .msg items
it is nkf on the raw property bytes that aspose-email-foss (another .msg reader) returns.
"""

from __future__ import annotations

import email
import hashlib
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from aspose.email_foss.msg import MapiMessage

from incidents.intake import service
from incidents.intake.errors import MailUnreadable
from incidents.intake.parse import parse_mail

ROOT = Path(__file__).parent / "real_mail"
MANIFEST = json.loads((ROOT / "MANIFEST.json").read_text(encoding="utf-8"))
FILES = [entry["file"] for entry in MANIFEST["files"]]
PERMISSIVE = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "PSF-2.0"}

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
JAPANESE_LABEL = re.compile(rb"=\?(iso-2022-jp[^?]*|shift[_-]jis|x-sjis|sjis|euc-jp|cp932|windows-31j)\?", re.I)
# JIS X 0208 read by the JIS mapping (nkf, Python) or Microsoft's (Windows): the same character
VARIANTS = str.maketrans({"\uff5e": "\u301c", "\uff0d": "\u2212", "\u2225": "\u2016", "\uffe0": "\xa2",
                          "\uffe1": "\xa3", "\uffe2": "\xac", "\u2015": "\u2014"})
# Where nkf is wrong, the reading checked by hand (and why)
HAND_CHECKED = {
    # a base64 word split in the middle of a character: nkf decodes each word alone; the joined bytes
    # are ESC $ B %K%c!<%s ESC ( B, i.e. ニャーン (checked with Python's iso2022_jp on the joined bytes)
    "sisimai-set-of-emails/bsd_lhost-exchange2007-04.eml": "Undeliverable: キジトラ・フラッシュ/ニャーン",
    # Latin-1 bytes and no charset anywhere in the mail: nkf, made for Japanese, reads ç ã as 鈬 and 縊
    "mikel-mail/error_emails_invalid_subject_characters.eml":
        "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(VARIANTS).replace("\ufffd", "")
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def nkf(raw: bytes) -> str:
    out = subprocess.run(["nkf", "-w", "-m", "-x"], input=raw, capture_output=True, check=True, timeout=30)
    return out.stdout.decode("utf-8", "replace")


def raw_headers(data: bytes) -> dict[str, bytes]:
    head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    out: dict[str, bytes] = {}
    for m in re.finditer(rb"(?m)^([A-Za-z-]+):[ \t]*(.*(?:\r?\n[ \t].*)*)", head):
        out.setdefault(m.group(1).lower().decode(), re.sub(rb"\r?\n", b"", m.group(2)))
    return out


def declared_text_charset(data: bytes) -> str:
    """The charset the mail declares for its first text part, as the standard library reads it."""
    for part in email.message_from_bytes(data).walk():
        if part.get_content_maintype() == "text" and part.get_content_charset():
            return part.get_content_charset()
    return ""


def is_japanese(raw: bytes, reference: str, data: bytes) -> bool:
    """A header in a Japanese charset (labelled, escape sequences, or raw bytes that are not UTF-8 in a
    mail whose text is in a Japanese charset or undeclared, read by the reference as Japanese) or UTF-8
    text holding Japanese."""
    if JAPANESE_LABEL.search(raw) or b"\x1b$" in raw:
        return True
    if raw.isascii():
        return b"=?utf-8?" in raw.lower() and bool(JAPANESE.search(reference))
    try:
        return bool(JAPANESE.search(raw.decode("utf-8")))
    except UnicodeDecodeError:
        declared = declared_text_charset(data).lower()
        japanese_text = not declared or any(k in declared for k in ("jis", "jp", "932", "31j"))
        return japanese_text and bool(JAPANESE.search(reference))


def eml_files() -> list[str]:
    return [f for f in FILES if not f.endswith(".msg")]


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    out: dict[str, object] = {}
    for name in FILES:
        try:
            out[name] = parse_mail((ROOT / name).read_bytes(), filename=name)
        except MailUnreadable as exc:
            out[name] = exc
    return out


def test_manifest_lists_every_file_with_a_permissive_licence():
    on_disk = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()}
    listed = set(FILES)
    licences = {str(p.relative_to(ROOT)) for p in ROOT.glob("*/LICENSE")}
    assert on_disk == listed | licences | {"MANIFEST.json"}
    assert len(FILES) >= 1000
    for entry in MANIFEST["files"]:
        assert entry["licence"] in PERMISSIVE, entry
        assert entry["repository"].count("/") == 1 and len(entry["commit"]) == 40 and entry["path"]
        assert (ROOT / entry["file"].split("/")[0] / "LICENSE").is_file()
        assert hashlib.sha256((ROOT / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
    for lic in licences:
        assert "GNU GENERAL PUBLIC" not in (ROOT / lic).read_text(encoding="utf-8", errors="replace").upper()


def test_preview_reads_every_file_or_refuses_it_clearly(session, make_user):
    """The one entry point outside tools use, over the whole corpus in one process."""
    actor = make_user(role="employee")
    refused: dict[str, str] = {}
    read = 0
    for name in FILES:
        try:
            draft = service.preview(session, actor=actor, data=(ROOT / name).read_bytes(), filename=name)
        except MailUnreadable as exc:
            refused[name] = exc.code
            assert exc.message_ja and exc.message_en
            continue
        read += 1
        assert draft["source"]["sha256"] == hashlib.sha256((ROOT / name).read_bytes()).hexdigest()
        assert set(draft) >= {"source", "incident", "findings", "warnings", "suggested_mistake_type"}
        json.dumps(draft, ensure_ascii=False)  # the --json output can be written
    assert read >= 1000
    assert set(refused.values()) == {"not_a_mail_item"}
    assert all(name.endswith(".msg") for name in refused)


def test_japanese_subjects_and_names_equal_the_reference(parsed):
    compared = {"subject": 0, "name": 0}
    wrong: list[str] = []
    for name in eml_files():
        mail = parsed[name]
        assert not isinstance(mail, MailUnreadable), f"{name}: {mail}"
        data = (ROOT / name).read_bytes()
        headers = raw_headers(data)
        if "subject" in headers:
            reference = nkf(headers["subject"])
            if is_japanese(headers["subject"], reference, data):
                compared["subject"] += 1
                expected = HAND_CHECKED.get(name, reference)
                if norm(mail.subject) != norm(expected):
                    wrong.append(f"{name}: subject {mail.subject!r} != {expected!r}")
        for key in ("from", "to", "cc"):
            raw = headers.get(key)
            if raw is None:
                continue
            reference = norm(nkf(raw))
            if not is_japanese(raw, reference, data):
                continue
            people = ([mail.sender] if mail.sender else []) if key == "from" else \
                [r for r in mail.recipients if r.field == key]
            compared["name"] += len(people)
            ours = " ".join(f"{norm(p.name)} {p.group} {p.address}" for p in people)
            # nothing Japanese lost or garbled: the same Japanese characters in the same order ...
            if "".join(JAPANESE.findall(ours)) != "".join(JAPANESE.findall(reference)):
                wrong.append(f"{name}: {key} {ours!r} != {reference!r}")
            # ... and each name exactly as the reference reads it
            flat = reference.replace('"', "").replace("\\", "")
            wrong += [f"{name}: {key} name {p.name!r} not in {reference!r}" for p in people
                      if norm(p.name).replace('"', "").replace("\\", "") not in flat]
    assert wrong == []
    assert compared["subject"] >= 40 and compared["name"] >= 5, compared


def _msg_strings(path: Path) -> list[tuple[str, bytes | str]]:
    """Subject and recipient names as aspose-email-foss reads them: raw bytes for 8-bit properties."""
    out = []
    msg = MapiMessage.from_file(str(path))
    for prop in msg.iter_properties():
        if prop.property_id == 0x0037:
            out.append(("subject", prop.raw_direct_stream if prop.property_type == 0x1E else prop.value))
    return out


def test_msg_japanese_subjects_equal_the_reference(parsed):
    compared = 0
    for name in (f for f in FILES if f.endswith(".msg")):
        mail = parsed[name]
        if isinstance(mail, MailUnreadable):
            assert mail.code == "not_a_mail_item"
            continue
        for _key, value in _msg_strings(ROOT / name):
            reference = nkf(value.split(b"\0", 1)[0]) if isinstance(value, bytes) else value
            if JAPANESE.search(reference) or JAPANESE.search(mail.subject):
                compared += 1
                assert norm(mail.subject) == norm(reference), name
    assert compared >= 2


def test_outlook_iso_2022_jp_with_nec_characters(parsed):
    """iPhone and Outlook/Exchange write ISO-2022-JP with NEC row 13 (①, №): the whole text survives."""
    assert parsed["jpmobile/iphone-circled-numbers-in-jis.eml"].subject == "テスト①"
    assert "丸数字のテストです" in parsed["jpmobile/iphone-circled-numbers-in-jis.eml"].body_text
    assert parsed["php-mime-mail-parser/issue116"].subject == "ЖД№41 от 28.09.2016"


def test_western_8bit_headers_are_read_by_their_charset(parsed):
    assert parsed["mikel-mail/error_emails_invalid_subject_characters.eml"].subject == \
        "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro"
    assert parsed["mikel-mail/rfc6532_utf8_headers.eml"].subject == "Säying Hello"
    mail = parsed["mikel-mail/error_emails_invalid_subject_characters.eml"]
    assert any(w.code == "raw_8bit_header" and "ISO-8859-1" in w.message_en or "Windows-1252" in w.message_en
               for w in mail.warnings)


def test_outlook_items_that_are_not_mails_are_refused_by_name(parsed):
    contact = parsed["msgreader/contactAnsi.msg"]
    assert isinstance(contact, MailUnreadable) and contact.code == "not_a_mail_item"
    assert "連絡先" in contact.message_ja and "contact" in contact.message_en
    memo = parsed["msgreader/A_memo.msg"]
    assert isinstance(memo, MailUnreadable) and "メモ" in memo.message_ja
    meeting = parsed["msgreader/Friday_Lunch.msg"]
    assert isinstance(meeting, MailUnreadable) and "予定" in meeting.message_ja
    assert not isinstance(parsed["msgreader/nonUnicodeCP932.msg"], MailUnreadable)


def test_rfc_5322_appendix_examples_keep_every_address(parsed):
    """Comments inside addresses, groups with comments, obsolete spaces and source routes."""
    def people(name):
        return [(r.address, r.name, r.group) for r in parsed[f"mikel-mail/{name}"].recipients]

    assert people("rfc2822_example10.eml") == [  # A.5: white space, comments and other oddities
        ("c@public.example", "Chris Jones", "A Group"), ("joe@example.org", "", "A Group"),
        ("jdoe@one.test", "John", "A Group")]
    assert parsed["mikel-mail/rfc2822_example10.eml"].sender.address == "pete@silly.test"
    assert people("rfc2822_example11.eml") == [  # A.6.1: obsolete source route, empty item, spaced dots
        ("mary@example.net", "Mary Smith", ""), ("jdoe@test.example", "", "")]
    assert [r.address for r in parsed["mikel-mail/rfc2822_example03.eml"].recipients] == [
        "mary@x.test", "jdoe@example.org", "one@y.test", "boss@nil.test", "sysservices@example.net"]
    for name in ("rfc2822_example10.eml", "rfc2822_example11.eml", "rfc2822_example03.eml"):
        assert "address_unreadable" not in {w.code for w in parsed[f"mikel-mail/{name}"].warnings}


def test_a_recipient_that_is_no_address_is_left_out_with_a_warning(parsed):
    mail = parsed["mikel-mail/mime_emails_raw_email11.eml"]  # To: matmail
    assert mail.recipients == []
    [warning] = [w for w in mail.warnings if w.code == "address_unreadable"]
    assert "matmail" in warning.message_ja and "matmail" in warning.message_en


def test_no_reply_or_list_post_of_the_corpus_is_proposed_as_a_bcc_exposure(parsed):
    from incidents.intake.detect import SUGGEST_AT, classify
    from incidents.intake.types import DetectionContext

    threads = [m for m in parsed.values() if not isinstance(m, MailUnreadable)
               and (m.list_id or m.in_reply_to or m.references)]
    assert len(threads) >= 100
    for mail in threads:
        result = classify(mail, DetectionContext())
        assert all(f.confidence < SUGGEST_AT for f in result.findings if f.type == "bcc_exposure")
