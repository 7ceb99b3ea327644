"""Translations: gettext catalogues (Babel .po files under incidents/locales), English message ids.

One way to speak, for pages, CLI, documents, mails and domain errors alike:

- `_("English text %(name)s", name=...)` in the current language (of the request or the command);
- `translate("English text", "en", ...)` in a given language, whatever the current one (documents, mails);
- `N_("English text")` marks a msgid in a module-level constant, translated later where it is shown;
- code labels come from the owning domain's `LabelTable`s (`cases/labels.py`, `response/labels.py`, ...):
  `label(MISTAKE_TYPES, code)`, `MISTAKE_TYPES.label(code, locale="en")`, `.options()`, `.join(codes)`.
  A table's labels are msgids with the table's name as gettext context (msgctxt), so the same English word
  may read differently in two tables ("Open" incident 対応中, "Open" step 未了).

The catalogues are compiled in memory when first used, so no build step is needed. Every
`incidents/locales/ja/LC_MESSAGES/<domain>.po` is read and merged.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
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


def _format(text: str, params: dict) -> str:
    return text % params if params else text


def gettext(message: str, **params) -> str:
    """The message in the current language, with %(name)s parameters filled in."""
    return _format(translations(get_locale()).gettext(message), params)


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def translate(message: str, locale: str, **params) -> str:
    """The message in `locale` (ja | en), whatever the current language: for documents and mails."""
    return _format(translations(locale if locale in LOCALES else "ja").gettext(message), params)


def translate_plural(singular: str, plural: str, n: int, locale: str, **params) -> str:
    text = translations(locale if locale in LOCALES else "ja").ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def bilingual(message: str, **params) -> tuple[str, str]:
    """(Japanese, English) of one message: for data contracts that carry both (`message_ja`, `message_en`)."""
    return translate(message, "ja", **params), translate(message, "en", **params)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a msgid to be translated later, where it is shown."""
    return message


_ = gettext


def lower_first(text: str) -> str:
    """An English label inside a sentence: «Wrong recipient» → «wrong recipient»; «My Number», «PPC» kept."""
    words = text.split(" ")
    first = words[0]
    if len(first) < 2 or not first[1:].islower() or (len(words) > 1 and words[1][:1].isupper()):
        return text
    return first[0].lower() + text[len(first[0]):]


# ---- code labels ---------------------------------------------------------------------------------------

TABLES: dict[str, LabelTable] = {}


class LabelTable(Mapping[str, str]):
    """The labels of one list of codes (a StrEnum's values): code -> English msgid, translated in the
    table's gettext context. Unknown codes read as themselves (never an error in a page or a letter).

    Declare each table once, in the domain that owns the codes; everything that shows them imports it.
    """

    def __init__(self, name: str, labels: Mapping[str, str]):
        if name in TABLES:
            raise ValueError(f"label table {name!r} is declared twice")
        self.name = name
        self._labels = dict(labels)
        TABLES[name] = self

    def __getitem__(self, code: str) -> str:
        return self._labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __repr__(self) -> str:
        return f"LabelTable({self.name!r}, {len(self)} codes)"

    def label(self, code: object, locale: str | None = None) -> str:
        if code is None:
            return ""
        key = getattr(code, "value", code)
        msgid = self._labels.get(str(key))
        if msgid is None:
            return str(key)
        return translations(locale or get_locale()).pgettext(self.name, msgid)

    def options(self, locale: str | None = None) -> list[tuple[str, str]]:
        """(code, label) pairs in the table's order: for selects, radio groups and numbered CLI choices."""
        return [(code, self.label(code, locale)) for code in self._labels]

    def join(self, codes: Iterable[object] | None, locale: str | None = None) -> str:
        loc = locale or get_locale()
        return ("、" if loc == "ja" else ", ").join(self.label(c, loc) for c in codes or ())

    def both(self, code: object) -> tuple[str, str]:
        return self.label(code, "ja"), self.label(code, "en")


def label(table: LabelTable | str, code: object, locale: str | None = None) -> str:
    """The label of `code` in `table` (a table or its name, e.g. in templates: `label("step_status", s.status)`),
    in `locale` (default: the current language)."""
    if isinstance(table, str):
        if table not in TABLES:
            load_tables()
        table = TABLES[table]
    return table.label(code, locale)


def load_tables() -> dict[str, LabelTable]:
    """Every domain's label tables (`incidents/<domain>/labels.py`), declared."""
    import importlib
    import pkgutil

    import incidents

    for module in pkgutil.iter_modules(incidents.__path__):
        if module.ispkg and importlib.util.find_spec(f"incidents.{module.name}.labels") is not None:
            importlib.import_module(f"incidents.{module.name}.labels")
    return TABLES
