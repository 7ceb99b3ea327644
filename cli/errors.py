"""Errors as one line in the user's language: every bad field of a file or an answer named by its label and
its JSON key («誤送信の種類 (mistake_type): 選択肢にない値です: typo»), and click's usage errors said again in
our words. No pydantic or click text reaches a person."""

from __future__ import annotations

from typing import Any

import click
from pydantic import ValidationError

from incidents.cases.labels import FIELD_NAMES
from incidents.errors import DomainError
from incidents.i18n import LabelTable, get_locale, translations
from incidents.i18n import gettext as _

try:  # typer 0.22 and later carry their own copy of click: its usage errors are that copy's classes
    from typer._click import exceptions as _typer_click
except ImportError:  # pragma: no cover - an older typer uses click itself
    _typer_click = None

# The usage errors of the command line, whichever click raised them.
CLICK_ERRORS: tuple[type[Exception], ...] = (click.ClickException,) + (
    (_typer_click.ClickException,) if _typer_click is not None else ())

MAX_LISTED = 20  # entries of a list named one by one for the same problem


def _field(loc: tuple[Any, ...], names: LabelTable | None) -> str:
    """«宛先 2件目 メールアドレス (recipients.2.address)»: labels of the keys, then the JSON path."""
    path = ".".join(str(p) for p in loc)
    words = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            words.append(_("no. %(n)s", n=part + 1))
        elif names is not None and part in names:
            words.append(names.label(part))
        elif i == len(loc) - 1 or not words:
            words.append(str(part))
    label = " ".join(words)
    return path if label == path else f"{label} ({path})"


def _choices(expected: str) -> str:
    return expected.replace("'", "")


def _problem(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    given = err.get("input")
    if kind == "missing":
        return _("required")
    if kind == "extra_forbidden":
        return _("not a field of this record")
    if kind in ("enum", "literal_error"):
        return _("%(value)s is not one of %(choices)s", value=str(given)[:40], choices=_choices(ctx.get("expected", "")))
    if kind in ("string_too_long", "too_long"):
        return _("too long (at most %(n)s)", n=ctx.get("max_length", "?"))
    if kind in ("string_too_short", "too_short"):
        return _("too short (at least %(n)s)", n=ctx.get("min_length", "?"))
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be %(n)s or more", n=ctx.get("ge", ctx.get("gt", "?")))
    if kind in ("less_than_equal", "less_than"):
        return _("must be %(n)s or less", n=ctx.get("le", ctx.get("lt", "?")))
    if kind.startswith("int_") or kind.startswith("float_") or kind == "decimal_parsing":
        return _("a number is needed, not %(value)s", value=str(given)[:40])
    if kind.startswith("bool_"):
        return _("true or false is needed, not %(value)s", value=str(given)[:40])
    if kind.startswith(("datetime_", "date_", "time_", "timezone_")):
        return _('cannot read "%(value)s" as a date and time; write it like 2026-11-28 15:20 or 2026/11/28 15:20',
                 value=str(given)[:60])
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("a list is needed")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("an object ({...}) is needed")
    if kind == "string_type":
        return _("text is needed")
    if kind == "string_pattern_mismatch":
        return _("not in the expected form")
    if kind == "json_invalid":
        return _("the file is not valid JSON")
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        if isinstance(cause, DomainError):
            return cause.message()
        text = str(cause) if cause is not None else str(err.get("msg", ""))
        return translations(get_locale()).gettext(text)  # our validators raise with English msgids
    return _("not valid")


def validation_message(exc: ValidationError, names: LabelTable | None = FIELD_NAMES) -> str:
    """Every bad field in one line: «label (key): problem; label (key): problem…». Nothing is left out: the
    same problem in many entries of a list (5,000 recipients) is said once for that field, with the entries."""
    groups: dict[tuple[tuple[Any, ...], str], list[tuple[Any, ...]]] = {}
    for err in exc.errors():
        loc = tuple(p for p in err.get("loc", ()) if p not in ("body",))
        shape = tuple("*" if isinstance(p, int) else p for p in loc)
        groups.setdefault((shape, _problem(err)), []).append(loc)
    parts = []
    for (shape, problem), locs in groups.items():
        if not locs[0]:
            parts.append(problem)
        elif len(locs) == 1:
            parts.append(f"{_field(locs[0], names)}: {problem}")
        else:
            rows = [", ".join(str(p + 1) for p in loc if isinstance(p, int)) for loc in locs]
            listed = ", ".join(_("no. %(n)s", n=r) for r in rows[:MAX_LISTED])
            entries = _("%(n)s entries: %(which)s", n=f"{len(locs):,}", which=listed + (" …" if len(rows) > MAX_LISTED else ""))
            parts.append(f"{_field(shape, names)}: {problem} ({entries})")
    return "; ".join(parts)


def _is(obj: Any, name: str) -> bool:
    """`obj` is an instance of click's class `name` (of click itself or of typer's copy)."""
    return any(c.__name__ == name for c in type(obj).__mro__)


def click_message(exc: Exception) -> str:
    """A usage error in the user's language (click's own text is English)."""
    if _is(exc, "NoSuchOption"):
        text = _("there is no option %(option)s", option=exc.option_name)
        if exc.possibilities:
            text += " " + _("(did you mean %(options)s?)", options=", ".join(sorted(exc.possibilities)))
        return text
    if _is(exc, "MissingParameter"):
        param = exc.param
        name = "/".join(param.opts) if param is not None and param.opts else (param.name if param else "?")
        if param is not None and param.param_type_name == "argument":
            shown = getattr(param, "human_readable_name", None) or getattr(param, "name", None) or name
            return _("%(name)s is missing", name=str(shown).upper())
        return _("%(option)s is required", option=name)
    if _is(exc, "BadParameter"):
        param = exc.param
        name = "/".join(param.opts) if param is not None and param.opts else (param.name if param else "")
        ptype = getattr(param, "type", None)
        if _is(ptype, "Choice"):
            problem = _("choose one of %(choices)s", choices=", ".join(map(str, ptype.choices)))
        elif _is(ptype, "IntParamType") or _is(ptype, "FloatParamType"):
            problem = _("a number is needed")
        elif _is(ptype, "Path"):
            problem = _("no such file")
        else:
            problem = _("not valid")
        return f"{name}: {problem}" if name else problem
    message = exc.format_message()
    if _is(exc, "BadOptionUsage") and "requires an argument" in message:
        return _("%(option)s needs a value", option=getattr(exc, "option_name", "") or message.split("'")[1])
    if message.startswith("No such command"):
        return _("there is no such command: %(name)s (see incidents --help)", name=message.split("'")[1]
                 if "'" in message else message)
    if message.startswith("Got unexpected extra argument"):
        extra = message[message.rindex(" (") + 2:message.rindex(")")] if " (" in message and ")" in message else message
        return _("too many arguments: %(args)s", args=extra)
    return translations(get_locale()).gettext(message)
