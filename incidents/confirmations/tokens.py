"""Confirmation links: one token per request, 160 bits, never stored.

The token is HMAC-SHA256(server secret key, request id + a random nonce), cut to 40 hex digits; the
database keeps the nonce and the SHA-256 of the token. A copy of the database therefore holds no usable
link, while the server can write the same link again in a reminder. (Changing the secret key makes the
links already sent unusable.)

    token, digest, nonce = new_token(request_id)
    request = valid_request(session, token, now=now)   # None for unknown, tampered, expired or revoked
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from incidents.config import get_settings
from incidents.confirmations.models import ConfirmationToken, DeletionRequest

TOKEN_HEX = 40  # 160 bits
_SHAPE = re.compile(r"^[0-9a-f]{40}$")


def token_for(request_id: int, nonce: str) -> str:
    key = get_settings().resolved_secret_key().encode()
    return hmac.new(key, f"deletion-confirmation:{request_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:TOKEN_HEX]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def new_token(request_id: int) -> tuple[str, str, str]:
    nonce = secrets.token_hex(16)
    token = token_for(request_id, nonce)
    return token, digest(token), nonce


def well_formed(token: str) -> bool:
    return bool(_SHAPE.match(token or ""))


def find(session: Session, token: str) -> tuple[ConfirmationToken, DeletionRequest] | None:
    """The token row and its request, whatever their state (None when the link never existed)."""
    if not well_formed(token):
        return None
    row = session.execute(
        select(ConfirmationToken, DeletionRequest).join(DeletionRequest, DeletionRequest.id == ConfirmationToken.request_id)
        .where(ConfirmationToken.token_hash == digest(token))
    ).first()
    return (row[0], row[1]) if row else None


def usable(token_row: ConfirmationToken, now: datetime) -> bool:
    return token_row.revoked_at is None and token_row.expires_at > now


def valid_request(session: Session, token: str, *, now: datetime) -> DeletionRequest | None:
    found = find(session, token)
    if found is None or not usable(found[0], now):
        return None
    return found[1]
