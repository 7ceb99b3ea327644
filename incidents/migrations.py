"""Alembic, driven from code: `incidents db upgrade`, and the check that refuses an un-migrated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from incidents.config import get_settings
from incidents.db import get_engine

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def pending(url: str | None = None) -> set[str]:
    """Revisions the code has and the database lacks (empty when up to date)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    heads = set(script.get_heads())
    with get_engine(url).connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if heads == current:
        return set()
    # the database may be at a head that includes ours through a merge
    applied = set()
    for rev in current:
        applied.update(r.revision for r in script.iterate_revisions(rev, "base"))
    return heads - applied


class NotMigrated(RuntimeError):
    pass


def ensure_migrated(url: str | None = None) -> None:
    missing = pending(url)
    if missing:
        raise NotMigrated(
            "the database is not migrated (missing revisions: "
            f"{', '.join(sorted(missing))}); run `incidents db upgrade` first"
        )
