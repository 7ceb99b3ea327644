"""The `incidents` command: a root typer app; every cli/<group>.py registers its commands.

Errors become one line on stderr and exit code 1, for domain errors, usage errors and the unexpected alike.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click
import typer
from typer.core import TyperGroup

import cli
from cli.common import CliError, err_console
from incidents.errors import DomainError
from incidents.migrations import NotMigrated


def _say(message: str) -> None:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


class IncidentsGroup(TyperGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            _say(exc.message())
            raise click.exceptions.Exit(1) from None
        except (CliError, NotMigrated) as exc:
            _say(str(exc))
            raise click.exceptions.Exit(1) from None

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _say(exc.format_message())
            sys.exit(1)
        except (click.Abort, EOFError):
            _say("aborted")
            sys.exit(1)
        except KeyboardInterrupt:
            _say("interrupted")
            sys.exit(130)
        except Exception as exc:  # never a traceback for users
            _say(f"unexpected {type(exc).__name__}: {exc}")
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
