"""`incidents import mail` and `incidents intake ...` through the real CLI, in-process."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from .corpus import make_mail

JST = timezone(timedelta(hours=9))


def _mail(tmp_path, **kw):
    kw.setdefault("date", (datetime.now(JST) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0900"))
    path = tmp_path / "sent.eml"
    path.write_bytes(make_mail(**kw))
    return path


def test_dry_run_shows_findings_and_creates_nothing(cli, make_user, tmp_path):
    user = make_user(locale="en")
    path = _mail(tmp_path, to=[("", f"p{i}@home{i}-example.jp") for i in range(25)])
    code, out, err = cli("import", "mail", path, "--dry-run", "--as", user.email)
    assert code == 0, err
    assert "Addresses exposed in To/Cc instead of Bcc" in out and "external addresses" in out
    code, out, _ = cli("import", "mail", path, "--dry-run", "--json", "--as", user.email)
    assert json.loads(out)["suggested_mistake_type"] == "bcc_exposure"
    code, out, _ = cli("list", "--json", "--as", user.email)
    assert json.loads(out)["total"] == 0


def test_import_asks_and_creates(cli, make_user, tmp_path):
    user = make_user()
    path = _mail(tmp_path, to=[("", f"p{i}@home{i}-example.jp") for i in range(25)])
    code, out, err = cli("import", "mail", path, "--as", user.email, input="n\n")
    assert code == 1 and "--yes" in err  # not a terminal: refuses to guess
    code, out, err = cli("import", "mail", path, "--yes", "--json", "--as", user.email,
                         "--discovery", "recipient_reported", "--set", "title=一斉送信でTo使用")
    assert code == 0, err
    created = json.loads(out)
    assert created["mistake_type"] == "bcc_exposure" and created["title"] == "一斉送信でTo使用"
    assert created["discovery_method"] == "recipient_reported"
    assert created["affected_persons"] == 25


def test_import_errors_are_one_line(cli, make_user, tmp_path):
    user = make_user(locale="en")
    bad = tmp_path / "x.msg"
    bad.write_bytes(b"this is no outlook file")
    code, _, err = cli("import", "mail", bad, "--dry-run", "--as", user.email)
    assert code == 1 and err.startswith("error:") and "OLE" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("import", "mail", tmp_path / "missing.eml", "--dry-run", "--as", user.email)
    assert code == 1 and "no such file" in err
    code, _, err = cli("import", "mail", _mail(tmp_path), "--yes", "--discovery", "psychic", "--as", user.email)
    assert code == 1 and "--discovery" in err


def test_intake_domains_and_address_book(cli, make_user, tmp_path):
    officer = make_user(role="officer")
    code, out, err = cli("intake", "domains", "add", "example.co.jp", "--internal", "--as", officer.email)
    assert code == 0, err
    cli("intake", "domains", "add", "partner.co.jp", "--org", "パートナー", "--as", officer.email)
    code, out, _ = cli("intake", "domains", "list", "--json", "--as", officer.email)
    assert [d["domain"] for d in json.loads(out)] == ["example.co.jp", "partner.co.jp"]
    book = tmp_path / "book.csv"
    book.write_bytes("メールアドレス,氏名,会社名\r\nhanako.sato@partner.co.jp,佐藤 花子,パートナー株式会社\r\n".encode("cp932"))
    code, out, err = cli("intake", "addressbook", "import", book, "--json", "--as", officer.email)
    assert code == 0 and json.loads(out)["added"] == 1, err
    path = _mail(tmp_path, to=[("佐藤 花子", "hanako.sato@parnter.co.jp")])
    code, out, _ = cli("import", "mail", path, "--dry-run", "--json", "--as", officer.email)
    finding = next(f for f in json.loads(out)["findings"] if f["type"] == "lookalike_domain")
    assert finding["intended_domain"] == "partner.co.jp" and "取引先（パートナー）" in finding["evidence_ja"]
    code, _, err = cli("intake", "domains", "remove", "partner.co.jp", "--as", make_user().email)
    assert code == 1 and "role" in err


def test_mail_text_is_shown_literally_not_as_markup(cli, make_user, tmp_path):
    """Bracketed words are mail text, not console markup: «[notmuch] archive» keeps its tag and a
    subject holding «[/var/log]» (a closing tag to rich) is shown instead of failing."""
    user = make_user(locale="en")
    for subject, name, attachment in (
        ("[notmuch] archive: [bold]not bold[/bold]", "[red]Sato[/red]", "[draft] report.pdf"),
        ("disk full under [/var/log] again", "Ops [/]", "[/x].txt"),
    ):
        path = tmp_path / "sent.eml"
        path.write_bytes(make_mail(subject=subject, to=[(name, "sato@partner.example")],
                                   attachments=[(attachment, "application/pdf", b"%PDF-1.4")]))
        code, out, err = cli("import", "mail", path, "--dry-run", "--as", user.email)
        assert code == 0, err
        assert subject in out
        assert name in out and attachment in out
