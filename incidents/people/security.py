"""Password hashing (argon2id, via argon2-cffi) and API token digests."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from incidents.config import get_settings

TOKEN_PREFIX = "inc_"


@lru_cache
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hasher() -> PasswordHasher:
    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib)


def hash_password(password: str) -> str:
    return hasher().hash(password)


@lru_cache
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an account without one costs the same time (no hint that it does not exist)."""
    if not password_hash:
        s = get_settings()
        try:
            hasher().verify(_dummy_hash(s.argon2_time_cost, s.argon2_memory_kib), password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens carry 256 bits of randomness: a plain SHA-256 is the right digest (lookup by equality)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_key() -> str:
    """The random handle of a calendar-feed URL (see incidents.response.ics)."""
    return secrets.token_urlsafe(24)
