"""SCIM 2.0 at /scim/v2: an independent compliance checker (scim2-tester) against a live server, and the
behaviour the service adds: the bearer token, filters and paging, deactivation as the org import does it,
groups mapped to roles, every change audited with the SCIM client as the actor."""

from __future__ import annotations

import httpx
import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server
from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.people.models import User, UserSession
from tests.pages import login
from tests.security.live_server import live_server

TOKEN = "scim-test-token-0123456789abcdef"
SCIM = {"Authorization": f"Bearer {TOKEN}"}
MEDIA = "application/scim+json"


@pytest.fixture
def scim_env(monkeypatch):
    monkeypatch.setenv("INCIDENTS_SCIM_TOKEN", TOKEN)
    monkeypatch.setenv("INCIDENTS_GROUP_ROLES", "incident-officers=officer,managers=manager")
    from incidents.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_scim2_tester_finds_no_failure_against_a_live_server(db_url, tmp_path):
    with live_server(db_url, tmp_path / "var", tmp_path / "server.log", extra_env={"INCIDENTS_SCIM_TOKEN": TOKEN}) as base:
        http = Client(base_url=f"{base}/scim/v2", headers=SCIM)
        results = check_server(SyncSCIMClient(http))
        failed = [f"{r.title} [{r.resource_type}]: {r.reason}" for r in results if r.status == Status.ERROR]
        assert failed == []
        assert sum(r.status == Status.SUCCESS for r in results) > 20
        refused = httpx.get(f"{base}/scim/v2/Users")
        assert refused.status_code == 401


def user_body(name: str, email: str, **more) -> dict:
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
            "displayName": name.split("@")[0], "emails": [{"value": email, "primary": True}], **more}


def test_without_the_token_every_answer_is_a_scim_401(client, scim_env):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        r = client.get("/scim/v2/Users", headers=headers)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith(MEDIA)
        assert r.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert r.json()["status"] == "401"
    r = client.post("/scim/v2/Users", json=user_body("x@example.com", "x@example.com"))
    assert r.status_code == 401
    with session_scope() as s:
        assert s.execute(select(User).where(User.email == "x@example.com")).first() is None


def test_filter_paging_and_errors(client, scim_env, make_user):
    known = make_user(email="known@example.co.jp")
    for i in range(3):
        r = client.post("/scim/v2/Users", json=user_body(f"p{i}@corp.example", f"p{i}@example.co.jp"), headers=SCIM)
        assert r.status_code == 201, r.text
        assert r.headers["location"].endswith(f"/scim/v2/Users/{r.json()['id']}")
    r = client.get("/scim/v2/Users", params={"filter": 'userName eq "P1@corp.example"'}, headers=SCIM)
    body = r.json()
    assert r.headers["content-type"].startswith(MEDIA)
    assert body["totalResults"] == 1 and body["Resources"][0]["emails"][0]["value"] == "p1@example.co.jp"
    # a person who came from the org chart is found by their address, and keeps it
    r = client.get("/scim/v2/Users", params={"filter": f'userName eq "{known.email}"'}, headers=SCIM)
    assert [u["id"] for u in r.json()["Resources"]] == [str(known.id)]
    page = client.get("/scim/v2/Users", params={"startIndex": 2, "count": 2}, headers=SCIM).json()
    assert page["totalResults"] >= 4 and page["startIndex"] == 2 and page["itemsPerPage"] == 2
    r = client.get("/scim/v2/Users", params={"filter": 'name.familyName co "x"'}, headers=SCIM)
    assert r.status_code == 400 and r.json()["scimType"] == "invalidFilter"
    r = client.post("/scim/v2/Users", json=user_body("p0@corp.example", "other@example.co.jp"), headers=SCIM)
    assert r.status_code == 409 and r.json()["scimType"] == "uniqueness" and r.json()["status"] == "409"
    assert client.get("/scim/v2/Users/99999999", headers=SCIM).json()["status"] == "404"


def test_patch_active_false_deactivates_ends_sessions_and_moves_reports(client, scim_env, make_user):
    boss = make_user("manager", email="boss@example.co.jp")
    lead = make_user("manager", email="lead@example.co.jp", manager=boss)
    report = make_user(email="report@example.co.jp", manager=lead)
    from fastapi.testclient import TestClient

    with TestClient(client.app) as browser:
        login(browser, lead)
        patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "active", "value": False}]}
        r = client.patch(f"/scim/v2/Users/{lead.id}", json=patch, headers=SCIM)
        assert r.status_code == 200, r.text
        assert r.json()["active"] is False
        assert browser.get("/", follow_redirects=False).status_code in (302, 303, 401)
    with session_scope() as s:
        assert s.get(User, lead.id).active is False
        assert s.get(User, report.id).manager_id == boss.id
        live = s.execute(select(UserSession).where(UserSession.user_id == lead.id,
                                                   UserSession.revoked_at.is_(None))).scalars().all()
        assert live == []
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "user.deactivated",
                                                   AuditEvent.entity_id == str(lead.id))).scalars().one()
        assert event.actor == "SCIM"
    # DELETE deactivates too and the person is no longer served; their history stays
    r = client.delete(f"/scim/v2/Users/{report.id}", headers=SCIM)
    assert r.status_code == 204
    assert client.get(f"/scim/v2/Users/{report.id}", headers=SCIM).status_code == 404
    with session_scope() as s:
        assert s.get(User, report.id).active is False


def test_groups_give_roles_through_the_mapping(client, scim_env, make_user):
    person = make_user(email="member@example.co.jp")
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "managers",
            "members": [{"value": str(person.id)}]}
    r = client.post("/scim/v2/Groups", json=body, headers=SCIM)
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    with session_scope() as s:
        assert s.get(User, person.id).roles == "manager"
    user = client.get(f"/scim/v2/Users/{person.id}", headers=SCIM).json()
    assert user["groups"][0]["display"] == "managers"
    r = client.post("/scim/v2/Groups", json={**body, "displayName": "other", "members": [{"value": "424242"}]}, headers=SCIM)
    assert r.status_code == 400
    assert client.delete(f"/scim/v2/Groups/{gid}", headers=SCIM).status_code == 204
    with session_scope() as s:
        assert s.get(User, person.id).roles == "employee"
        actors = set(s.execute(select(AuditEvent.actor).where(AuditEvent.action.in_(
            ["group.added", "group.removed", "user.roles_changed"]))).scalars())
        assert actors == {"SCIM"}


def test_discovery_documents(client, scim_env):
    spc = client.get("/scim/v2/ServiceProviderConfig", headers=SCIM)
    assert spc.headers["content-type"].startswith(MEDIA) and spc.json()["patch"]["supported"] is True
    names = {t["name"] for t in client.get("/scim/v2/ResourceTypes", headers=SCIM).json()["Resources"]}
    assert names == {"User", "Group"}
    assert client.get("/scim/v2/Schemas", headers=SCIM).json()["totalResults"] == 2
