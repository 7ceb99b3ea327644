"""Single sign-on through a real OpenID provider: the certified `oidc-provider` (npm, package.json) started by
this module, with a confidential test client that must use PKCE. Chromium signs in as a new person (created, the
role from their group), as a known person (linked), and is refused for a tampered state, a wrong nonce and an
expired code. Signing out ends the local session and goes to the provider's end-session endpoint."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse, urlunparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select as sql_select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.people.models import User, UserSession
from tests.browser.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = Path(__file__).with_name("oidc") / "provider.mjs"
CLIENT_ID, CLIENT_SECRET = "incidents-test", "test-client-secret-0123456789abcdef"
ACCOUNTS = {
    "new.officer": {"email": "new.officer@example.co.jp", "name": "新井 保護", "groups": ["incident-officers"],
                    "department": "コンプライアンス部"},
    "known": {"email": "Known.Person@example.co.jp", "name": "既存 太郎", "groups": ["everyone"]},
    "stranger": {"email": "stranger@example.co.jp", "name": "Stranger", "groups": []},
    "late": {"email": "late@example.co.jp", "name": "遅延 花子", "groups": []},
}


def _node_modules() -> None:
    """The provider comes from package-lock.json (scripts/install --test runs `npm ci`); a worktree installed before
    package.json existed gets it here, the same way."""
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        assert shutil.which("npm"), "npm is missing: install the Debian package nodejs (scripts/install --test)"
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True, timeout=600)


@pytest.fixture(scope="module")
def provider_and_app(migrated_database):
    import uvicorn

    from incidents.app import create_app
    from incidents.config import get_settings
    from incidents.people import oidc

    _node_modules()
    idp_port, app_port = _free_port(), _free_port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    proc = subprocess.Popen(
        ["node", str(PROVIDER)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PORT": str(idp_port), "REDIRECT_URI": app_url + "/auth/oidc/callback",
             "POST_LOGOUT_URI": app_url + "/login", "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
             "ACCOUNTS": json.dumps(ACCOUNTS)})
    deadline = time.monotonic() + 60
    while True:  # start-up, not a test assertion
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready and "listening" in proc.stdout.readline():
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the OpenID provider did not start: " + (proc.stderr.read() if proc.poll() else ""))
    settings = {"INCIDENTS_OIDC_ISSUER": issuer, "INCIDENTS_OIDC_CLIENT_ID": CLIENT_ID,
                "INCIDENTS_OIDC_CLIENT_SECRET": CLIENT_SECRET, "INCIDENTS_BASE_URL": app_url,
                "INCIDENTS_OIDC_SCOPES": "openid email profile groups department",
                "INCIDENTS_OIDC_GROUPS_CLAIM": "groups", "INCIDENTS_OIDC_DEPARTMENT_CLAIM": "department",
                "INCIDENTS_GROUP_ROLES": "incident-officers=officer,incident-managers=manager",
                "INCIDENTS_OIDC_UNKNOWN_USERS": "create", "INCIDENTS_MFA_REQUIRED_ROLES": "officer,admin"}
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    get_settings.cache_clear()
    oidc._cache.clear()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=app_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield app_url, issuer
    server.should_exit = True
    thread.join(timeout=10)
    proc.terminate()
    proc.wait(timeout=10)
    for k, v in saved.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    get_settings.cache_clear()
    oidc._cache.clear()


@pytest.fixture
def sso_page(browser, provider_and_app):
    app_url, _issuer = provider_and_app
    ctx = browser.new_context(base_url=app_url, locale="ja-JP")
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


def provider_sign_in(page, login: str) -> None:
    """The provider's (development) sign-in form, then its consent screen."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    consent = page.locator("button[type=submit]", has_text=re.compile("Continue", re.I))
    consent.wait_for()
    consent.click()


def at_callback(page, issuer: str, change) -> None:
    """Change the provider's redirect back to the app, as an attacker or a slow network would: `change(url) -> url`.
    The browser's form posts to the provider are answered here by following the provider's own redirects (with the
    browser's cookies) up to the one that points at the app's callback."""
    request = page.context.request

    def handler(route):
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        location = urljoin(route.request.url, response.headers.get("location", ""))
        while response.status in (302, 303) and location.startswith(issuer):
            response = request.get(location, max_redirects=0)
            location = urljoin(location, response.headers.get("location", ""))
        if "/auth/oidc/callback" in location:
            location = change(location)
        route.fulfill(status=303, headers={"location": location})

    page.route(re.compile(re.escape(issuer) + r"/interaction/.*"), handler)


def with_state(url: str, state: str) -> str:
    parts = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"state": state}
    return urlunparse(parts._replace(query=urlencode(query)))


def user(email: str) -> User | None:
    with session_scope(write=False) as s:
        return s.execute(sql_select(User).where(User.email == email)).scalar_one_or_none()


