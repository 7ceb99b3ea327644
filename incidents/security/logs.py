"""What the server's logs may hold: never secrets in URLs (calendar-feed and confirmation tokens), never
query values (search terms, names), never SQL parameters (incidents.db hides them from error messages,
incidents.security.failsafe logs errors without their message).

`install()` puts the redacting filter on uvicorn's access log; create_app calls it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote

# A path segment that looks like a secret: long, random (URL-safe base64 / hex, with a digit), e.g. a feed
# token; an extension such as .ics is kept.
_SECRET_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{20,}(?=(\.[A-Za-z0-9]{1,5})?(/|$))")
# Segments that are secrets whatever they look like: the one after these.
_AFTER = re.compile(r"(?<=/calendar/feed/)[^/]+?(?=(\.[A-Za-z0-9]{1,5})?(/|$))")
REDACTED = "[redacted]"


def redact_target(target: str) -> str:
    """A request target (path and query) as it may be logged: secret-looking segments and every query
    value replaced."""
    path, _, query = target.partition("?")
    path = _SECRET_SEGMENT.sub(REDACTED, _AFTER.sub(REDACTED, path))
    if not query:
        return path
    keys = [quote(k, safe="") for k, _ in parse_qsl(query, keep_blank_values=True)]
    return path + "?" + "&".join(f"{k}={REDACTED}" for k in keys)


class AccessLogRedactor(logging.Filter):
    """uvicorn.access records carry args (client, method, target, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


_FILTER = AccessLogRedactor()


def install() -> None:
    logger = logging.getLogger("uvicorn.access")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
