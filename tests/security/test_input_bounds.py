"""Odd but legal input is answered with a 4xx, never a 5xx, on SQLite and on PostgreSQL: integers beyond
the columns, NUL characters, search syntax, nulls in PATCH bodies."""

from __future__ import annotations

import pytest

from tests.pages import HTML, csrf_of, login

HUGE = [2**31, 2**63, 2**64, 10**30]


@pytest.fixture
def officer_h(make_user, auth_headers):
    return auth_headers(make_user("officer", department="Compliance"))


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", [
    "/api/v1/incidents/{n}", "/api/v1/incidents/{n}/timeline", "/api/v1/incidents/{n}/recipients",
    "/api/v1/countermeasures/{n}", "/api/v1/documents/{n}", "/api/v1/documents/{n}/pdf",
    "/api/v1/nearmiss/cases/{n}", "/api/v1/letter-jobs/{n}", "/api/v1/incidents/{n}/steps",
])
def test_ids_beyond_the_column_are_not_found(client, officer_h, path, number):
    r = client.get(path.format(n=number), headers=officer_h)
    assert r.status_code == 404, r.text
    assert r.json()["error"] == "not_found"


def test_ids_beyond_the_column_in_changes_and_pages(client, officer_h, make_user, make_incident):
    n = 2**63
    assert client.post(f"/api/v1/incidents/{n}/close", headers=officer_h).status_code == 404
    assert client.post(f"/api/v1/nearmiss/cases/{n}/withdraw", json={"reason": "x"}, headers=officer_h).status_code == 404
    r = client.patch(f"/api/v1/incidents/1/recipients/{n}", json={"name": "x"}, headers=officer_h)
    assert r.status_code == 404
    officer = make_user("officer", department="Compliance")
    login(client, officer)
    assert client.get(f"/incidents/{n}", headers=HTML).status_code == 404


@pytest.mark.parametrize("query", [f"page={2**63}", f"page={2**31}", "per_page=0", f"per_page={2**64}"])
def test_pages_beyond_the_bound_are_invalid(client, officer_h, query):
    for path in ("/api/v1/incidents", "/api/v1/nearmiss/cases", "/api/v1/intake/addressbook"):
        r = client.get(f"{path}?{query}", headers=officer_h)
        assert r.status_code == 422, (path, r.text)


def test_limits_and_offsets_are_bounded(client, officer_h, make_user, make_incident):
    incident = make_incident(make_user("officer", department="Compliance"))
    for query in (f"offset={2**63}", "offset=-1", f"limit={2**63}", "limit=-1"):
        r = client.get(f"/api/v1/incidents/{incident.id}/steps?{query}", headers=officer_h)
        assert r.status_code == 422, (query, r.text)
    for query in (f"limit={2**63}", "limit=-1", "limit=0"):
        assert client.get(f"/api/v1/notifications?{query}", headers=officer_h).status_code == 422


def test_body_ids_beyond_the_column(client, officer_h, make_user, make_incident):
    incident = make_incident(make_user("officer", department="Compliance"))
    r = client.post(f"/api/v1/incidents/{incident.id}/documents",
                    json={"kind": "first_report", "step_id": 2**63}, headers=officer_h)
    assert r.status_code == 422


def test_nul_characters_are_refused_everywhere(client, officer_h, incident_payload, make_user, make_incident):
    r = client.post("/api/v1/incidents", json=incident_payload(title="見積書\x00誤送信"), headers=officer_h)
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
    r = client.post("/api/v1/incidents", json=incident_payload(message={"subject": "a", "summary": "b\x00"}),
                    headers=officer_h)
    assert r.status_code == 422
    incident = make_incident(make_user("officer", department="Compliance"))
    assert client.patch(f"/api/v1/incidents/{incident.id}", json={"title": "\x00"}, headers=officer_h).status_code == 422
    for path in ("/api/v1/incidents?q=%00", "/api/v1/nearmiss/cases?q=a%00b", "/api/v1/intake/addressbook?q=%00",
                 "/api/v1/intake/domains/%00.example"):
        method = "DELETE" if "domains" in path else "GET"
        r = client.request(method, path, headers=officer_h)
        assert r.status_code == 422, (path, r.text)
    assert incident.title != "\x00"


def test_nul_in_a_form_post_is_refused(client, make_user, make_incident):
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    login(client, officer)
    page = client.get(f"/incidents/{incident.id}/analysis", headers=HTML)
    r = client.post(f"/incidents/{incident.id}/analysis", headers=HTML,
                    data={"csrf_token": csrf_of(page.text), "why": "急いでいた\x00", "kind_of_work": ""})
    assert r.status_code == 422


@pytest.mark.parametrize("q", ['"unterminated', "a OR", "NEAR(", "*", "^abc", "col:abc", "AND", '"', "('", "\\",
                               "%_", "見積'書"])
def test_search_syntax_is_text(client, officer_h, q):
    for path in ("/api/v1/nearmiss/cases", "/api/v1/incidents", "/api/v1/intake/addressbook"):
        r = client.get(path, params={"q": q}, headers=officer_h)
        assert r.status_code == 200, (path, q, r.text)


def test_null_in_a_patch_body(client, make_user, auth_headers, make_incident):
    from datetime import date, timedelta

    officer = make_user("officer", department="Compliance")
    h = auth_headers(officer)
    incident = make_incident(officer)
    cm = client.post(f"/api/v1/incidents/{incident.id}/countermeasures", headers=h, json={
        "title": "送信前チェック", "four_e": "education", "owner": officer.email,
        "due_on": (date.today() + timedelta(days=30)).isoformat()}).json()
    for field in ("title", "four_e", "owner", "due_on", "note"):
        r = client.patch(f"/api/v1/countermeasures/{cm['id']}", json={field: None}, headers=h)
        assert r.status_code == 422, (field, r.text)
    r = client.patch(f"/api/v1/countermeasures/{cm['id']}", json={"review_on": None, "reviewer": None}, headers=h)
    assert r.status_code == 200
    for field in ("title", "mistake_type", "sent_at", "affected_persons", "jurisdictions"):
        r = client.patch(f"/api/v1/incidents/{incident.id}", json={field: None}, headers=h)
        assert r.status_code == 422, (field, r.text)
