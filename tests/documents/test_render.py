"""Every kind in both languages, read back from the PDF."""

from __future__ import annotations

import http.server
import threading

import pytest

from incidents.documents import samples
from incidents.documents.context import Extras
from incidents.documents.kinds import DocumentKind
from incidents.documents.render import AssetFetcher, DocumentTemplateError, get_renderer

from .conftest import flat, page_count, pdf_text, pdffonts

UNINTENDED = samples.incident()["recipients"][0]
INTENDED = samples.incident()["recipients"][1]


def test_apology_to_unintended_recipient_ja(render, tmp_path):
    pdf = render(DocumentKind.apology_unintended, recipient=UNINTENDED)
    text = flat(pdf_text(pdf))
    assert page_count(pdf) == 2  # the letter and the returnable deletion confirmation form
    for expected in ("株式会社北風製作所", "山田太郎様", "【重要】メール誤送信のお詫びと削除のお願い", "謹啓", "謹白",
                     "2025年6月20日", "2025年6月20日14時05分", "【御見積】6月分保守契約のお見積りについて",
                     "見積書_2025-06.pdf", "メール削除確認書", "開封せずに削除しました", "株式会社みなと商事御中", "1/2", "2/2"):
        assert expected in text, expected
    assert "御中" not in text.split("山田太郎様")[0]  # 様 for the person, not 御中 as well
    assert "拝啓" not in text and "時候" not in text
    fonts = pdffonts(pdf, tmp_path)
    assert "Incidents-Serif" in fonts and "Incidents-Sans" in fonts
    for line in fonts.splitlines()[2:]:
        assert " yes yes yes " in line  # embedded, subset, with ToUnicode


def test_apology_to_organisation_uses_onchu(render):
    pdf = render(DocumentKind.apology_unintended,
                 recipient={"address": "info@kitakaze.example", "organization": "株式会社北風製作所"})
    assert "株式会社北風製作所御中" in flat(pdf_text(pdf))


def test_era_dates_option(render):
    lh = samples.letterhead(era_dates=True)
    pdf = render(DocumentKind.apology_intended, recipient=INTENDED, letterhead=lh)
    text = flat(pdf_text(pdf))
    assert "令和7年6月20日" in text and "令和7年6月20日14時05分" in text


def test_apology_to_intended_recipient(render):
    pdf = render(DocumentKind.apology_intended, recipient=INTENDED)
    text = flat(pdf_text(pdf))
    assert page_count(pdf) == 1
    assert "南株式会社" in text and "田中花子様" in text and "メール誤送信に関するお詫び" in text
    assert "氏名、住所、電話番号" in text


def test_notice_to_people_concerned_has_the_appi_items(render):
    pdf = render(DocumentKind.notice_affected, recipient={"name": "佐藤 由美", "address": "y@example.jp"})
    text = flat(pdf_text(pdf))
    assert page_count(pdf) == 1
    for heading in ("1.概要", "2.漏えいした個人情報の項目", "3.原因", "4.二次被害又はそのおそれの有無及びその内容",
                    "5.その他", "お問い合わせ先", "佐藤由美様", "1,250名"):
        assert heading in text, heading


def test_notice_in_english_follows_gdpr_article_34(render):
    pdf = render(DocumentKind.notice_affected, "en", recipient={"name": "Yumi Sato", "address": "y@example.jp"})
    text = pdf_text(pdf)
    for heading in ("What happened", "What data was involved", "Likely consequences", "What we have done",
                    "What you can do", "Contact point", "Dear Yumi Sato,", "20 June 2025"):
        assert heading in text, heading


def test_regulator_report_has_the_nine_items(render):
    pdf = render(DocumentKind.regulator_report)
    text = flat(pdf_text(pdf))
    items = ["(1)概要", "(2)漏えい等が発生し、又は発生したおそれがある個人データの項目",
             "(3)漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", "(4)原因",
             "(5)二次被害又はそのおそれの有無及びその内容", "(6)本人への対応の実施状況", "(7)公表の実施状況",
             "(8)再発防止のための措置", "(9)その他参考となる事項"]
    positions = [text.index(item) for item in items]
    assert positions == sorted(positions)
    assert "1,250名" in text and "1,000人を超える個人データの漏えい等" in text
    assert "オートコンプリートの無効化" in text  # countermeasures from the analysis
    assert "1/2" in text  # page numbers on a multi-page report


def test_regulator_report_english_mentions_gdpr_for_eu(render):
    incident = samples.incident(jurisdictions=["jp", "eu"])
    text = pdf_text(render(DocumentKind.regulator_report, "en", incident=incident))
    for n in range(1, 10):
        assert f"({n})" in text
    assert "GDPR art. 33" in text


def test_first_report_lists_what_the_supervisor_needs(render):
    text = flat(pdf_text(render(DocumentKind.first_report)))
    for expected in ("メール誤送信第一報", "yamada@kitakaze.example", "tanaka@minami.example", "受信者からの連絡",
                     "2025年6月20日15時30分", "顧客一覧.xlsx", "送信取り消しを試みたが失敗"):
        assert expected in text, expected


