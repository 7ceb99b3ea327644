"""Bounds on what a request may carry, for every route (API and pages), in one place.

- Integers in paths and query strings are database keys, page numbers, limits and offsets: none may exceed
  MAX_INT (2^31 - 1, PostgreSQL's `integer`; SQLite's limit is 2^63 - 1). A path id out of range is
  "not found" (404: nothing can have that number); a query value out of range is invalid (422). The OpenAPI
  document shows the same bound as `maximum` (see `annotate`).
- NUL characters are refused in paths, query strings and bodies (JSON, forms): PostgreSQL cannot store
  them in text, and no person types one. Files uploaded as files may hold any byte.

Routers are mounted with `dependencies=[CHECKED]` (incidents.app), so a new route is bounded without
doing anything.
"""

from __future__ import annotations

import json
from typing import Any

from annotated_types import Le, Lt
from fastapi import Depends, Request
from fastapi.routing import APIRoute

from incidents.errors import InvalidInput, NotFound
from incidents.types import MAX_INT
NUL_MESSAGE = "text may not contain the NUL character (U+0000)"


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    args = getattr(annotation, "__args__", None)  # int | None
    return bool(args) and int in args and all(a in (int, type(None)) for a in args)


def _has_upper_bound(field) -> bool:
    return any(isinstance(m, (Le, Lt)) for m in field.field_info.metadata)


def route_params(route: APIRoute) -> list[tuple[str, Any]]:
    """(kind, field) of every path and query parameter of the route and of its dependencies."""
    out, seen = [], set()

    def walk(dep) -> None:
        for kind in ("path", "query"):
            for field in getattr(dep, f"{kind}_params", []):
                if (kind, field.alias) not in seen:
                    seen.add((kind, field.alias))
                    out.append((kind, field))
        for sub in dep.dependencies:
            walk(sub)

    walk(route.dependant)
    return out


_cache: dict[int, tuple[tuple[str, str], ...]] = {}


def _int_params(route: APIRoute) -> tuple[tuple[str, str], ...]:
    """(kind, name) of the route's integer path and query parameters that declare no upper bound."""
    found = _cache.get(id(route))
    if found is None:
        found = _cache[id(route)] = tuple(
            (kind, field.alias) for kind, field in route_params(route)
            if kind in ("path", "query") and _is_int(field.field_info.annotation) and not _has_upper_bound(field))
    return found


def _out_of_range(raw: str) -> bool:
    raw = raw.strip()
    if not raw.lstrip("+-").isdigit():
        return False  # not a number: the route's own validation answers 422
    return abs(int(raw)) > MAX_INT


def _walk_strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_strings(v)


async def _body_has_nul(request: Request, route: APIRoute | None) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return False
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        body = await request.body()  # already read (and cached) by FastAPI or about to be read by the route
        if b"\\u0000" not in body and b"\x00" not in body:
            return False
        try:
            return any("\x00" in s for s in _walk_strings(json.loads(body)))
        except ValueError:
            return False  # malformed JSON: the route answers 400
    # Forms: FastAPI has parsed (and cached) the form already for routes that declare form fields; a route
    # that reads its form itself gets the same cached form after this.
    parsed = route is not None and route.body_field is not None
    if ctype == "application/x-www-form-urlencoded" or (ctype == "multipart/form-data" and parsed):
        form = await request.form()
        return any("\x00" in k or (isinstance(v, str) and "\x00" in v) for k, v in form.multi_items())
    return False


async def check_request(request: Request) -> None:
    route = request.scope.get("route")
    route = route if isinstance(route, APIRoute) else None
    if "\x00" in request.url.path or any("\x00" in k or "\x00" in v for k, v in request.query_params.multi_items()):
        raise InvalidInput(NUL_MESSAGE)
    if route is not None:
        for kind, name in _int_params(route):
            raw = request.path_params.get(name) if kind == "path" else request.query_params.get(name)
            if raw is None or not _out_of_range(str(raw)):
                continue
            if kind == "path":
                raise NotFound(f"nothing has the number {str(raw).strip()}")
            raise InvalidInput(f"{name}: must be a number from -{MAX_INT} to {MAX_INT}")
    if await _body_has_nul(request, route):
        raise InvalidInput(NUL_MESSAGE)


CHECKED = Depends(check_request)


def annotate(_app, spec: dict) -> dict:
    """Show the bound in the OpenAPI document: `maximum` (and `minimum`) on every integer path or query
    parameter that declares none, the same parameters `check_request` bounds."""
    for operations in spec.get("paths", {}).values():
        for op in operations.values():
            for param in op.get("parameters", []):
                if param.get("in") in ("path", "query"):
                    for schema in _int_schemas(param.get("schema", {})):
                        if "maximum" not in schema and "exclusiveMaximum" not in schema:
                            schema["maximum"] = MAX_INT
                            schema.setdefault("minimum", 1 if param["in"] == "path" else -MAX_INT)
    return spec


def _int_schemas(schema: dict):
    if schema.get("type") == "integer":
        yield schema
    for sub in schema.get("anyOf", []):
        yield from _int_schemas(sub)
