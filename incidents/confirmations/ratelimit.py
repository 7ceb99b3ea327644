"""Rate limits of the public confirmation page (the `limits` library, the same storage as sign-in
throttling): per network address (generous: a campus behind one NAT) and per link."""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem, parse, storage, strategies

from incidents.config import get_settings
from incidents.confirmations.tokens import digest


@lru_cache
def _limiter(uri: str, per_address: str, per_token: str) -> tuple[strategies.MovingWindowRateLimiter,
                                                                   RateLimitItem, RateLimitItem]:
    return (strategies.MovingWindowRateLimiter(storage.storage_from_string(uri)), parse(per_address),
            parse(per_token))


def hit(*, address: str, token: str) -> bool:
    """Count one request; False when the address or the link has used up its allowance."""
    s = get_settings()
    limiter, per_address, per_token = _limiter(s.ratelimit_storage_uri, s.confirm_rate_per_address,
                                               s.confirm_rate_per_token)
    key = digest(token or "")[:32]
    ok_address = limiter.hit(per_address, "confirm", "address", address or "-")
    ok_token = limiter.hit(per_token, "confirm", "token", key)
    return ok_address and ok_token


def reset() -> None:
    _limiter.cache_clear()
