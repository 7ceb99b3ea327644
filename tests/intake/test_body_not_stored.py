"""The mail body is read (for the findings) but never stored unless a person asks for it for that incident:
through the API, the CLI and the service, nothing of the body reaches any table, audit events included."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlmodel import SQLModel

from incidents.db import session_scope

from .corpus import make_mail

JST = timezone(timedelta(hours=9))
CARD, NAME, ADDRESS = "4111 1111 1111 1111", "鈴木花子", "東京都港区芝公園4-2-8"
BODY = (f"いつもお世話になっております。\r\nご依頼のカード番号は {CARD} です。\r\n"
        f"お届け先: {NAME} 様、{ADDRESS}\r\nよろしくお願いいたします。\r\n")


# The card number, however it is spaced, or its first group standing as a number of its own; not the same
# digits inside a longer run of letters and digits (a hash, a token, another number).
_CARD = re.compile(r"(?<![0-9A-Za-z])4111(?:[ -]?1111){3}(?![0-9A-Za-z])|(?<![0-9A-Za-z])4111(?![0-9A-Za-z])")


def card_in(text: str) -> bool:
    return _CARD.search(text) is not None


def _mail() -> bytes:
    date = (datetime.now(JST) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0900")
    return make_mail(subject="ご注文の件", body=BODY, date=date)


def stored_text() -> str:
    """Every value of every table, as one text (the whole database, audit trail included)."""
    out = []
    with session_scope() as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                out.extend(json.dumps(v, ensure_ascii=False, default=str) for v in row)
    return "\n".join(out)


def test_api_import_stores_no_body(client, make_user, auth_headers):
    h = auth_headers(make_user())
    r = client.post("/api/v1/intake/mail/incident", headers=h, files={"file": ("sent.eml", _mail(), "message/rfc822")},
                    data={"discovery_method": "self_noticed", "discovered_at": datetime.now(JST).isoformat()})
    assert r.status_code == 201, r.text
    assert r.json()["message"]["summary"] == "ご注文の件"
    text = stored_text()
    assert "ご注文の件" in text  # the check reads what it should
    for secret in (NAME, ADDRESS, "お世話になって"):
        assert secret not in text
    assert not card_in(text)


def test_card_check_is_precise():
    # a hash or an id that happens to hold the digits is no card number; the number in any spelling is
    assert not card_in('"38e2aa0342ea411138cddcdf1ed57608b650cb090b9ec9707e05a3cdb301adfa" 94111 41110')
    for spelled in (CARD, "4111111111111111", "4111-1111-1111-1111", "カード番号は4111です", '"4111"'):
        assert card_in(f"x {spelled} y"), spelled


def test_cli_import_stores_no_body_unless_kept(cli, make_user, tmp_path):
    user = make_user()
    path = tmp_path / "sent.eml"
    path.write_bytes(_mail())
    code, out, err = cli("import", "mail", path, "--yes", "--json", "--as", user.email)
    assert code == 0, err
    assert json.loads(out)["message"]["summary"] == "ご注文の件"
    assert not card_in(stored_text()) and NAME not in stored_text()
    code, out, err = cli("import", "mail", path, "--dry-run", "--as", user.email)
    assert code == 0 and not card_in(out)  # the draft shown does not carry it either

    code, out, err = cli("import", "mail", path, "--yes", "--json", "--keep-body", "--as", user.email)
    assert code == 0, err
    kept = json.loads(out)
    assert CARD in kept["message"]["summary"] and NAME in kept["message"]["summary"]  # asked for, for this incident only


def test_api_keeps_the_body_only_when_asked(client, make_user, auth_headers):
    h = auth_headers(make_user())
    r = client.post("/api/v1/intake/mail/incident", headers=h, files={"file": ("sent.eml", _mail(), "message/rfc822")},
                    data={"discovery_method": "self_noticed", "discovered_at": datetime.now(JST).isoformat(),
                          "keep_body": "true"})
    assert r.status_code == 201, r.text
    assert CARD in r.json()["message"]["summary"]
