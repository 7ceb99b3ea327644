"""Test fixtures: a real, migrated database (SQLite by default, PostgreSQL with
INCIDENTS_TEST_DATABASE_URL), emptied after every test; real app, real CLI, real services."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="incidents-tests-"))
TEST_DB_URL = os.environ.get("INCIDENTS_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["INCIDENTS_DATABASE_URL"] = TEST_DB_URL
os.environ["INCIDENTS_DATA_DIR"] = str(_TMP / "var")
os.environ["INCIDENTS_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["INCIDENTS_ARGON2_TIME_COST"] = "1"
os.environ["INCIDENTS_ARGON2_MEMORY_KIB"] = "1024"
os.environ.setdefault("INCIDENTS_SMTP_HOST", "")

import pytest  # noqa: E402
from sqlalchemy import inspect, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from incidents import migrations, plugins  # noqa: E402
from incidents.config import get_settings  # noqa: E402
from incidents.db import get_engine, session_scope  # noqa: E402

get_settings.cache_clear()
plugins.load()


def _reset_schema(url: str) -> None:
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", autouse=True)
def migrated_database():
    _reset_schema(TEST_DB_URL)
    migrations.upgrade(TEST_DB_URL)
    yield TEST_DB_URL


def _empty_all_tables() -> None:
    engine = get_engine(TEST_DB_URL)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if not tables:
        return
    if engine.dialect.name == "postgresql":
        # DELETE with constraint triggers off is ~25x faster than TRUNCATE on a small database.
        with engine.begin() as conn:
            seqs = [r[0] for r in conn.execute(text(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"))]
            conn.exec_driver_sql(
                "SET LOCAL session_replication_role = replica;"
                + "".join(f'DELETE FROM "{t}";' for t in tables)
                + "".join(f'ALTER SEQUENCE "{q}" RESTART;' for q in seqs))
        return
    raw = engine.raw_connection()  # autocommit (isolation_level None): the pragma works outside a transaction
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")
        virtual = [r[0] for r in cur.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        cur.execute("BEGIN")
        for t in tables:
            shadow = any(t.startswith(v + "_") for v in virtual)
            if not t.startswith("sqlite_") and not shadow:
                cur.execute(f'DELETE FROM "{t}"')
        if "sqlite_sequence" in tables:
            cur.execute("DELETE FROM sqlite_sequence")
        cur.execute("COMMIT")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


@pytest.fixture(autouse=True)
def clean_database(migrated_database):
    yield
    _empty_all_tables()
    from incidents.people import throttle

    throttle.reset_all()  # sign-in failure counters live beside the database: forget them with it


@pytest.fixture
def db_url(migrated_database) -> str:
    return migrated_database


@pytest.fixture
def session(migrated_database):
    with Session(get_engine(TEST_DB_URL), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def app(migrated_database):
    from incidents.app import create_app

    return create_app()


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


_counter = {"n": 0}


@pytest.fixture
def make_user():
    from incidents.people import service as people

    def make(role: str = "employee", department: str = "Sales", email: str | None = None,
             manager=None, password: str | None = "correct horse battery", name: str | None = None,
             locale: str = "ja"):
        _counter["n"] += 1
        email = email or f"{role.replace(',', '-')}{_counter['n']}@example.co.jp"
        manager_email = manager.email if hasattr(manager, "email") else manager
        with session_scope() as s:
            user = people.add_user(s, actor=None, email=email, display_name=name or f"User {_counter['n']}",
                                   roles=role, department_name=department, manager_email=manager_email,
                                   password=password, locale=locale)
        return user

    return make


@pytest.fixture
def auth_headers():
    from incidents.people import service as people

    def headers(user) -> dict[str, str]:
        with session_scope() as s:
            token, _ = people.create_token(s, actor=None, email=user.email, name="test")
        return {"Authorization": f"Bearer {token}"}

    return headers


def iso(dt: datetime) -> str:
    return dt.isoformat()


@pytest.fixture
def incident_payload():
    def payload(**overrides):
        jst = timezone(timedelta(hours=9))
        now = datetime.now(jst).replace(microsecond=0)
        data = {
            "title": "見積書を別の顧客に誤送信",
            "mistake_type": "wrong_recipient",
            "discovery_method": "self_noticed",
            "sent_at": iso(now - timedelta(hours=3)),
            "discovered_at": iso(now - timedelta(hours=2)),
            "message": {
                "subject": "【見積書送付】2025年度 保守契約",
                "sender": "taro.yamada@example.co.jp",
                "summary": "A社向けの見積書をB社の担当者に送付した。",
                "attachments": [{"filename": "見積書_A社.pdf", "size_bytes": 183201,
                                 "sha256": "a" * 64, "content_type": "application/pdf"}],
            },
            "recipients": [
                {"address": "suzuki@b-corp.example", "name": "鈴木 一郎", "organization": "B株式会社",
                 "field": "to", "kind": "unintended"},
                {"address": "sato@a-corp.example", "name": "佐藤 花子", "organization": "A株式会社",
                 "field": "to", "kind": "intended"},
            ],
            "data_items": ["name", "email_address", "confidential_business"],
            "affected_persons": 3,
            "protection": "none",
            "key_exposed": False,
            "improper_purpose": False,
            "jurisdictions": ["jp"],
        }
        data.update(overrides)
        return data

    return payload


@pytest.fixture
def make_incident(incident_payload):
    from incidents.cases import service as cases
    from incidents.cases.schemas import IncidentCreate

    def make(actor, **overrides):
        with session_scope() as s:
            return cases.report(s, actor=actor, data=IncidentCreate.model_validate(incident_payload(**overrides)))

    return make


@pytest.fixture
def cli():
    """Run the real CLI in-process: returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from cli.main import app as cli_app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict | None = None):
        result = runner.invoke(cli_app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
