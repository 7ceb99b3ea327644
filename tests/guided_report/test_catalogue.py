"""Every message of the guided report and the control room has its Japanese translation (English is the message id)."""

from __future__ import annotations

import re
from pathlib import Path

from incidents import i18n

ROOT = Path(__file__).resolve().parents[2]
FILES = ["templates/pages/report_wizard.html", "templates/pages/reporter.html", "templates/pages/error.html", "templates/pages/control_room.html",
         "incidents/guided_report/pages.py", "incidents/guided_report/form.py",
         "incidents/control_room/pages.py"]
SINGULAR = re.compile(r'''(?<![A-Za-z])_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')''')
PLURAL = re.compile(r'''ngettext\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")''')


def test_every_message_has_a_japanese_translation():
    ja = i18n.translations("ja")
    missing = []
    for name in FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        for m in SINGULAR.finditer(text):
            msgid = eval(m.group(1))  # a string literal from our own source
            if ja.gettext(msgid) == msgid:
                missing.append(msgid)
        for m in PLURAL.finditer(text):
            singular, plural = eval(m.group(1)), eval(m.group(2))
            if ja.ngettext(singular, plural, 2) == plural:
                missing.append(singular)
    assert not missing, missing
