"""Sessions kept on the server: the cookie reveals nothing, sessions rotate, time out and end when they must."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.errors import InvalidInput
from incidents.people import service as people
from incidents.people.models import User, UserSession
from incidents.types import utcnow
from tests.pages import HTML, PASSWORD, csrf_of, login


def cookie_payload(client) -> dict:
    """What the session cookie carries (Starlette signs base64 JSON; anyone holding the cookie can read it)."""
    raw = client.cookies.get("incidents_session")
    body = raw.split(".")[0]
    return json.loads(base64.b64decode(body + "=" * (-len(body) % 4)))


def signed_in(client) -> bool:
    return client.get("/", headers=HTML, follow_redirects=False).status_code == 200


def test_the_cookie_carries_a_random_identifier_and_nothing_of_the_person(client, make_user):
    user = make_user("employee")
    login(client, user)
    data = cookie_payload(client)
    assert set(data) == {"sid", "csrf"}
    with session_scope(write=False) as s:
        row = s.get(User, user.id)
        tail = row.password_hash[-16:]
    text = json.dumps(data)
    assert tail not in text and user.email not in text
    assert len(data["sid"]) >= 40


def test_sign_in_rotates_the_identifier(client, make_user):
    user = make_user("employee")
    login(client, user)
    first = cookie_payload(client)["sid"]
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/", headers=HTML).text)}, headers=HTML)
    login(client, user)
    assert cookie_payload(client)["sid"] != first
    # the identifier given before signing out no longer works
    client.cookies.clear()
    assert not signed_in(client)


def test_a_role_change_rotates_the_session_and_the_old_identifier_dies(client, make_user, app):
    from fastapi.testclient import TestClient

    user = make_user("employee", email="promoted@example.co.jp")
    login(client, user)
    old_cookie = client.cookies.get("incidents_session")
    old_sid = cookie_payload(client)["sid"]
    with session_scope() as s:
        people.set_roles(s, actor=None, user=s.get(User, user.id), roles="manager")
    assert signed_in(client)
    assert cookie_payload(client)["sid"] != old_sid
    with TestClient(app) as replay:
        replay.cookies.set("incidents_session", old_cookie)
        assert not signed_in(replay)
    with session_scope(write=False) as s:
        live = s.execute(select(UserSession).where(UserSession.user_id == user.id,
                                                   UserSession.revoked_at.is_(None))).scalars().all()
    assert [r.roles for r in live] == ["manager"]


@pytest.mark.parametrize("column,age", [("last_seen_at", timedelta(hours=3)), ("expires_at", timedelta(0))])
def test_idle_and_absolute_timeouts(client, make_user, column, age):
    user = make_user("employee")
    login(client, user)
    assert signed_in(client)
    with session_scope() as s:
        value = utcnow() - age - timedelta(seconds=1)
        s.execute(update(UserSession).where(UserSession.user_id == user.id).values({column: value}))
    r = client.get("/", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_activity_keeps_an_idle_session_alive(client, make_user):
    user = make_user("employee")
    login(client, user)
    with session_scope() as s:
        s.execute(update(UserSession).where(UserSession.user_id == user.id)
                  .values(last_seen_at=utcnow() - timedelta(minutes=100)))
    assert signed_in(client)  # 100 minutes idle is within the 2-hour default, and the visit counts
    with session_scope(write=False) as s:
        seen = s.execute(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)).scalar_one()
    assert utcnow() - seen < timedelta(minutes=5)


def test_deactivation_ends_sessions_and_tokens(client, make_user, auth_headers):
    user = make_user("employee")
    login(client, user)
    h = auth_headers(user)
    with session_scope() as s:
        assert people.set_active(s, actor=None, user=s.get(User, user.id), active=False, reason="left")
    assert not signed_in(client)
    assert client.get("/api/v1/me", headers=h).status_code == 401
    with session_scope(write=False) as s:
        rows = s.execute(select(UserSession).where(UserSession.user_id == user.id)).scalars().all()
        assert rows and all(r.revoked_reason == "deactivated" for r in rows)


def test_password_change_ends_the_other_sessions(app, make_user):
    from fastapi.testclient import TestClient

    user = make_user("employee")
    with TestClient(app) as here, TestClient(app) as elsewhere:
        login(here, user)
        login(elsewhere, user)
        page = here.get("/account/security", headers=HTML)
        r = here.post("/account/password", headers=HTML, data={
            "csrf_token": csrf_of(page.text), "current": PASSWORD, "new": "an entirely new passphrase"})
        assert r.status_code == 200 and 'id="password-changed"' in r.text
        assert signed_in(here)
        assert not signed_in(elsewhere)
        elsewhere.cookies.clear()
        login(elsewhere, user, password="an entirely new passphrase")


def test_a_breached_or_short_password_is_refused_with_a_reason(client, make_user):
    user = make_user("employee")
    login(client, user)
    for new in ("password123", "short", user.email):
        page = client.get("/account/security", headers=HTML)
        r = client.post("/account/password", headers={**HTML, "accept-language": "en"}, data={
            "csrf_token": csrf_of(page.text), "current": PASSWORD, "new": new})
        assert r.status_code == 422
    with pytest.raises(InvalidInput):
        with session_scope() as s:
            people.set_password(s, actor=None, email=user.email, password="iloveyou")


def test_every_sign_in_is_audited_with_address_and_user_agent(client, make_user):
    user = make_user("employee")
    page = client.get("/login", headers=HTML)
    client.post("/login", data={"email": user.email, "password": "wrong!", "csrf_token": csrf_of(page.text)},
                headers={**HTML, "user-agent": "Tester/1.0"})
    client.post("/login", data={"email": "nobody@example.co.jp", "password": "x", "csrf_token": csrf_of(page.text)},
                headers={**HTML, "user-agent": "Tester/1.0"})
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                headers={**HTML, "user-agent": "Tester/1.0"})
    with session_scope(write=False) as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action.like("login.%")).order_by(AuditEvent.seq)).scalars().all()
    assert [e.action for e in events] == ["login.failed", "login.failed", "login.succeeded"]
    assert all(e.after["ip"] == "testclient" and e.after["user_agent"] == "Tester/1.0" for e in events)
    assert events[0].actor_id == user.id and events[1].actor_id is None
    assert events[1].after["email"] == "nobody@example.co.jp"


def test_officer_page_lists_and_ends_sessions_and_tokens(app, make_user, auth_headers):
    from fastapi.testclient import TestClient

    officer = make_user("officer", department="Compliance")
    employee = make_user("employee")
    auth_headers(employee)  # a token in use
    with TestClient(app) as o, TestClient(app) as e:
        login(o, officer)
        login(e, employee)
        page = o.get("/admin/sessions", headers=HTML)
        assert page.status_code == 200
        assert employee.email in page.text and officer.email in page.text and "inc_" in page.text
        with session_scope(write=False) as s:
            target = s.execute(select(UserSession.id).where(UserSession.user_id == employee.id)).scalar_one()
        r = o.post(f"/admin/sessions/{target}/end", data={"csrf_token": csrf_of(page.text)}, headers=HTML,
                   follow_redirects=False)
        assert r.status_code == 303
        assert not signed_in(e)
        # an employee may not see the page
        e.cookies.clear()
        login(e, employee)
        assert e.get("/admin/sessions", headers=HTML).status_code == 403


def test_the_calendar_feed_token_reveals_nothing_and_ends_with_the_password(client, make_user, auth_headers):
    user = make_user("employee")
    url = client.get("/api/v1/calendar/feed-url", headers=auth_headers(user)).json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with session_scope(write=False) as s:
        row = s.get(User, user.id)
        secret_bits = [row.password_hash[-16:], row.password_hash[-8:], user.email]
    decoded = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    for bit in secret_bits:
        assert bit not in token and bit.encode() not in decoded
    # nothing in it is derived from the person: the handle is random (the old token was base64 of {"u": id, ...})
    assert b'"u"' not in decoded and len(token.split(".")[0]) == 32
    assert client.get(url).status_code == 200
    with session_scope() as s:
        people.set_password(s, actor=None, email=user.email, password="another long passphrase")
    assert client.get(url).status_code == 404
    new_url = client.get("/api/v1/calendar/feed-url", headers=auth_headers(user)).json()["url"]
    assert new_url != url and client.get(new_url).status_code == 200
    # a forged handle (or one signed with another key) finds nothing
    key, _, mac = token.partition(".")
    assert client.get(url.replace(mac, mac[::-1])).status_code == 404
