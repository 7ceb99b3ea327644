"""The OpenAPI document tells what the server sends: every error status a route answers, with the body
it really has ({"error", "detail"}); every number a request may carry has a bound; 405 names the methods."""

from __future__ import annotations

from incidents.types import MAX_INT

ERROR_REF = "#/components/schemas/Error"


def _spec(client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_error_response_is_documented_with_the_body_sent(client):
    spec = _spec(client)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["Error"]["required"]) == {"error", "detail"}
    for path, method, op in _operations(spec):
        errors = {s: r for s, r in op["responses"].items() if s.isdigit() and int(s) >= 400}
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (method, path, status)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in errors, (method, path)
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            assert "404" in errors, (method, path)
        if op.get("security"):
            assert {"401", "403"} <= set(errors), (method, path)


def test_the_documented_422_is_what_the_server_sends(client, make_user, auth_headers):
    h = auth_headers(make_user())
    r = client.post("/api/v1/incidents", json={"title": 5}, headers=h)
    assert r.status_code == 422
    assert set(r.json()) == {"error", "detail"} and r.json()["error"] == "invalid_input"
    r = client.post("/api/v1/incidents", content=b"{not json", headers={**h, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "malformed_json"


def _walk_integers(schema, components, where, seen=frozenset()):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _walk_integers(components[name], components, f"{where}->{name}", seen | {name})
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _walk_integers(sub, components, where, seen)
    if isinstance(schema.get("items"), dict):
        yield from _walk_integers(schema["items"], components, where + "[]", seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _walk_integers(sub, components, f"{where}.{name}", seen)


def test_every_integer_a_request_carries_has_a_bound(client):
    """Paths and query strings are bounded centrally (incidents.security.bounds); a body integer needs its
    own bound (incidents.types.DbId for ids), or a number beyond the column crashes the database."""
    spec = _spec(client)
    components = spec["components"]["schemas"]
    unbounded = []
    for path, method, op in _operations(spec):
        for param in op.get("parameters", []):
            for where, schema in _walk_integers(param["schema"], components, f"{method} {path} {param['name']}"):
                if schema.get("maximum", MAX_INT + 1) > MAX_INT:
                    unbounded.append(where)
        for content in op.get("requestBody", {}).get("content", {}).values():
            for where, schema in _walk_integers(content.get("schema", {}), components, f"{method} {path} body"):
                if "maximum" not in schema and "exclusiveMaximum" not in schema:
                    unbounded.append(where)
    assert not unbounded, unbounded


def test_405_names_every_method_of_the_path(client, make_user, auth_headers):
    h = auth_headers(make_user())
    r = client.request("PUT", "/api/v1/countermeasures/1", headers=h)
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert r.headers["allow"] == "GET, HEAD, PATCH"
    # a fixed path beside a parameterised one: PATCH /countermeasures/mine is not PATCH /countermeasures/{id}
    r = client.request("PATCH", "/api/v1/countermeasures/mine", headers=h)
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
