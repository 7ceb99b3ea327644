"""Domain errors: raised by services, mapped once to HTTP and once to the CLI.

A message speaks of the domain, never of an interface (no CLI option, no form field): each interface adds
its own hint. The message is an English msgid with %(name)s parameters, translated where it is shown:

    raise NotFound("no incident %(id)s", id=incident_id)
    raise InvalidInput("choose the recipient of the letter", field="recipient")

`exc.detail` is the English text (the API's `detail`, logs); `exc.message(locale=None)` the person's language
(CLI, pages). `field` names the JSON key in error, if one is, so an interface can point at it.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, code: str | None = None, *, field: str | None = None, **params: Any):
        self.msgid = detail
        self.params = params
        self.field = field
        self.detail = detail % params if params else detail
        super().__init__(self.detail)
        if code:
            self.code = code

    def message(self, locale: str | None = None) -> str:
        """The message in `locale` (default: the current language)."""
        from incidents import i18n

        text = i18n.translations(locale or i18n.get_locale()).gettext(self.msgid)
        return text % self.params if self.params else text


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid_input"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(DomainError):
    status_code = 409
    code = "invalid_transition"


class TooLarge(DomainError):
    status_code = 413
    code = "too_large"


class ConfigError(DomainError):
    """The service's configuration (environment, secret files) cannot be used; raised before anything runs."""

    status_code = 500
    code = "configuration"


# Babel keywords: a domain error's first argument is a msgid (tests/test_i18n.py extracts them too).
ERROR_KEYWORDS = {name: (1,) for name in ("DomainError", "InvalidInput", "Unauthorized", "Forbidden", "NotFound",
                                          "Conflict", "InvalidTransition", "TooLarge", "ConfigError")}
