"""The codes of every label table, to find any that reaches a reader."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code of every label table that reads as a code (snake_case or dotted: `wrong_recipient`,
    `step.done`), once every module of the application is imported so that every table is declared."""
    import incidents
    from incidents import i18n

    for module in pkgutil.walk_packages(incidents.__path__, "incidents."):
        importlib.import_module(module.name)
    codes = set()
    for table in i18n.TABLES.values():
        for code in table:
            if re.fullmatch(r"[a-z0-9]+(?:[_.][a-z0-9]+)+", code):
                codes.add(code)
    return frozenset(codes)


def code_tokens_in(text: str) -> set[str]:
    """The known codes that stand as words in `text` (not inside an address, a file name or a longer word)."""
    tokens = set(re.findall(r"(?<![\w@.\-/])[a-z0-9]+(?:[_.][a-z0-9]+)+(?![\w@\-/]|\.\w)", text))
    return tokens & known_codes()
