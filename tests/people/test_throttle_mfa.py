"""Sign-in throttling (per account, per address) and the second factor (TOTP, recovery codes, required roles)."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.people import mfa
from incidents.people.models import User
from tests.pages import HTML, PASSWORD, csrf_of, login


def attempt(client, email: str, password: str, headers: dict | None = None):
    page = client.get("/login", headers=HTML)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
                       headers={**HTML, **(headers or {})}, follow_redirects=False)


@pytest.fixture
def settings_env(monkeypatch):
    def set_(**values):
        for k, v in values.items():
            monkeypatch.setenv(f"INCIDENTS_{k.upper()}", str(v))
        get_settings.cache_clear()

    yield set_
    monkeypatch.undo()
    get_settings.cache_clear()


def test_ten_failures_per_account_then_429_with_retry_after(client, make_user):
    user = make_user("employee")
    for _ in range(10):
        assert attempt(client, user.email, "not the password").status_code == 401
    r = attempt(client, user.email, PASSWORD)  # even the right password: the account is locked for now
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    assert "15" in r.text  # the message says how long to wait
    with session_scope(write=False) as s:
        actions = [a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.action.like("login.%")).order_by(AuditEvent.seq))]
    assert actions.count("login.failed") == 10 and actions[-1] == "login.locked_out"
    # another account from the same address is not affected
    other = make_user("employee")
    assert attempt(client, other.email, PASSWORD).status_code == 303


def test_unknown_accounts_are_throttled_alike(client):
    for _ in range(10):
        assert attempt(client, "ghost@example.co.jp", "guess").status_code == 401
    assert attempt(client, "GHOST@example.co.jp", "guess").status_code == 429


def test_failures_per_address_across_accounts(client, make_user, settings_env):
    settings_env(login_failures_per_address="5 per 15 minutes")
    users = [make_user("employee") for _ in range(6)]
    for u in users[:5]:
        assert attempt(client, u.email, "wrong").status_code == 401
    r = attempt(client, users[5].email, PASSWORD)
    assert r.status_code == 429 and "retry-after" in r.headers


def test_a_success_clears_the_accounts_failures(client, make_user):
    user = make_user("employee")
    for _ in range(9):
        attempt(client, user.email, "wrong")
    assert attempt(client, user.email, PASSWORD).status_code == 303
    client.cookies.clear()
    for _ in range(9):
        assert attempt(client, user.email, "wrong").status_code == 401


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/security", headers=HTML)
    r = client.post("/account/mfa/start", data={"csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', r.text).group(1)
    assert 'src="data:image/svg+xml' in r.text  # the QR code, inline
    r = client.post("/account/mfa/confirm", data={"csrf_token": csrf_of(r.text), "code": pyotp.TOTP(secret).now()},
                    headers=HTML)
    assert r.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", r.text)
    assert len(codes) == 10
    return secret, codes


def test_mfa_enrolment_and_sign_in(client, make_user):
    user = make_user("officer", department="Compliance")
    login(client, user)
    secret, codes = _enrol(client)
    with session_scope(write=False) as s:
        row = s.get(User, user.id)
        assert row.mfa_enabled and secret not in (row.totp_secret or "")  # stored sealed, not in clear
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/", headers=HTML).text)}, headers=HTML)

    r = attempt(client, user.email, PASSWORD)
    assert r.status_code == 303 and r.headers["location"].startswith("/login/mfa")
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303  # not in yet
    page = client.get("/login/mfa", headers=HTML)
    bad = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text), "code": "000000"}, headers=HTML)
    assert bad.status_code == 401
    # the code of the time step used at enrolment is refused (each step once); use a recovery code instead
    with session_scope(write=False) as s:
        used_step = s.get(User, user.id).totp_last_step
    reused = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text),
                                             "code": pyotp.TOTP(secret).generate_otp(used_step)}, headers=HTML)
    assert reused.status_code == 401, reused.text
    ok = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text), "code": codes[0].upper()},
                     headers=HTML, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 200
    with session_scope(write=False) as s:
        assert mfa.remaining_recovery_codes(s, s.get(User, user.id)) == 9
        actions = [a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.action.like("login.%"))
                                           .order_by(AuditEvent.seq))]
    assert actions[-4:] == ["login.password_accepted", "login.mfa_failed", "login.mfa_failed", "login.succeeded"]

    # a recovery code works once
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/", headers=HTML).text)}, headers=HTML)
    attempt(client, user.email, PASSWORD)
    page = client.get("/login/mfa", headers=HTML)
    again = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text), "code": codes[0]}, headers=HTML)
    assert again.status_code == 401


def test_mfa_failures_count_towards_the_lockout(client, make_user):
    user = make_user("employee")
    login(client, user)
    _enrol(client)
    client.cookies.clear()
    attempt(client, user.email, PASSWORD)
    page = client.get("/login/mfa", headers=HTML)
    for _ in range(10):
        r = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text), "code": "123456"}, headers=HTML)
        assert r.status_code == 401
    r = client.post("/login/mfa", data={"csrf_token": csrf_of(page.text), "code": "123456"}, headers=HTML)
    assert r.status_code == 429 and "retry-after" in r.headers


def test_required_roles_must_enrol_before_anything_else(client, make_user, settings_env):
    settings_env(mfa_required_roles="officer,admin")
    officer = make_user("officer", department="Compliance")
    r = attempt(client, officer.email, PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/account/security?required=1"
    assert client.get("/", headers=HTML, follow_redirects=True).url.path == "/account/security"
    assert client.get("/api/v1/me").status_code == 401
    _enrol(client)
    assert client.get("/api/v1/me").status_code == 200
    # an employee is not asked
    client.cookies.clear()
    employee = make_user("employee")
    assert attempt(client, employee.email, PASSWORD).headers["location"] == "/"
