"""What every command shares: the acting user, the unit of work, output as tables or JSON, errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from incidents import i18n, plugins
from incidents.db import session_scope
from incidents.errors import DomainError, Unauthorized
from incidents.migrations import ensure_migrated
from incidents.people.models import User

console = Console()
err_console = Console(stderr=True)

AsUser = Annotated[str | None, typer.Option("--as", envvar="INCIDENTS_USER", help="Acting user's email")]
JsonOut = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output")]


class CliError(Exception):
    """A one-line error for the user (exit code 1)."""


def fail(message: str) -> NoReturn:
    raise CliError(message)


@contextmanager
def operator_session() -> Iterator[Session]:
    """For operator commands (db, users, tokens): whoever holds the database; no acting user."""
    plugins.load()
    ensure_migrated()
    with session_scope() as session:
        yield session


@contextmanager
def command_session(as_user: str | None) -> Iterator[tuple[Session, User]]:
    """A unit of work as the acting user, through the same services, checks and audit as the API."""
    if not as_user:
        fail("who is acting? pass --as EMAIL or set INCIDENTS_USER")
    with operator_session() as session:
        from incidents.people.service import user_by_email

        try:
            actor = user_by_email(session, as_user)
        except DomainError:
            raise Unauthorized(f"no such user: {as_user}") from None
        if not actor.active:
            raise Unauthorized(f"user {as_user} is deactivated")
        i18n.set_locale(os.environ.get("INCIDENTS_LANG") or actor.locale)
        yield session, actor


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    console.print(t)


def print_result(obj: Any, as_json: bool, *, columns: list[str] | None = None) -> None:
    """JSON for machines; a table (for lists) or key: value lines for people."""
    if as_json:
        print_json(obj)
        return
    data = to_jsonable(obj)
    if isinstance(data, list):
        cols = columns or (list(data[0].keys()) if data else [])
        table(None, cols, [[row.get(c) for c in cols] for row in data])
    elif isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(v, (list, dict)):
                console.print(f"[bold]{k}[/bold]: {v}")
    else:
        console.print(data)
