"""An administrator may leave single sign-on as the only door (and open the password form again); never while
passwords are the only way in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidInput
from incidents.people import signin, site
from tests.pages import HTML, PASSWORD, csrf_of, login


@pytest.fixture
def sso_configured(monkeypatch):
    monkeypatch.setenv("INCIDENTS_OIDC_ISSUER", "https://login.example.co.jp")
    monkeypatch.setenv("INCIDENTS_OIDC_CLIENT_ID", "incidents")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_passwords_cannot_be_turned_off_without_single_sign_on(make_user):
    admin = make_user("admin")
    with session_scope() as s, pytest.raises(InvalidInput):
        site.set_password_login(s, actor=admin, enabled=False)
    with session_scope(write=False) as s:
        assert site.password_login_enabled(s)


def test_an_admin_turns_the_password_form_off_and_on(client, make_user, sso_configured):
    admin = make_user("admin")
    employee = make_user("employee")
    login(client, admin)
    page = client.get("/admin/sessions", headers=HTML)
    assert 'id="sign-in-methods"' in page.text
    token = csrf_of(page.text)
    r = client.post("/admin/sign-in-methods", data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    assert r.status_code == 303

    from fastapi.testclient import TestClient

    with TestClient(client.app) as other:
        form = other.get("/login", headers=HTML)
        assert 'id="sso"' in form.text and 'name="password"' not in form.text
    with pytest.raises(Forbidden):  # the form is gone, and so is the door behind it
        signin.password_sign_in(email=employee.email, password=PASSWORD, client=signin.Client(ip="", user_agent=""))
    with session_scope(write=False) as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "settings.password_login_changed")).scalars()
        assert [e.after for e in events] == [{"enabled": False}]

    r = client.post("/admin/sign-in-methods", data={"csrf_token": token, "password_login": "on"}, headers=HTML,
                    follow_redirects=False)
    assert r.status_code == 303
    with TestClient(client.app) as other:
        assert 'name="password"' in other.get("/login", headers=HTML).text
        login(other, employee)


def test_only_an_admin_chooses(client, make_user, sso_configured):
    officer = make_user("officer")
    login(client, officer)
    page = client.get("/admin/sessions", headers=HTML)
    assert 'id="sign-in-methods"' not in page.text
    r = client.post("/admin/sign-in-methods", data={"csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 403
    with session_scope(write=False) as s:
        assert site.password_login_enabled(s)
