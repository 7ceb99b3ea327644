"""Every migration goes up, down and up again; an un-migrated database is refused with one line."""

from __future__ import annotations

import subprocess
import sys
import uuid

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from incidents import migrations
from incidents.db import dispose_engines
from tests.conftest import TEST_DB_URL


def _scratch_url(tmp_path) -> tuple[str, callable]:
    """A database of its own: a new SQLite file, or a new PostgreSQL database beside the test one."""
    url = make_url(TEST_DB_URL)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'scratch.db'}", lambda: None
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = url.set(database=name).render_as_string(hide_password=False)

    def drop():
        dispose_engines()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return scratch, drop


def test_upgrade_downgrade_upgrade(tmp_path):
    url, drop = _scratch_url(tmp_path)
    try:
        migrations.upgrade(url)
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        assert {"incidents", "recipients", "users", "audit_events"} <= tables
        assert not migrations.pending(url)
        migrations.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(url)
        assert set(inspect(engine).get_table_names()) == tables
        engine.dispose()
    finally:
        drop()


def test_service_refuses_an_unmigrated_database(tmp_path):
    url, drop = _scratch_url(tmp_path)
    try:
        env = {"INCIDENTS_DATABASE_URL": url, "INCIDENTS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        result = subprocess.run([sys.executable, "-m", "cli.main", "serve", "--port", "0"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert result.stderr.strip().startswith("error: the database is not migrated")
        assert len(result.stderr.strip().splitlines()) == 1
        result = subprocess.run([sys.executable, "-m", "cli.main", "list", "--as", "x@example.co.jp"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1 and "incidents db upgrade" in result.stderr
    finally:
        drop()