def refusals() -> list[dict]:
    with session_scope(write=False) as s:
        return [e.after for e in s.execute(sql_select(AuditEvent).where(AuditEvent.action == "login.sso_refused"))
                .scalars()]


def test_a_new_person_signs_in_is_created_with_the_role_of_their_group_and_signs_out(sso_page, provider_and_app):
    app_url, issuer = provider_and_app
    page = sso_page
    page.goto("/login")
    button = page.locator("#sso")
    expect(button).to_have_text("シングルサインオン")
    button.click()
    page.wait_for_url(re.compile(re.escape(issuer) + "/"))
    provider_sign_in(page, "new.officer")
    page.wait_for_url(app_url + "/")  # no second factor asked here: the provider's stands (officers need one here)
    created = user("new.officer@example.co.jp")
    assert created is not None and created.display_name == "新井 保護"
    assert created.roles == "officer" and created.sso_subject == "new.officer"
    with session_scope(write=False) as s:
        row = s.execute(sql_select(UserSession).where(UserSession.user_id == created.id)).scalar_one()
        assert row.method == "sso" and row.stage == "active" and row.id_token
    expect(page.locator(".me")).to_contain_text("新井 保護")
    # signing out ends the local session and sends the browser to the provider's end-session endpoint
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(re.compile(re.escape(issuer) + "/session/end"))
    with session_scope(write=False) as s:
        assert s.get(UserSession, row.id).revoked_at is not None
    page.goto(app_url + "/")
    assert "/login" in page.url


def test_a_known_person_is_linked_and_keeps_their_account(sso_page, provider_and_app, make_user):
    app_url, _issuer = provider_and_app
    known = make_user("manager", email="known.person@example.co.jp", name="既存 太郎", password=None)
    sso_page.goto(f"/auth/oidc/login?next=/account/security")
    provider_sign_in(sso_page, "known")
    sso_page.wait_for_url(app_url + "/account/security")
    linked = user("known.person@example.co.jp")
    assert linked.id == known.id and linked.sso_subject == "known"
    assert linked.roles == "employee"  # the provider's groups decide: "everyone" maps to no role


def test_a_tampered_state_is_refused(sso_page, provider_and_app):
    app_url, issuer = provider_and_app
    at_callback(sso_page, issuer, lambda url: with_state(url, "forged-state"))
    sso_page.goto("/auth/oidc/login")
    provider_sign_in(sso_page, "stranger")
    sso_page.wait_for_url(re.compile(r".*/auth/oidc/callback.*"))
    expect(sso_page.locator("[role=alert]")).to_contain_text("シングルサインオン")
    assert user("stranger@example.co.jp") is None
    assert any(r.get("reason") == "state" for r in refusals())


def test_a_wrong_nonce_is_refused(sso_page, provider_and_app):
    """The ID token must carry the nonce this browser's sign-in sent. The browser's (signed) session is re-signed
    with another nonce after the sign-in started, as if the provider had answered someone else's request: state,
    code and PKCE verifier all match, only the nonce does not."""
    import base64

    from itsdangerous import TimestampSigner

    from incidents.config import get_settings

    app_url, issuer = provider_and_app
    context = sso_page.context
    authorize = context.request.get(app_url + "/auth/oidc/login", max_redirects=0).headers["location"]
    cookie = next(c for c in context.cookies() if c["name"] == "incidents_session")
    signer = TimestampSigner(get_settings().resolved_secret_key())
    session = json.loads(base64.b64decode(signer.unsign(cookie["value"].encode())))
    assert session["oidc"]["nonce"] == parse_qs(urlparse(authorize).query)["nonce"][0]
    session["oidc"]["nonce"] = "another-nonce"
    forged = signer.sign(base64.b64encode(json.dumps(session).encode())).decode()
    context.add_cookies([{**cookie, "value": forged}])
    sso_page.goto(authorize)
    provider_sign_in(sso_page, "stranger")
    sso_page.wait_for_url(re.compile(r".*/auth/oidc/callback.*"))
    expect(sso_page.locator("[role=alert]")).to_be_visible()
    assert user("stranger@example.co.jp") is None
    assert any(str(r.get("reason", "")).startswith("id_token") for r in refusals()), refusals()


def test_an_expired_code_is_refused(sso_page, provider_and_app):
    """The provider gives this account codes that live one second; the browser is held back longer than that."""
    _app_url, issuer = provider_and_app

    def hold(url: str) -> str:
        time.sleep(2.5)
        return url

    at_callback(sso_page, issuer, hold)
    sso_page.goto("/auth/oidc/login")
    provider_sign_in(sso_page, "late")
    sso_page.wait_for_url(re.compile(r".*/auth/oidc/callback.*"))
    expect(sso_page.locator("[role=alert]")).to_be_visible()
    assert user("late@example.co.jp") is None
    assert any(str(r.get("reason", "")).startswith("code:") for r in refusals())
