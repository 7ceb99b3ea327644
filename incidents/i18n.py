"""Translations: gettext catalogues (Babel .po files under incidents/locales), English message ids.

The catalogues are compiled in memory when first used, so no build step is needed. The language of the
current request or command lives in a context variable; `_()` and `ngettext()` read it.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("ja", "en")
LOCALE_DIR = Path(__file__).parent / "locales"
_current: ContextVar[str] = ContextVar("locale", default="ja")


@cache
def translations(locale: str) -> NullTranslations:
    """Every .po file of the locale (one per domain: core.po, response.po, ...), merged."""
    files = sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    if not files:
        return NullTranslations()
    merged: Translations | None = None
    for po in files:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = Translations(buf, domain=po.stem)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged


def set_locale(locale: str | None) -> str:
    locale = locale if locale in LOCALES else "ja"
    _current.set(locale)
    return locale


def get_locale() -> str:
    return _current.get()


def gettext(message: str, **params) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext
