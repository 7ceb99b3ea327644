"""Where things live and where secrets come from: one data directory that never depends on the folder a
command runs in, secrets from the environment or a file (INCIDENTS_<NAME>_FILE), and a production mode
that refuses to start without a configured secret."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from incidents.config import Settings, check_startup, get_settings, secret_settings
from incidents.errors import ConfigError

INCIDENTS = str(Path(sys.executable).with_name("incidents"))


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No INCIDENTS_* of the test suite; the platform's data directory under tmp_path."""
    for name in list(os.environ):
        if name.startswith("INCIDENTS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    get_settings.cache_clear()
    yield tmp_path / "xdg" / "incidents"
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_data_directory_does_not_depend_on_the_working_directory(bare_env, tmp_path, monkeypatch):
    seen = set()
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        monkeypatch.chdir(tmp_path / folder)
        s = Settings()
        seen.add((s.data_dir, s.database_url))
    assert seen == {(bare_env, f"sqlite:///{bare_env / 'incidents.db'}")}


def test_a_relative_data_directory_is_refused(bare_env, monkeypatch):
    monkeypatch.setenv("INCIDENTS_DATA_DIR", "var")
    with pytest.raises(ConfigError) as caught:
        get_settings()
    assert "INCIDENTS_DATA_DIR" in caught.value.detail and "absolute" in caught.value.detail
    monkeypatch.setenv("INCIDENTS_DATA_DIR", "~/incidents-data")
    assert Settings().data_dir == Path.home() / "incidents-data"


def test_the_generated_secret_is_made_once_private_and_shared(bare_env):
    first = Settings().resolved_secret_key()
    again = Settings().resolved_secret_key()
    path = bare_env / "secret_key"
    assert first == again and len(first) >= 48 and path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["secret_key", "smtp_password", "oidc_client_secret", "scim_token",
                                  "database_url"])
def test_every_secret_setting_can_come_from_a_file(bare_env, tmp_path, monkeypatch, name):
    assert name in secret_settings()
    secret = tmp_path / f"{name}.txt"
    value = "postgresql+psycopg://app:s3cr%40t@db/incidents" if name == "database_url" else "s3cr:et value"
    secret.write_text(value + "\n")  # as `echo` writes it
    monkeypatch.setenv(f"INCIDENTS_{name.upper()}_FILE", str(secret))
    assert getattr(Settings(), name) == value
    monkeypatch.setenv(f"INCIDENTS_{name.upper()}", "another")
    with pytest.raises(ConfigError) as caught:
        Settings()
    assert f"INCIDENTS_{name.upper()} and INCIDENTS_{name.upper()}_FILE are both set" in caught.value.detail


def test_an_unreadable_secret_file_is_one_clear_error(bare_env, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_SMTP_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as caught:
        Settings()
    assert caught.value.detail.startswith("INCIDENTS_SMTP_PASSWORD_FILE: cannot read")
    assert "読み込めません" in caught.value.message("ja")


def test_ordinary_settings_do_not_come_from_files(bare_env, tmp_path, monkeypatch):
    (tmp_path / "tz").write_text("UTC")
    monkeypatch.setenv("INCIDENTS_TIMEZONE_FILE", str(tmp_path / "tz"))
    assert Settings().timezone == "Asia/Tokyo"
    assert "timezone" not in secret_settings()


def test_production_refuses_to_start_without_a_configured_secret(bare_env, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTS_ENV", "production")
    s = Settings()
    assert s.production and s.cookie_secure  # Secure cookies unless told otherwise
    with pytest.raises(ConfigError):
        s.resolved_secret_key()
    assert not (bare_env / "secret_key").exists()  # nothing generated silently
    with pytest.raises(ConfigError) as caught:
        check_startup()
    assert caught.value.code == "secret_key_missing"
    get_settings.cache_clear()
    from incidents.app import create_app

    with pytest.raises(ConfigError):
        create_app(check_migrations=False)
    (tmp_path / "key").write_text("k" * 64)
    monkeypatch.setenv("INCIDENTS_SECRET_KEY_FILE", str(tmp_path / "key"))
    get_settings.cache_clear()
    assert check_startup().resolved_secret_key() == "k" * 64
    assert create_app(check_migrations=False) is not None
    monkeypatch.setenv("INCIDENTS_COOKIE_SECURE", "false")
    assert Settings().cookie_secure is False
    monkeypatch.setenv("INCIDENTS_ENV", "staging")
    with pytest.raises(ConfigError) as caught:
        get_settings.cache_clear()
        get_settings()
    assert caught.value.detail.startswith("INCIDENTS_ENV:")


# ---- the real command, run from two folders -------------------------------------------------------


def _env(xdg: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTS_")}
    env.update({"XDG_DATA_HOME": str(xdg), "INCIDENTS_ARGON2_TIME_COST": "1", "INCIDENTS_ARGON2_MEMORY_KIB": "1024",
                "INCIDENTS_SMTP_HOST": "", **extra})
    return env


def _run(folder: Path, env: dict[str, str], *args: str, input: str | None = None) -> str:
    done = subprocess.run([INCIDENTS, *args], cwd=folder, env=env, input=input, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def test_the_cli_from_two_folders_sees_one_database_and_one_key(tmp_path):
    a, b = tmp_path / "here", tmp_path / "elsewhere" / "deeper"
    a.mkdir()
    b.mkdir(parents=True)
    env = _env(tmp_path / "xdg")
    officer = "officer@example.co.jp"
    _run(a, env, "db", "upgrade")
    _run(a, env, "users", "add", officer, "--name", "担当 一郎", "--role", "officer", "--department", "総務部",
         "--password", "correct horse battery")
    jst = timezone(timedelta(hours=9))
    sent = datetime.now(jst) - timedelta(hours=3)
    incident = {"title": "見積書の誤送信", "mistake_type": "wrong_recipient", "discovery_method": "self_noticed",
                "sent_at": sent.isoformat(), "discovered_at": (sent + timedelta(hours=1)).isoformat(),
                "recipients": [{"address": "suzuki@b-corp.example", "kind": "unintended"}],
                "data_items": ["name"], "affected_persons": 1}
    reported = json.loads(_run(a, env, "report", "--file", "-", "--as", officer, "--json",
                               input=json.dumps(incident)))
    listed = json.loads(_run(b, env, "list", "--as", officer, "--json"))
    assert [i["id"] for i in listed["items"]] == [reported["id"]]
    first = json.loads(_run(a, env, "nearmiss", "publish", str(reported["id"]), "--as", officer, "--json"))
    _run(b, env, "nearmiss", "withdraw", str(reported["id"]), "--reason", "重複", "--as", officer)
    again = json.loads(_run(b, env, "nearmiss", "publish", str(reported["id"]), "--as", officer, "--json"))
    assert again["id"] == first["id"]  # the same case again, not a second one
    data = tmp_path / "xdg" / "incidents"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700  # the database and the key: nobody else's to read
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith("incidents.db-")) == [
        "incidents.db", "secret_key"]
    assert not any((a / name).exists() or (b / name).exists() for name in ("var", "incidents.db", "secret_key"))


def test_the_service_in_production_mode_stops_in_one_line_without_a_secret(tmp_path):
    env = _env(tmp_path / "xdg", INCIDENTS_ENV="production")
    for command in (["serve", "--port", "9"], ["scheduler", "--once"]):
        done = subprocess.run([INCIDENTS, *command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "INCIDENTS_SECRET_KEY_FILE" in lines[0]
    assert not (tmp_path / "xdg" / "incidents" / "secret_key").exists()
