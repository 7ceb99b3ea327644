"""The real application with two routes that fail as nothing in it should: a plain bug, and a database
error whose statement carries personal data. Served by tests that watch what a 500 does to the connection
and to the logs."""

from __future__ import annotations

from sqlalchemy import text

from incidents.app import create_app as _create_app
from incidents.db import session_scope

SECRET_VALUES = ("090-1234-5678", "山田花子", "hanako.yamada@example.jp")


def create_app():
    app = _create_app()

    @app.get("/test/boom")
    def boom():
        raise RuntimeError(f"a bug holding {SECRET_VALUES[1]}")

    @app.get("/test/boom-db")
    def boom_db():
        with session_scope() as s:  # a statement the database refuses, with personal data as its parameters
            s.execute(text("INSERT INTO no_such_table (a, b, c) VALUES (:a, :b, :c)"),
                      dict(zip("abc", SECRET_VALUES)))

    return app
