"""Small validators shared by the edge models of several domains."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def check_address(value: str) -> str:
    """A syntactically valid mail address (no DNS look-up), returned as given (trimmed)."""
    value = value.strip()
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise ValueError(f"invalid email address {value!r}: {exc}") from None
    return value
