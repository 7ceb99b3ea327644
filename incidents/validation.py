"""Small validators shared by the edge models of several domains."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from incidents.errors import InvalidInput

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# A host label; «ab--…» (two characters then two hyphens) is reserved for Punycode (RFC 5890 R-LDH labels):
# such labels are left to the reference validator.
_LABEL = r"(?![A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# The common case (plain ASCII dot-atom @ host.tld) is checked by this expression; anything else
# (quoted local parts, internationalised addresses, odd cases) goes to email-validator, the reference.
_PLAIN = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})")


def check_address(value: str) -> str:
    """A syntactically valid mail address (no DNS look-up), returned as given (trimmed)."""
    value = value.strip()
    if len(value) <= 254 and _PLAIN.fullmatch(value) and len(value.split("@", 1)[0]) <= 64:
        return value
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise AddressError('"%(address)s" is not a valid mail address (%(reason)s)', "invalid_address",
                           address=value[:80], reason=str(exc)) from None
    return value


class AddressError(InvalidInput, ValueError):
    """Not a mail address (a ValueError too, so pydantic reports it per field)."""

    def message(self, locale: str | None = None) -> str:  # the reference's reason is English: name the address only
        from incidents.i18n import translate, get_locale

        return translate('"%(address)s" is not a valid mail address', locale or get_locale(),
                         address=self.params["address"])
