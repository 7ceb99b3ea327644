"""`incidents doctor`: each check against the real thing (a migrated and an empty database, a live SMTP server, a
live discovery document), and the command's output and exit code."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from incidents.config import Settings
from incidents.system import doctor


@pytest.fixture(autouse=True)
def english():
    from incidents import i18n

    i18n.set_locale("en")
    yield
    i18n.set_locale("ja")


def settings(**values) -> Settings:
    from tests.conftest import TEST_DB_URL

    base = {"database_url": TEST_DB_URL, "secret_key": "x" * 40, "smtp_host": "", "oidc_issuer": ""}
    return Settings(**(base | values))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_migrated_missing_and_unreachable(tmp_path):
    assert doctor.check_database(settings()).status == "ok"
    missing = doctor.check_database(settings(database_url=f"sqlite:///{tmp_path / 'none.db'}"))
    assert missing.status == "fail" and "incidents db upgrade" in missing.fix
    assert not (tmp_path / "none.db").exists()  # the doctor creates nothing
    empty = tmp_path / "empty.db"
    import sqlite3

    sqlite3.connect(empty).close()
    found = doctor.check_database(settings(database_url=f"sqlite:///{empty}"))
    assert found.status == "fail" and "not migrated" in found.found
    down = doctor.check_database(settings(database_url=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"))
    assert down.status == "fail" and "cannot reach" in down.found


def test_secret_key(tmp_path):
    assert doctor.check_secret(settings()).status == "ok"
    assert doctor.check_secret(settings(secret_key="short")).status == "warn"
    assert doctor.check_secret(settings(secret_key="", data_dir=tmp_path)).status == "warn"
    prod = doctor.check_secret(settings(secret_key="", env="production"))
    assert prod.status == "fail" and "INCIDENTS_SECRET_KEY_FILE" in prod.fix


class Inbox:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def test_smtp_reachable_refused_and_unconfigured():
    assert doctor.check_smtp(settings()).status == "warn"
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        assert doctor.check_smtp(settings(smtp_host="127.0.0.1", smtp_port=controller.port)).status == "ok"
    finally:
        controller.stop()
    closed = doctor.check_smtp(settings(smtp_host="127.0.0.1", smtp_port=free_port()))
    assert closed.status == "fail" and "INCIDENTS_SMTP_HOST" in closed.fix


@pytest.fixture
def discovery():
    """A live discovery document at http://127.0.0.1:<port>/ (what it says is set per test)."""
    state = {"doc": {}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path != "/.well-known/openid-configuration":
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(state["doc"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    issuer = f"http://127.0.0.1:{server.server_port}"
    yield issuer, state
    server.shutdown()
    server.server_close()


def test_oidc_discovery(discovery):
    issuer, state = discovery
    assert doctor.check_oidc(settings()).status == "skip"
    state["doc"] = {"issuer": issuer, "authorization_endpoint": issuer + "/auth", "token_endpoint": issuer + "/token",
                    "jwks_uri": issuer + "/jwks"}
    assert doctor.check_oidc(settings(oidc_issuer=issuer, oidc_client_id="c")).status == "ok"
    assert doctor.check_oidc(settings(oidc_issuer=issuer)).status == "fail"  # no client
    state["doc"]["issuer"] = "https://elsewhere.example"
    assert doctor.check_oidc(settings(oidc_issuer=issuer, oidc_client_id="c")).status == "fail"
    unreachable = doctor.check_oidc(settings(oidc_issuer=f"http://127.0.0.1:{free_port()}", oidc_client_id="c"))
    assert unreachable.status == "fail" and "INCIDENTS_OIDC_ISSUER" in unreachable.fix


def test_fonts_and_chromium(tmp_path):
    assert doctor.check_fonts().status == "ok"
    assert doctor.check_fonts({"serif": tmp_path / "gone.otf"}).status == "fail"
    assert doctor.check_chromium().status == "ok"  # the test machine has Debian's chromium (scripts/install)
    assert doctor.check_chromium((str(tmp_path / "no-chromium"),)).status in ("warn", "ok")


def test_time_zone():
    assert doctor.check_timezone(settings()).status == "ok"
    bad = doctor.check_timezone(settings(timezone="Mars/Olympus_Mons"))
    assert bad.status == "fail" and "Asia/Tokyo" in bad.fix


def test_the_command_speaks_japanese_and_english_and_exits_1_on_a_problem(cli, tmp_path):
    env = {"INCIDENTS_TIMEZONE": "Asia/Tokyo"}
    code, out, err = cli("--lang", "ja", "doctor", env=env)
    assert code == 0, out + err
    assert "データベース" in out and "問題は見つかりませんでした" in out
    code, out, _ = cli("--lang", "en", "doctor", "--json", env={"INCIDENTS_TIMEZONE": "Nowhere/Town"})
    assert code == 1
    found = {c["check"]: c for c in json.loads(out)["checks"]}
    assert found["timezone"]["status"] == "fail" and found["database"]["status"] == "ok"
    assert set(found) == {"database", "secret", "smtp", "oidc", "fonts", "chromium", "timezone"}
    code, out, _ = cli("--lang", "en", "doctor", env={"INCIDENTS_TIMEZONE": "Nowhere/Town"})
    assert code == 1 and "→ set INCIDENTS_TIMEZONE" in out and "1 problem found" in out