def test_root_cause_report_and_case_file(render):
    text = flat(pdf_text(render(DocumentKind.root_cause_report)))
    assert "なぜ1：宛先を取り違えた" in text and "外部宛て添付メールの送信前確認が仕組みになっていなかった。" in text
    assert "技術・仕組み" in text
    case = flat(pdf_text(render(DocumentKind.case_file, "en")))
    for expected in ("Casefile", "Legalassessment", "Reportable", "Firstreporttothesupervisor", "Timeline"):
        assert expected in case, expected


def test_case_file_with_many_recipients_lists_a_bounded_number(render):
    incident = samples.incident(recipients=[
        {"address": f"user{i}@example.jp", "field": "bcc", "kind": "unintended"} for i in range(450)])
    text = flat(pdf_text(render(DocumentKind.case_file, incident=incident)))
    assert "ほか250件" in text and "user199@example.jp" in text and "user200@example.jp" not in text


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_renders_without_extras(render, kind, lang):
    recipient = UNINTENDED if kind != DocumentKind.apology_intended else INTENDED
    pdf = render(kind, lang, recipient=recipient, extras=Extras())
    assert page_count(pdf) >= 1
    text = flat(pdf_text(pdf))
    assert "【御見積】6月分保守契約のお見積りについて" in text  # the misdelivered mail's subject
    assert ("2025年6月20日14時05分" if lang == "ja" else "20June2025,14:05(JST)") in text


# ---- escaping and the fetcher -------------------------------------------------------------


class _Hits(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Hits.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Hits.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_user_fields_are_plain_text_and_nothing_is_fetched(render, http_server):
    hostile = {
        "title": "<script>alert(1)</script>",
        "message": {"subject": '<img src="file:///etc/passwd">', "sender": f"{http_server}/sender",
                    "summary": f'<link rel="stylesheet" href="{http_server}/x.css"><img src="{http_server}/a.png">',
                    "attachments": [{"filename": f'<img src="{http_server}/att.png">'}]},
        "recipients": [{"address": "x@example.jp", "name": '<b onload="x">山田</b>',
                        "organization": f'<img src="{http_server}/org.png">', "kind": "unintended"}],
    }
    incident = samples.incident(**hostile)
    renderer = get_renderer(None)
    before = len(renderer.fetcher.refused)
    for kind in (DocumentKind.first_report, DocumentKind.apology_unintended, DocumentKind.case_file):
        pdf = render(kind, incident=incident, recipient=incident["recipients"][0])
        text = pdf_text(pdf)
        if kind == DocumentKind.apology_unintended:
            assert '<img src="file:///etc/passwd">' in text
            assert f'<img src="{http_server}/org.png">' in text
        else:
            assert "<script>alert(1)</script>" in text
            assert f'<link rel="stylesheet" href="{http_server}/x.css">' in text
        assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf
    assert _Hits.hits == []
    assert renderer.fetcher.refused[before:] == []  # nothing was even attempted


def test_override_templates_are_sandboxed_and_cannot_fetch(render, tmp_path, http_server):
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "first_report.html").write_text(
        '{% extends "_base.html" %}{% block body %}<h1>独自の第一報 {{ incident.title }}</h1>'
        f'<img src="file:///etc/passwd"><img src="{http_server}/logo.png">'
        f'<link rel="stylesheet" href="{http_server}/s.css">'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">'
        '<style>@import url("file:///etc/hosts");</style>'
        '{% endblock %}', encoding="utf-8")
    pdf = render(DocumentKind.first_report, override_dir=tmp_path)
    text = flat(pdf_text(pdf))
    assert "独自の第一報見積書の誤送信" in text
    assert b"/Subtype /Image" not in pdf
    assert _Hits.hits == []
    refused = get_renderer(tmp_path).fetcher.refused
    assert "file:///etc/passwd" in refused and f"{http_server}/logo.png" in refused
    assert any(url.startswith("data:") for url in refused)
    assert "file:///etc/hosts" in refused
    # Other kinds fall back to the shipped templates.
    assert "メール誤送信第一報" not in text
    assert "謹啓" in flat(pdf_text(render(DocumentKind.apology_intended, recipient=INTENDED, override_dir=tmp_path)))


def test_override_template_cannot_escape_the_sandbox(render, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "case_file.html").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    with pytest.raises(DocumentTemplateError):
        render(DocumentKind.case_file, "en", override_dir=tmp_path)


def test_fetcher_serves_only_allowed_files(tmp_path):
    allowed = tmp_path / "logo.png"
    allowed.write_bytes(b"\x89PNG")
    fetcher = AssetFetcher(allowed_files=[allowed])
    assert fetcher.fetch(allowed.as_uri()).read() == b"\x89PNG"
    for url in ("file:///etc/passwd", "http://127.0.0.1/", "https://example.com/x.css", "data:text/plain,hi",
                allowed.as_uri().replace("logo.png", "../logo.png/../../etc/passwd"), "ftp://127.0.0.1/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_logo_from_the_letterhead_is_embedded(render, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(logo)
    pdf = render(DocumentKind.apology_intended, recipient=INTENDED, letterhead=samples.letterhead(logo=logo))
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
