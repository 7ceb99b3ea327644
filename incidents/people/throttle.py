"""Sign-in throttling with the `limits` library: failures are counted per account and per address in a moving
window; once either is full, further attempts are refused (429 with Retry-After) without checking the password.

The counters live in the configured storage (`INCIDENTS_RATELIMIT_STORAGE_URI`): memory for one process, or a
shared store (e.g. redis://) when several processes serve the app.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse, storage, strategies

from incidents.config import get_settings
from incidents.errors import DomainError
from incidents.i18n import gettext as _


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Limits:
    limiter: strategies.MovingWindowRateLimiter
    per_account: RateLimitItem
    per_address: RateLimitItem


@lru_cache
def _limits(uri: str, per_account: str, per_address: str) -> _Limits:
    return _Limits(strategies.MovingWindowRateLimiter(storage.storage_from_string(uri)),
                   parse(per_account), parse(per_address))


def _current() -> _Limits:
    s = get_settings()
    return _limits(s.ratelimit_storage_uri, s.login_failures_per_account, s.login_failures_per_address)


def _keys(account: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
    lim = _current()
    return [(lim.per_account, "account", account.strip().lower()), (lim.per_address, "address", address or "-")]


def check(*, account: str, address: str) -> None:
    """Raise TooManyAttempts when the account or the address has used up its failures."""
    lim = _current()
    waits = []
    for item, kind, key in _keys(account, address):
        if not lim.limiter.test(item, "login", kind, key):
            reset = lim.limiter.get_window_stats(item, "login", kind, key).reset_time
            waits.append(max(1, math.ceil(reset - time.time())))
    if waits:
        wait = max(waits)
        minutes = max(1, math.ceil(wait / 60))
        raise TooManyAttempts(
            _("Too many failed sign-in attempts. Try again in %(minutes)d minutes, or ask an administrator "
              "to check the account.", minutes=minutes), retry_after=wait)


def failed(*, account: str, address: str) -> None:
    lim = _current()
    for item, kind, key in _keys(account, address):
        lim.limiter.hit(item, "login", kind, key)


def succeeded(*, account: str) -> None:
    """A correct sign-in clears the account's failures (the address keeps its count)."""
    lim = _current()
    lim.limiter.clear(lim.per_account, "login", "account", account.strip().lower())


def reset_all() -> None:
    """Forget every counter (tests; an operator after a false alarm)."""
    lim = _current()
    lim.limiter.storage.reset()
