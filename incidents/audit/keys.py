"""The audit chain's keys. Every event's hash is an HMAC-SHA256 keyed with a secret that is never in the
database: INCIDENTS_AUDIT_KEY (or INCIDENTS_AUDIT_KEY_FILE), else one derived from the application's secret
key. Someone who can write the database but does not hold the key cannot recompute a chain that verifies.

Each event names the key that hashed it by a short fingerprint (`key_id`), so a chain can be moved to a new
key: set the new key, keep the old one as INCIDENTS_AUDIT_PREVIOUS_KEY, run `incidents audit rekey`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from incidents.config import Settings, get_settings
from incidents.errors import ConfigError

_DERIVE = b"incidents audit chain v1"


@dataclass(frozen=True)
class AuditKey:
    id: str  # fingerprint (16 hex), stored with every event; reveals nothing of the key
    secret: bytes

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()


def _key(material: str, *, derived: bool) -> AuditKey:
    raw = material.encode()
    secret = hmac.new(raw, _DERIVE, hashlib.sha256).digest() if derived else raw
    return AuditKey(id=hashlib.sha256(b"key-id:" + secret).hexdigest()[:16], secret=secret)


def current_key(settings: Settings | None = None) -> AuditKey:
    s = settings or get_settings()
    if s.audit_key:
        return _key(s.audit_key, derived=False)
    return _key(s.resolved_secret_key(), derived=True)


def keyring(settings: Settings | None = None) -> dict[str, AuditKey]:
    """Every key a stored event may name: the current one and, during a rotation, the previous one."""
    s = settings or get_settings()
    keys = [current_key(s)]
    if s.audit_previous_key:
        keys.append(_key(s.audit_previous_key, derived=False))
    if s.audit_key:  # a chain started before a dedicated key was configured
        try:
            keys.append(_key(s.resolved_secret_key(), derived=True))
        except ConfigError:
            pass
    return {k.id: k for k in keys}
