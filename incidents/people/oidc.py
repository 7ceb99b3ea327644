"""OpenID Connect, the protocol (Authlib): the authorization code flow with PKCE, state and nonce; the provider's
metadata from its discovery document (INCIDENTS_OIDC_ISSUER); the ID token's signature, issuer, audience, expiry
and nonce checked; the provider's end-session endpoint for signing out. Who the person is, and what they may do,
is decided in `sso`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken

from incidents.config import get_settings
from incidents.errors import Unauthorized
from incidents.i18n import N_

CALLBACK_PATH = "/auth/oidc/callback"
METADATA_TTL_S = 3600
PENDING_TTL_S = 600  # a sign-in started at the provider must come back within ten minutes
REFUSED = N_("single sign-on could not be completed; start again from the sign-in page")

_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


class SsoRefused(Unauthorized):
    """The provider's answer cannot be trusted or used (state, nonce, code, token): the person starts again."""


def configured() -> bool:
    settings = get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def _get_json(url: str) -> dict:
    response = httpx.get(url, timeout=get_settings().oidc_timeout_s, follow_redirects=False)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _cached(url: str, *, refresh: bool = False) -> dict:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(url)
    if hit and not refresh and now - hit[0] < METADATA_TTL_S:
        return hit[1]
    data = _get_json(url)
    with _lock:
        _cache[url] = (now, data)
    return data


def metadata() -> dict:
    issuer = get_settings().oidc_issuer.rstrip("/")
    try:
        meta = _cached(issuer + "/.well-known/openid-configuration")
    except (httpx.HTTPError, ValueError):
        raise SsoRefused(N_("the identity provider cannot be reached; try again later or sign in with a password")) \
            from None
    if str(meta.get("issuer", "")).rstrip("/") != issuer:
        raise SsoRefused(N_("the identity provider is not the one configured"))
    return meta


def redirect_uri() -> str:
    return get_settings().base_url.rstrip("/") + CALLBACK_PATH


def _client(meta: dict) -> OAuth2Client:
    settings = get_settings()
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Client(client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret or None,
                        scope=settings.oidc_scopes, redirect_uri=redirect_uri(), code_challenge_method="S256",
                        token_endpoint_auth_method=method, timeout=settings.oidc_timeout_s)


@dataclass(frozen=True)
class Started:
    url: str  # where the browser goes: the provider's authorization endpoint
    pending: dict  # kept in the browser's session until the provider sends the person back


def start(next_path: str) -> Started:
    """A new sign-in: fresh state, nonce and PKCE verifier; the browser is sent to the provider."""
    meta = metadata()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _client(meta) as client:
        url, _state = client.create_authorization_url(meta["authorization_endpoint"], state=state, nonce=nonce,
                                                      code_verifier=verifier)
    return Started(url=url, pending={"state": state, "nonce": nonce, "verifier": verifier, "next": next_path,
                                     "at": int(time.time())})


def _keys(meta: dict, *, refresh: bool = False):
    return JsonWebKey.import_key_set(_cached(meta["jwks_uri"], refresh=refresh))


def finish(pending: dict | None, *, params: dict[str, str]) -> tuple[dict, str]:
    """The provider sent the person back: check state, exchange the code (with the PKCE verifier), check the ID
    token (signature, issuer, audience, expiry, nonce). Returns the claims (ID token and user info) and the ID
    token. Anything amiss raises SsoRefused."""
    settings = get_settings()
    if not pending or not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_TTL_S:
        raise SsoRefused(REFUSED, reason="no_pending_sign_in")
    if not params.get("state") or params.get("state") != pending.get("state"):
        raise SsoRefused(REFUSED, reason="state")
    if params.get("error"):
        raise SsoRefused(REFUSED, reason=f"provider:{params['error'][:60]}")
    meta = metadata()
    if params.get("iss") and params["iss"].rstrip("/") != settings.oidc_issuer.rstrip("/"):
        raise SsoRefused(REFUSED, reason="iss")
    if not params.get("code"):
        raise SsoRefused(REFUSED, reason="no_code")
    try:
        with _client(meta) as client:
            token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code", code=params["code"],
                                       code_verifier=pending["verifier"], redirect_uri=redirect_uri())
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise SsoRefused(REFUSED, reason=f"code:{getattr(exc, 'error', type(exc).__name__)}") from None
    id_token = token.get("id_token")
    if not id_token:
        raise SsoRefused(REFUSED, reason="no_id_token")
    claims = _verify_id_token(meta, id_token, nonce=pending["nonce"], access_token=token.get("access_token"))
    info = _userinfo(meta, token.get("access_token"), claims["sub"])
    return {**info, **{k: v for k, v in claims.items() if v is not None}}, id_token


def _verify_id_token(meta: dict, id_token: str, *, nonce: str, access_token: str | None) -> dict:
    settings = get_settings()
    algorithms = [a for a in meta.get("id_token_signing_alg_values_supported") or [] if a != "none"]
    jwt = JsonWebToken(algorithms or ["RS256"])
    options = {"iss": {"essential": True, "value": meta["issuer"]}, "sub": {"essential": True},
               "aud": {"essential": True, "value": settings.oidc_client_id},
               "nonce": {"essential": True, "value": nonce}}
    params = {"nonce": nonce, "client_id": settings.oidc_client_id}
    if access_token:
        params["access_token"] = access_token
    for refresh in (False, True):  # the provider may have rotated its keys since they were cached
        try:
            claims = jwt.decode(id_token, _keys(meta, refresh=refresh), claims_cls=CodeIDToken,
                                claims_options=options, claims_params=params)
            break
        except Exception as exc:  # Authlib's and joserfc's errors alike: an unusable token is refused
            if refresh or "key" not in str(exc).lower():
                raise SsoRefused(REFUSED, reason=f"id_token:{type(exc).__name__}") from None
    try:
        claims.validate(leeway=60)
    except Exception as exc:  # InvalidClaimError, ExpiredTokenError... (from authlib.jose or joserfc)
        raise SsoRefused(REFUSED, reason=f"id_token:{getattr(exc, 'error', type(exc).__name__)}") from None
    return dict(claims)


def _userinfo(meta: dict, access_token: str | None, sub: str) -> dict:
    if not access_token or not meta.get("userinfo_endpoint"):
        return {}
    try:
        response = httpx.get(meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"},
                             timeout=get_settings().oidc_timeout_s)
        response.raise_for_status()
        info = response.json()
    except (httpx.HTTPError, ValueError):
        return {}
    return info if isinstance(info, dict) and info.get("sub") == sub else {}


def end_session_url(id_token: str) -> str | None:
    """The provider's end-session URL for this sign-in (RP-initiated logout), if the provider offers one."""
    try:
        meta = metadata()
    except SsoRefused:
        return None
    endpoint = meta.get("end_session_endpoint")
    if not endpoint:
        return None
    settings = get_settings()
    query = urlencode({"id_token_hint": id_token, "client_id": settings.oidc_client_id,
                       "post_logout_redirect_uri": settings.base_url.rstrip("/") + "/login"})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
