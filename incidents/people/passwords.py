"""The password policy: long enough, not the e-mail address or the name, and not among the 100,000 passwords
most seen in breaches (shipped offline, see data/README.md). No composition rules (NIST SP 800-63B 3.1.1.2)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from incidents.config import get_settings
from incidents.errors import InvalidInput
from incidents.i18n import gettext as _

BREACHED_LIST = Path(__file__).parent / "data" / "breached-passwords-top100k.txt.gz"
MAX_LENGTH = 200


@cache
def breached_passwords() -> frozenset[str]:
    with gzip.open(BREACHED_LIST, "rt", encoding="utf-8") as fh:
        return frozenset(line.rstrip("\n") for line in fh if line.strip())


def is_breached(password: str) -> bool:
    known = breached_passwords()
    return password in known or password.lower() in known


def check_password(password: str, *, email: str = "", display_name: str = "") -> None:
    """Raise InvalidInput with a reason a person understands when the password does not do."""
    settings = get_settings()
    if len(password) < settings.password_min_length:
        raise InvalidInput(_("a password needs at least %(n)d characters", n=settings.password_min_length))
    if len(password) > MAX_LENGTH:
        raise InvalidInput(_("a password may have at most %(n)d characters", n=MAX_LENGTH))
    lowered = password.strip().lower()
    local = email.split("@")[0].lower()
    if lowered in {email.lower(), local, display_name.strip().lower()} - {""}:
        raise InvalidInput(_("a password must not be your e-mail address or your name"))
    if settings.password_check_breached and is_breached(password):
        raise InvalidInput(_("this password appears in lists of breached passwords; choose another"))
