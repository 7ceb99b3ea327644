"""Engine, sessions and the migration check. Services flush; only the owner of a unit of work commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from incidents.config import get_settings

_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_conn, _record):
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()


def _begin(conn) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data: private
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        # A unit of work that writes takes the write lock at BEGIN, so concurrent writers queue
        # (busy_timeout) instead of failing half-way (e.g. two processes appending to the audit chain).
        # Reads begin deferred and never block anyone (WAL).
        event.listen(engine, "begin", _begin)
        return engine
    # hide_parameters: a database error's message never carries the values (titles, names, phone numbers),
    # so no log line does either.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)


def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def session_scope(url: str | None = None, *, write: bool = True) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error. `write=False` for read-only work."""
    engine = get_engine(url)
    if write and engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_immediate=True)
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(write=request.method not in ("GET", "HEAD", "OPTIONS")) as session:
        yield session


# scope="function": the unit of work commits when the handler returns, before the response is sent, so a
# browser that follows a redirect at once reads committed data, and a failed commit is an error, not a 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def bulk_insert(session: Session, table, rows: list[dict]) -> None:
    """Insert many rows (all with the same keys) in the session's transaction, the fast way for each database.

    SQLite: one executemany. PostgreSQL: COPY … FROM STDIN (psycopg's executemany sends one statement per
    row, and a multi-row VALUES statement spends seconds in psycopg's query parsing at this size).
    Values go in as given: the caller supplies every NOT NULL column (no Python-side defaults are applied).
    """
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    from psycopg.types.json import Json

    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.connection.dbapi_connection.cursor() as cur:
        with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(v) if isinstance(v, (dict, list)) else v for v in (row[c] for c in columns)])
