"""Every message of sign-in, sessions, MFA and the account pages has its Japanese translation."""

from __future__ import annotations

import re
from pathlib import Path

from incidents import i18n

ROOT = Path(__file__).resolve().parents[2]
FILES = [*sorted((ROOT / "incidents/people").glob("*.py")), *sorted((ROOT / "incidents/sso").glob("*.py")),
         *sorted((ROOT / "incidents/orgchart").glob("*.py")),
         *[ROOT / "templates/pages" / n for n in ("login.html", "login_mfa.html", "account_security.html",
                                                   "admin_sessions.html")],
         *sorted((ROOT / "templates/pages/people").glob("*.html"))]
# _("...") with one or more adjacent string literals (Python's implicit concatenation across lines)
MESSAGE = re.compile(r'''(?<![A-Za-z])_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)''')


def test_every_message_has_a_japanese_translation():
    ja = i18n.translations("ja")
    missing, seen = [], 0
    for path in FILES:
        for m in MESSAGE.finditer(path.read_text(encoding="utf-8")):
            msgid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
            msgid = msgid.encode().decode("unicode_escape") if "\\" in msgid else msgid
            seen += 1
            if ja.gettext(msgid) == msgid:
                missing.append(f"{path.name}: {msgid}")
    assert seen > 50
    assert not missing, missing
