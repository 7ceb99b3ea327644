"""Roles cannot be climbed: tokens are only minted for oneself, and only an officer grants `officer`.

Reproduces the outside test's finding: an admin-only user asked `POST /api/v1/tokens {"user": "officer@…"}` and
received a token acting as the officer, with which every incident could be read and changed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.db import session_scope
from incidents.errors import Forbidden
from incidents.people import service as people
from incidents.people.models import ApiToken, User


@pytest.fixture
def cast(make_user, make_incident):
    officer = make_user("officer", department="Compliance", email="officer@example.co.jp")
    admin = make_user("admin", department="IT", email="admin@example.co.jp")
    employee = make_user("employee", department="Sales", email="emp@example.co.jp")
    incident = make_incident(employee)
    return {"officer": officer, "admin": admin, "employee": employee, "incident": incident}


def _tokens_of(email: str) -> list[ApiToken]:
    with session_scope(write=False) as s:
        user = people.user_by_email(s, email)
        return list(s.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalars())


def test_admin_cannot_mint_a_token_for_the_officer(client, cast, auth_headers):
    h = auth_headers(cast["admin"])
    before = len(_tokens_of("officer@example.co.jp"))
    r = client.post("/api/v1/tokens", headers=h, json={"name": "x", "user": "officer@example.co.jp"})
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "forbidden"
    assert "token" not in r.json()
    # nothing was minted for the officer, and the admin still reads no incident
    assert len(_tokens_of("officer@example.co.jp")) == before
    assert client.get(f"/api/v1/incidents/{cast['incident'].id}", headers=h).status_code == 403


def test_a_request_naming_another_user_is_refused_not_retargeted(client, cast, auth_headers):
    h = auth_headers(cast["employee"])
    before = len(_tokens_of("emp@example.co.jp"))
    r = client.post("/api/v1/tokens", headers=h, json={"user": "officer@example.co.jp"})
    assert r.status_code == 403
    assert len(_tokens_of("emp@example.co.jp")) == before  # not silently made for the caller either


def test_a_token_for_oneself_still_works(client, cast, auth_headers):
    h = auth_headers(cast["employee"])
    for body in ({"name": "script"}, {"name": "script", "user": "EMP@example.co.jp"}):
        r = client.post("/api/v1/tokens", headers=h, json=body)
        assert r.status_code == 201, r.text
        assert r.json()["user"] == "emp@example.co.jp"
        own = {"Authorization": f"Bearer {r.json()['token']}"}
        assert client.get(f"/api/v1/incidents/{cast['incident'].id}", headers=own).status_code == 200


def test_admin_may_revoke_anyones_token_but_not_mint_it(client, cast, auth_headers):
    officer_h = auth_headers(cast["officer"])
    officer_token = _tokens_of("officer@example.co.jp")[-1]
    admin_h = auth_headers(cast["admin"])
    assert client.delete(f"/api/v1/tokens/{officer_token.id}", headers=admin_h).status_code == 204
    assert client.get("/api/v1/incidents", headers=officer_h).status_code == 401


def test_admin_cannot_create_an_officer_account_not_even_for_themself(client, cast, auth_headers):
    h = auth_headers(cast["admin"])
    for roles in ("admin,officer", "officer", ["employee", "officer"]):
        r = client.post("/api/v1/users", headers=h, json={
            "email": "admin2@example.co.jp", "display_name": "Admin again", "role": roles, "department": "IT",
            "password": "a long enough secret"})
        assert r.status_code == 403, (roles, r.text)
    with session_scope(write=False) as s:
        assert s.execute(select(User).where(User.email == "admin2@example.co.jp")).first() is None
    # other roles remain the admin's to grant
    r = client.post("/api/v1/users", headers=h, json={
        "email": "mgr2@example.co.jp", "display_name": "Manager", "role": "manager", "department": "Sales"})
    assert r.status_code == 201


def test_an_officer_may_grant_officer_and_the_operator_may_too(cast, make_user, cli):
    both = make_user("admin,officer", department="Compliance", email="chief@example.co.jp")
    with session_scope() as s:
        actor = s.get(User, both.id)
        made = people.add_user(s, actor=actor, email="deputy@example.co.jp", display_name="Deputy",
                               roles="officer", department_name="Compliance")
        assert made.is_officer
    code, _, err = cli("users", "add", "second@example.co.jp", "--name", "Second", "--role", "officer",
                       "--department", "Compliance")
    assert code == 0, err


def test_admin_cannot_take_over_an_officer_by_password(cast):
    with session_scope() as s:
        admin = s.get(User, cast["admin"].id)
        with pytest.raises(Forbidden):
            people.set_password(s, actor=admin, email="officer@example.co.jp", password="a new long secret")
        people.set_password(s, actor=admin, email="emp@example.co.jp", password="a new long secret")
