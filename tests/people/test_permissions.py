"""The permission matrix: every endpoint × every role × own / other department → 2xx / 403 / 404.

The same rules hold for the CLI (it calls the same services): a slice of the matrix runs there too.
"""

from __future__ import annotations

import pytest

ROLES = ["employee", "manager", "officer", "admin"]

# (method, path template, body, expected status per (role, relation))
# relation: "own" = the actor reported it / it is in the actor's department; "other" = another department.
INCIDENT_ENDPOINTS = [
    ("GET", "/api/v1/incidents/{id}", None),
    ("PATCH", "/api/v1/incidents/{id}", {"affected_persons": 7}),
    ("GET", "/api/v1/incidents/{id}/recipients", None),
    ("POST", "/api/v1/incidents/{id}/recipients", [{"address": "extra@elsewhere.example"}]),
    ("GET", "/api/v1/incidents/{id}/timeline", None),
    ("POST", "/api/v1/incidents/{id}/reopen", None),
]


def expected_for_incident(role: str, relation: str, method: str, path: str) -> int:
    if role == "admin":
        return 403
    visible = role == "officer" or relation in ("own", "same_department_as_manager")
    if role == "employee" and relation == "same_department_as_manager":
        visible = False
    if not visible:
        return 404
    if path.endswith("/reopen"):
        return 409  # visible and allowed, but the incident is already open: the rule answers, not the guard
    return 201 if method == "POST" else 200


@pytest.fixture
def world(make_user, make_incident):
    manager = make_user("manager", department="Sales", email="mgr@example.co.jp")
    employee = make_user("employee", department="Sales", email="emp@example.co.jp", manager=manager)
    colleague = make_user("employee", department="Sales", email="colleague@example.co.jp", manager=manager)
    outsider = make_user("employee", department="Support", email="outsider@example.co.jp")
    officer = make_user("officer", department="Compliance", email="officer@example.co.jp")
    admin = make_user("admin", department="IT", email="admin@example.co.jp")
    return {
        "users": {"employee": employee, "manager": manager, "officer": officer, "admin": admin,
                  "colleague": colleague, "outsider": outsider},
        "own_by_employee": make_incident(employee).id,
        "by_colleague": make_incident(colleague).id,
        "other_department": make_incident(outsider).id,
    }


def _call(client, method, path, headers, body):
    return client.request(method, path, headers=headers, json=body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", INCIDENT_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_incident_endpoints(client, world, auth_headers, role, endpoint):
    method, template, body = endpoint
    actor = world["users"][role]
    h = auth_headers(actor)
    # For the employee, "own" is their own report; for the manager, an incident of their department;
    # "same department" is a colleague's report (visible to the manager, not to the employee).
    cases = {
        "own": world["own_by_employee"] if role in ("employee", "manager") else world["by_colleague"],
        "same_department_as_manager": world["by_colleague"],
        "other": world["other_department"],
    }
    for relation, incident_id in cases.items():
        if role == "officer" and relation == "own":
            relation = "same_department_as_manager"  # an officer sees every department alike
        r = _call(client, method, template.format(id=incident_id), h, body)
        expected = expected_for_incident(role if role != "officer" else "officer", relation, method, template)
        assert r.status_code == expected, (role, relation, method, template, r.status_code, r.text)
        assert r.status_code < 300 or set(r.json()) == {"error", "detail"}


@pytest.mark.parametrize("role,expected", [("employee", 201), ("manager", 201), ("officer", 201), ("admin", 403)])
def test_report(client, world, auth_headers, incident_payload, role, expected):
    r = client.post("/api/v1/incidents", json=incident_payload(), headers=auth_headers(world["users"][role]))
    assert r.status_code == expected, r.text


@pytest.mark.parametrize("role,expected_total", [("employee", 1), ("manager", 2), ("officer", 3), ("admin", None)])
def test_list_is_scoped(client, world, auth_headers, role, expected_total):
    r = client.get("/api/v1/incidents", headers=auth_headers(world["users"][role]))
    if expected_total is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200 and r.json()["total"] == expected_total


@pytest.mark.parametrize("role,expected", [("employee", 403), ("manager", 403), ("officer", 403), ("admin", 200)])
def test_users_endpoints(client, world, auth_headers, role, expected):
    h = auth_headers(world["users"][role])
    assert client.get("/api/v1/users", headers=h).status_code == expected
    r = client.post("/api/v1/users", headers=h, json={"email": f"new-{role}@example.co.jp", "display_name": "New",
                                                      "role": "employee", "department": "Sales"})
    assert r.status_code == (201 if expected == 200 else 403)


@pytest.mark.parametrize("role,expected", [("employee", 403), ("manager", 403), ("officer", 200), ("admin", 200)])
def test_audit_verify_endpoint(client, world, auth_headers, role, expected):
    assert client.get("/api/v1/audit/verify", headers=auth_headers(world["users"][role])).status_code == expected


def test_without_credentials_everything_is_401(client, world):
    for method, template, body in INCIDENT_ENDPOINTS:
        r = client.request(method, template.format(id=world["own_by_employee"]), json=body)
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    bad = client.get("/api/v1/incidents", headers={"Authorization": "Bearer inc_forged"})
    assert bad.status_code == 401


def test_revoked_token_stops_working(client, world, auth_headers):
    employee = world["users"]["employee"]
    h = auth_headers(employee)
    assert client.get("/api/v1/incidents", headers=h).status_code == 200
    tokens = client.get("/api/v1/tokens", headers=h).json()
    assert client.delete(f"/api/v1/tokens/{tokens[-1]['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/incidents", headers=h).status_code == 401


@pytest.mark.parametrize("role,relation,ok", [
    ("employee", "own", True), ("employee", "colleague", False), ("employee", "other", False),
    ("manager", "colleague", True), ("manager", "other", False), ("officer", "other", True), ("admin", "own", False),
])
def test_cli_applies_the_same_rules(cli, world, role, relation, ok):
    incident_id = {"own": world["own_by_employee"], "colleague": world["by_colleague"],
                   "other": world["other_department"]}[relation]
    code, out, err = cli("show", incident_id, "--as", world["users"][role].email, "--json")
    if ok:
        assert code == 0, err
    else:
        assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
