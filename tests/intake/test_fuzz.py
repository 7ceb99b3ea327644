"""Property-based tests: whatever bytes arrive, the parser answers with a ParsedMail or a clear
intake error, and detection never fails on what the parser returns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.intake.detect import classify
from incidents.intake.draft import build_draft
from incidents.intake.errors import MailTooLarge, MailUnreadable
from incidents.intake.types import DetectionContext, IntakeLimits, ParsedMail
from incidents.intake.parse import parse_mail

from .corpus import make_mail
from .test_msg import outlook_message

LIMITS = IntakeLimits(max_bytes=200_000, max_parts=50, max_depth=10, max_recipients=500)
CTX = DetectionContext(own_domains=("example.co.jp",), partner_domains=("partner.co.jp",))
SEED_EML = make_mail(
    to=[("佐藤 花子", "hanako.sato@partner.co.jp"), ("", "x@exampl.co.jp")],
    cc=[("", "all@partner.co.jp")],
    attachments=[("顧客名簿.csv", "text/csv", "氏名,住所\r\n山田,東京\r\n".encode("cp932"))],
)
SEED_MSG = outlook_message([("a@partner.co.jp", "A", 1), ("b@exampl.co.jp", "B", 2)],
                           [("名簿.csv", b"name,tel\n1,2\n", "text/csv")]).to_bytes()
HEADER_LINES = [b"From: ", b"To: ", b"Cc: ", b"Subject: ", b"Date: ", b"Content-Type: multipart/mixed; boundary=",
                b"Content-Type: text/plain; charset=", b"Content-Disposition: attachment; filename*=", b"--",
                b"Content-Transfer-Encoding: base64", b"=?ISO-2022-JP?B?", b"=?UTF-8?Q?", b"\x1b$B", b"\r\n", b"\n",
                b"\r\n ", b"<", b">", b",", b"\"", b"(", b")", b":", b";", b"@", b"\\", b"\x00", b"\xff\xfe", b"\x82\xa0"]

def _check(data: bytes, filename: str = "") -> None:
    try:
        mail = parse_mail(data, filename=filename, limits=LIMITS)
    except (MailUnreadable, MailTooLarge) as exc:
        assert exc.message_ja and exc.message_en and exc.code
        cause = exc.__cause__
        if cause is not None and not isinstance(cause, (MailUnreadable, RecursionError)):
            # a wrapped failure must come from the stdlib parser or olefile, never from our own code
            tb = cause.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            assert "/incidents/intake/" not in tb.tb_frame.f_code.co_filename, repr(cause)
        return
    assert isinstance(mail, ParsedMail)
    for r in mail.recipients:
        assert "\n" not in r.address and "\r" not in r.name
    assert "\n" not in mail.subject
    result = classify(mail, CTX)
    build_draft(mail, result, ctx=CTX)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(HEADER_LINES), st.binary(max_size=40)), max_size=60))
def test_mail_like_noise_never_crashes(chunks):
    _check(b"".join(chunks))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_real_eml_never_crashes(data):
    raw = bytearray(SEED_EML)
    for _ in range(data.draw(st.integers(1, 12))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if op == "flip":
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos : pos + data.draw(st.integers(1, 200))]
        elif op == "dup":
            raw[pos:pos] = raw[pos : pos + data.draw(st.integers(1, 300))]
        else:
            raw[pos:pos] = data.draw(st.sampled_from(HEADER_LINES))
        if not raw:
            break
    _check(bytes(raw))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_real_msg_never_crashes(data):
    raw = bytearray(SEED_MSG)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        if data.draw(st.booleans()):
            raw[pos] = data.draw(st.integers(0, 255))
        else:
            raw[pos : pos + 4] = data.draw(st.binary(min_size=4, max_size=4))
    _check(bytes(raw), "mail.msg")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_named_msg_or_eml(blob):
    _check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + blob, "x.msg")
    _check(blob, "x.eml")


def _reference_split(value: str) -> list[tuple[str, str, str]]:
    """Character-by-character oracle for headers.split_address_list (the original implementation)."""
    from incidents.intake.headers import _emit

    out: list[tuple[str, str, str]] = []
    group, depth, in_quote, in_angle, escape, start = "", 0, False, False, False, 0
    for i, c in enumerate(value):
        if escape:
            escape = False
        elif c == "\\" and (in_quote or depth):
            escape = True
        elif in_quote:
            in_quote = c != '"'
        elif depth:
            depth += {"(": 1, ")": -1}.get(c, 0)
        elif c == '"':
            in_quote = True
        elif c == "(":
            depth = 1
        elif c in "<>":
            in_angle = c == "<"
        elif not in_angle and c in ",;:":
            item = value[start:i]
            if c == ":" and "@" not in item:
                group = item.strip().strip('"')
            else:
                _emit(out, item, group)
                if c == ";":
                    group = ""
            start = i + 1
    _emit(out, value[start:], group)
    return out


@given(st.lists(st.sampled_from(['"', "\\", "(", ")", "<", ">", ",", ";", ":", "@", " ", "a", "b.jp", "x@y.jp",
                                 "山田", "=?UTF-8?B?5bGx55Sw?="]), max_size=40))
def test_fast_address_splitter_matches_the_reference(tokens):
    from incidents.intake.headers import split_address_list

    value = "".join(tokens)
    assert split_address_list(value) == _reference_split(value)


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_TEXT, _TEXT, _TEXT, st.sampled_from(["to", "cc", "bcc"]), st.booleans(), _TEXT), max_size=25),
    st.lists(st.tuples(_TEXT, st.integers(0, 10**6), st.one_of(st.none(), st.integers(0, 10**6)),
                       st.lists(_TEXT, max_size=5), st.booleans()), max_size=5),
    _TEXT,
)
def test_detectors_accept_any_parsed_mail(recipients, attachments, body):
    """Whatever a parser could produce, the detectors and the draft never fail."""
    from incidents.intake.types import Contact, MailAddress, MailAttachment

    mail = ParsedMail(source_format="eml", subject=body, body_text=body * 3)
    mail.recipients = [MailAddress(address=f"{local}@{domain}", name=name, field=field, is_list=is_list, group=group)
                       for local, domain, name, field, is_list, group in recipients]
    mail.attachments = [MailAttachment(filename=name, size_bytes=size, sha256="0" * 64, content_type="text/csv",
                                       rows=rows, columns=cols, encrypted=enc) for name, size, rows, cols, enc in attachments]
    ctx = DetectionContext(own_domains=("example.co.jp",), partner_domains=("partner.co.jp",),
                           contacts=(Contact(address="a@partner.co.jp", domain="partner.co.jp", name="山田 太郎",
                                             organization="パートナー株式会社"),
                                     Contact(domain="x.jp", organization=body[:10] or "X社")))
    result = classify(mail, ctx)
    for finding in result.findings:
        assert 0 < finding.confidence <= 1 and finding.evidence_ja and finding.evidence_en
    build_draft(mail, result, ctx=ctx)
