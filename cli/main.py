"""The `incidents` command: a root typer app; every cli/<group>.py registers its commands.

Errors become one line on stderr and exit code 1, for domain errors, usage errors and the unexpected alike.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Annotated

import click
import typer
from pydantic import ValidationError
from rich.text import Text
from typer.core import TyperGroup

import cli
from cli.common import CliError, err_console, guess_language, set_language_override
from cli.errors import CLICK_ERRORS, click_message, validation_message
from incidents import i18n
from incidents.errors import DomainError
from incidents.migrations import NotMigrated
from incidents.files import private_umask


def _say(message: str) -> None:
    err_console.print(Text(f"error: {message}"), soft_wrap=True)


class IncidentsGroup(TyperGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            _say(exc.message())
        except ValidationError as exc:
            _say(validation_message(exc))
        except CliError as exc:
            _say(str(exc))
        except NotMigrated as exc:
            _say(i18n.gettext(str(exc)))
        raise click.exceptions.Exit(1)

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        private_umask()  # exports, anchors and PDFs written 0600 (incidents.files)
        set_language_override(None)  # INCIDENTS_LANG or the default until the command knows better
        argv = kwargs.get("args") if kwargs.get("args") is not None else (args[0] if args else sys.argv[1:])
        guess_language([str(a) for a in argv or []])
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except CLICK_ERRORS as exc:
            _say(click_message(exc))
            sys.exit(1)
        except CliError as exc:
            _say(str(exc))
            sys.exit(1)
        except (click.Abort, typer.Abort, EOFError):
            _say(i18n.gettext("stopped; nothing was saved"))
            sys.exit(1)
        except KeyboardInterrupt:
            _say(i18n.gettext("interrupted; nothing was saved"))
            sys.exit(130)
        except Exception as exc:  # never a traceback for users
            _say(i18n.gettext("an unexpected error occurred (%(kind)s); nothing was saved", kind=type(exc).__name__))
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    name="incidents",
    cls=IncidentsGroup,
    help="Record and respond to email misdelivery incidents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(lang: Annotated[str | None, typer.Option("--lang", envvar="INCIDENTS_LANG",
                                                    help="Language of the output: ja | en (default: the acting user's)")] = None):
    """Record and respond to email misdelivery incidents."""
    if lang:
        set_language_override(lang)

ORDER = ["core", "cases"]


def _register_all() -> None:
    names = [m.name for m in pkgutil.iter_modules(cli.__path__) if m.name not in ("main", "common", "__main__")]
    for name in [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER):
        module = importlib.import_module(f"cli.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
