"""What every command shares: the acting user and the language, the unit of work, output for people (rich
tables, user text printed literally) or JSON for machines, errors.

People read the CLI in their language: the acting user's (`incidents --lang en ...` or INCIDENTS_LANG
override it; commands without a user speak the organisation's default). Codes are shown by their labels.
Everything that comes from data — titles, subjects, names, mail text — is printed literally: a subject such
as «[bold]» or «[/var/log]» is text, never rich markup.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from incidents import i18n, plugins
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import DomainError, Unauthorized
from incidents.i18n import gettext as _
from incidents.migrations import ensure_migrated
from incidents.people.models import User
from incidents.times import format_date, format_datetime

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

AsUser = Annotated[str | None, typer.Option("--as", envvar="INCIDENTS_USER", help="Acting user's email")]
JsonOut = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output")]

_override: dict[str, str | None] = {"lang": None}


class CliError(Exception):
    """A one-line error for the user (exit code 1), already in the user's language."""


def fail(message: str, **params: Any) -> NoReturn:
    """Stop with one line on stderr: `message` is an English msgid (with %(name)s parameters), translated."""
    raise CliError(i18n.gettext(message, **params))  # `fail` is a Babel keyword: its literal msgids are extracted


# ---- language -----------------------------------------------------------------------------------------------

def set_language_override(lang: str | None) -> None:
    """`incidents --lang en ...` (or INCIDENTS_LANG): the language of this command, whoever acts."""
    wanted = lang or os.environ.get("INCIDENTS_LANG") or None
    if wanted and wanted not in i18n.LOCALES:
        i18n.set_locale(get_settings().default_locale)
        fail("the language is ja or en, not %(lang)s", lang=wanted)
    _override["lang"] = wanted
    i18n.set_locale(wanted or get_settings().default_locale)


def guess_language(argv: list[str]) -> None:
    """Speak the acting user's language from the start (before the command opens its unit of work), so that
    even an error about the command line is in their language: `--as EMAIL` or INCIDENTS_USER."""
    if _override["lang"]:
        return
    email = os.environ.get("INCIDENTS_USER")
    for i, arg in enumerate(argv):
        if arg == "--as" and i + 1 < len(argv):
            email = argv[i + 1]
        elif arg.startswith("--as="):
            email = arg[5:]
    if not email:
        return
    try:
        from sqlalchemy import func, select

        from incidents.db import get_engine

        with Session(get_engine()) as session:
            locale = session.execute(select(User.locale).where(func.lower(User.email) == email.strip().lower())).scalar()
    except Exception:  # no database yet, not migrated: the command itself will say so
        return
    if locale in i18n.LOCALES:
        i18n.set_locale(locale)


def language(actor: User | None = None) -> str:
    return _override["lang"] or (actor.locale if actor is not None else None) or get_settings().default_locale


# ---- units of work ------------------------------------------------------------------------------------------

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
            raise Unauthorized("no such user: %(email)s", email=as_user) from None
        if not actor.active:
            raise Unauthorized("user %(email)s is deactivated", email=as_user)
        i18n.set_locale(language(actor))
        yield session, actor


# ---- output for machines ------------------------------------------------------------------------------------

def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def _plain(obj: Any) -> Any:
    """Like to_jsonable, but keeps datetimes (people see them in the one human format)."""
    if isinstance(obj, BaseModel):
        return obj.model_dump()
    if isinstance(obj, list):
        return [_plain(o) for o in obj]
    return obj


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2) + "\n")


# ---- output for people: literal text, labels, one time format -----------------------------------------------

def show(value: Any) -> str:
    """A value as a person reads it: times in the organisation's zone, yes/no in words, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def say(text: Any = "", *, style: str | None = None, err: bool = False) -> None:
    """One line of literal text (never interpreted as markup)."""
    (err_console if err else console).print(Text(show(text), style=style or ""), soft_wrap=True)


def heading(text: str) -> None:
    say(text, style="bold")


def fact(label: str, value: Any) -> None:
    """«label: value», the label in bold, the value literal."""
    line = Text(label, style="bold")
    line.append("：" if i18n.get_locale() == "ja" else ": ")
    line.append(show(value))
    console.print(line, soft_wrap=True)


def table(title: str | None, columns: list[str], rows: Iterable[Iterable[Any]], *, caption: str | None = None) -> None:
    """A rich table whose every cell is literal text."""
    t = Table(title=Text(title, style="bold") if title else None, caption=caption, show_lines=False,
              header_style="bold")
    for c in columns:
        t.add_column(Text(c), overflow="fold")
    for r in rows:
        t.add_row(*[Text(show(v)) for v in r])
    console.print(t)


def print_result(obj: Any, as_json: bool, *, columns: list[str] | None = None,
                 labels: dict[str, str] | None = None) -> None:
    """JSON for machines; a table (for lists) or «label: value» lines for people.
    `labels` names the columns (JSON key -> label in the user's language)."""
    if as_json:
        print_json(obj)
        return
    data = _plain(obj)
    names = labels or {}
    if isinstance(data, list):
        cols = columns or (list(data[0].keys()) if data else [])
        table(None, [names.get(c, c) for c in cols], [[row.get(c) for c in cols] for row in data])
    elif isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(v, (list, dict)):
                fact(names.get(k, k), v)
    else:
        say(data)


def ask_yes_no(question: str, *, default: bool = True) -> bool:
    """A yes/no question in the user's language: accepts y/yes/はい/n/no/いいえ."""
    hint = ("[Y/n]" if default else "[y/N]") if i18n.get_locale() != "ja" else ("（はい/いいえ）")
    while True:
        answer = typer.prompt(f"{question} {hint}", default="", show_default=False).strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes", "はい", "ｙ", "h"):
            return True
        if answer in ("n", "no", "いいえ", "ｎ"):
            return False
        say(_("Please answer yes or no."))
