"""One way to speak: every message id extracted from the code and the templates (Babel, babel.cfg) and every
label of every code table has its English (the msgid) and its Japanese; the label API works in any language."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from incidents import i18n
from incidents.i18n import LabelTable, label, lower_first, translate

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (1,), "fail": (1,), "_t": (1,),
            "translate_plural": (1, 2), "bilingual": (1,)}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")


def _catalogue() -> dict[tuple[str | None, str], list[tuple[str, str]]]:
    """(msgctxt, msgid) -> [(file, msgstr)] over every Japanese .po file."""
    out: dict[tuple[str | None, str], list[tuple[str, str]]] = defaultdict(list)
    for po in sorted((i18n.LOCALE_DIR / "ja" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    msgid = m.id if isinstance(m.id, str) else m.id[0]
                    msgstr = m.string if isinstance(m.string, str) else m.string[0]
                    out[(m.context, msgid)].append((po.name, "" if m.fuzzy else msgstr))
    return out


def _extracted() -> list[tuple[str, int, str | None, str]]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = []
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.append((filename, lineno, context, message if isinstance(message, str) else message[0]))
    return found


def _all_tables() -> dict[str, LabelTable]:
    """Every module of the application imported, so that every label table is declared."""
    import incidents

    for module in pkgutil.walk_packages(incidents.__path__, "incidents."):
        importlib.import_module(module.name)
    return i18n.TABLES


def test_every_extracted_msgid_is_english_and_has_japanese():
    catalogue = _catalogue()
    extracted = _extracted()
    assert len(extracted) > 300  # the extraction really read the code and the templates
    not_english = [f"{f}:{n}: {m}" for f, n, _c, m in extracted if JAPANESE.search(m)]
    assert not not_english, "a msgid must be the English text:\n" + "\n".join(not_english)
    missing = [f"{f}:{n}: {m}" for f, n, c, m in extracted if not any(s for _, s in catalogue.get((c, m), []))]
    assert not missing, "no Japanese translation for:\n" + "\n".join(missing)


def test_every_label_of_every_code_table_is_english_and_has_japanese():
    catalogue = _catalogue()
    tables = _all_tables()
    assert {"mistake_type", "discovery_method", "data_item", "incident_status"} <= set(tables)
    problems = []
    for table in tables.values():
        for code, msgid in table.items():
            if not msgid or JAPANESE.search(msgid):
                problems.append(f"{table.name}.{code}: the English label is missing ({msgid!r})")
            elif not any(s for _, s in catalogue.get((table.name, msgid), [])):
                problems.append(f'{table.name}.{code}: no Japanese (msgctxt "{table.name}" msgid "{msgid}")')
    assert not problems, "\n".join(problems)


def test_labels_in_a_given_language_whatever_the_current_one():
    from incidents.cases.labels import DATA_ITEMS, FIELD_NAMES, MISTAKE_TYPES, STATUS, mistake_options

    i18n.set_locale("ja")
    assert MISTAKE_TYPES.label("wrong_recipient") == "宛先の誤り"
    assert label(MISTAKE_TYPES, "wrong_recipient", locale="en") == "Wrong recipient"
    assert MISTAKE_TYPES.label("bcc_exposure", "en") == "Addresses exposed in To/Cc instead of Bcc"
    assert i18n.get_locale() == "ja"  # asking for English did not change the current language
    assert DATA_ITEMS.join(["name", "phone"]) == "氏名、電話番号"
    assert DATA_ITEMS.join(["name", "phone"], locale="en") == "Name, Phone number"
    assert STATUS.label("open") == "対応中" and STATUS.both("closed") == ("完了", "Closed")
    assert FIELD_NAMES.label("mistake_type") == "誤送信の種類"
    assert MISTAKE_TYPES.label("no_such_code") == "no_such_code" and MISTAKE_TYPES.label(None) == ""
    assert dict(mistake_options("en"))["wrong_recipient"] == "Wrong recipient (typo, autocomplete, namesake)"
    assert dict(mistake_options("ja"))["wrong_recipient"] == "宛先の誤り（入力ミス、オートコンプリート、同姓の別人）"
    assert [c for c, _ in MISTAKE_TYPES.options("en")][0] == "wrong_recipient"
    i18n.set_locale("en")
    try:
        assert MISTAKE_TYPES.label("wrong_recipient") == "Wrong recipient"
        assert MISTAKE_TYPES.label("wrong_recipient", "ja") == "宛先の誤り"
        assert translate("Incidents", "ja") == "事案一覧" and i18n.gettext("Incidents") == "Incidents"
    finally:
        i18n.set_locale("ja")


def test_a_table_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        LabelTable("mistake_type", {"x": "X"})


@pytest.mark.parametrize(("text", "expected"), [
    ("Wrong recipient", "wrong recipient"), ("Addresses exposed in To/Cc", "addresses exposed in To/Cc"),
    ("My Number (individual number)", "My Number (individual number)"), ("PPC", "PPC"), ("To", "to"),
    ("GDPR art. 33", "GDPR art. 33"), ("", ""),
])
def test_lower_first_keeps_names(text, expected):
    assert lower_first(text) == expected


def _sources():
    for folder, pattern in (("incidents", "*.py"), ("cli", "*.py"), ("templates", "*.html")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            yield path, path.read_text(encoding="utf-8")


def test_codes_are_labelled_by_their_table_never_passed_to_gettext():
    """`_(s.status)` translates nothing the catalogue can check: codes go through a LabelTable."""
    dynamic = re.compile(r"(?<![\w.])(?:_|gettext)\((?!\s*[\"')])(?!\s*[A-Z][A-Z_]+\))")  # N_-marked CONSTANTS are fine
    found = [f"{p.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {text[m.start():m.start() + 40]}"
             for p, text in _sources() for m in dynamic.finditer(text) if "def " not in text[max(0, m.start() - 4):m.start()]]
    assert not found, "\n".join(found)


def test_every_table_a_template_names_exists():
    tables = _all_tables()
    named = {(p.name, m.group(1)) for p, text in _sources() if p.suffix == ".html"
             for m in re.finditer(r"""(?<![\w.])label\(\s*["'](\w+)["']""", text)}
    assert named and not [n for n in named if n[1] not in tables], [n for n in named if n[1] not in tables]


def test_every_audit_action_the_code_records_has_a_label():
    from incidents.analysis.vocab import CountermeasureStatus
    from incidents.audit.labels import AUDIT_ACTIONS

    actions = {m.group(1) for _p, text in _sources() for m in re.finditer(r"""\baction=["']([a-z_]+\.[a-z_]+)["']""", text)}
    actions |= {f"countermeasure.{s.value}" for s in CountermeasureStatus}  # action=f"countermeasure.{new.value}"
    actions |= {"incident.closed", "incident.reopened", "deletion.bulk_sent", "apology.bulk_sent", "user.deactivated"}
    assert len(actions) > 30
    assert not sorted(actions - set(AUDIT_ACTIONS)), sorted(actions - set(AUDIT_ACTIONS))


def test_no_message_is_translated_twice_differently():
    """Catalogues are merged: the same msgid in two domains' files must read the same (else use a label table's
    context or another msgid)."""
    clashes = {key: found for key, found in _catalogue().items() if len({s for _, s in found}) > 1}
    assert not clashes, clashes
