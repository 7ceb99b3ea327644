"""The OpenAPI document tells the error responses as the server sends them.

Every error leaves the service as `{"error": code, "detail": message}` (incidents.app's handlers). FastAPI's
generated document knows only its own validation array for 422; `rewrite` goes through each operation and
lists every status it can answer, with that body:

- 400 malformed JSON or form, 413 a body over the size limit (operations that take a body);
- 401 no login or an unknown/revoked token, 403 a role or CSRF refusal (operations that need a caller:
  they carry `security`, see incidents.api_deps);
- 404 an object that does not exist or that the caller may not see (operations with a path parameter or a
  body, which may name one);
- 409 a state that does not allow the change (operations that change something);
- 422 a value missing, malformed or out of range (operations that take any input).

An operation that answers another status declares it with `responses=error_responses(status, ...)`; a
status a route declares is kept and documented with the same error body.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

ERROR_REF = {"$ref": "#/components/schemas/Error"}

DESCRIPTIONS = {
    400: "The body is not valid JSON (or not a readable form).",
    401: "Not logged in, or the API token is unknown or revoked.",
    403: "The caller's role does not allow this (or a browser call came without its CSRF token).",
    404: "No such object, or one the caller may not see.",
    405: "The method is not allowed on this path (see the Allow header).",
    409: "The object's current state does not allow this change.",
    410: "The link or draft has expired or was already used.",
    413: "The body is larger than the configured limit.",
    415: "The body's content type is not accepted.",
    422: "A value is missing, malformed or out of range.",
    429: "Too many attempts; try again later.",
    503: "The service is not ready (for example, the database is not migrated).",
}


class Error(BaseModel):
    """The body of every error response."""

    error: str = Field(description="A stable machine-readable code, e.g. not_found, invalid_input, csrf")
    detail: str = Field(description="What went wrong, in words for a person")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's `responses=`: further statuses it answers, documented with the error body."""
    return {s: {"model": Error, "description": DESCRIPTIONS.get(s, "Error")} for s in statuses}


def statuses_for(method: str, op: dict) -> set[int]:
    params = op.get("parameters", [])
    out: set[int] = set()
    if "requestBody" in op:
        out |= {400, 413, 422}
    if params:
        out.add(422)
    if "requestBody" in op or any(p.get("in") == "path" for p in params):
        out.add(404)  # the object in the path, or one the body names (a user, a step), does not exist
    if op.get("security"):
        out |= {401, 403}
    if method in ("post", "put", "patch", "delete"):
        out.add(409)
    return out


def _error_response(status: int, existing: dict | None) -> dict:
    description = (existing or {}).get("description") or DESCRIPTIONS.get(status, "Error")
    if description == "Validation Error":
        description = DESCRIPTIONS[422]
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def rewrite(_app: FastAPI, spec: dict) -> dict:
    """Document each operation's error responses as they are sent (in place; returns spec)."""
    for operations in spec.get("paths", {}).values():
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            declared = {int(s) for s in responses if str(s).isdigit() and int(s) >= 400}
            errors = {str(s): _error_response(s, responses.get(str(s)))
                      for s in sorted(declared | statuses_for(method, op))}
            op["responses"] = {**{k: v for k, v in responses.items() if k not in errors}, **errors}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = Error.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return spec


def allowed_methods(spec: dict, path: str) -> list[str]:
    """The methods the document lists for a concrete path (for the Allow header of a 405)."""
    for template, operations in spec.get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods = {m.upper() for m in operations if m in ("get", "put", "post", "delete", "patch")}
            if "GET" in methods:
                methods.add("HEAD")
            return sorted(methods)
    return []


def install(app: FastAPI, *more) -> None:
    """Make `app.openapi()` return the rewritten document (built once, like FastAPI's own); `more` are
    further rewrites `fn(app, spec) -> spec` applied after this one."""
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = rewrite(app, original())
            for fn in more:
                spec = fn(app, spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
