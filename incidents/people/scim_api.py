"""SCIM 2.0 over HTTP at /scim/v2 (RFC 7644): Users, Groups and the discovery endpoints.

The identity provider authenticates with INCIDENTS_SCIM_TOKEN as a bearer token (compared in constant time);
without it every answer is a 401. Answers are application/scim+json; errors are SCIM Error messages.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from scim2_models import Context, PatchOp, Resource, Schema, SCIMException
from starlette.concurrency import run_in_threadpool

from incidents.config import get_settings
from incidents.db import session_scope
from incidents.errors import DomainError
from incidents.people import scim, scim_groups
from incidents.people.scim import ScimError
from incidents.people.scim_schema import (ERROR, LIST, MEDIA_TYPE, SCHEMAS, GROUP_SCHEMA, USER_SCHEMA, resource_types,
                                          service_provider_config)

PREFIX = "/scim/v2"
router = APIRouter(prefix=PREFIX, include_in_schema=False)
_MODELS: dict[str, type[Resource[Any]]] = {}


def _model(kind: str) -> type[Resource[Any]]:
    if kind not in _MODELS:
        _MODELS[kind] = Resource.from_schema(Schema.model_validate(USER_SCHEMA if kind == "User" else GROUP_SCHEMA))
    return _MODELS[kind]


def scim_response(body: dict | None, status: int = 200, headers: dict | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return scim_response(body, status, headers)


def _authorised(request: Request) -> bool:
    expected = get_settings().scim_token
    given = request.headers.get("authorization", "")
    if not expected or not given.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(given[7:].strip().encode(), expected.encode())


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


async def _body(request: Request) -> dict:
    try:
        data = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "the body is not JSON", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
    return data


async def _guarded(request: Request, work: Callable[[], Any]) -> Response:
    if not _authorised(request):
        return error(401, "a valid bearer token is required")
    try:
        return await work()
    except ScimError as exc:
        return error(exc.status, exc.detail, exc.scim_type)
    except SCIMException as exc:
        return error(exc.status, exc.detail or str(exc), exc.scim_type)
    except ValidationError as exc:
        return error(400, "; ".join(str(e.get("msg")) for e in exc.errors())[:500], "invalidValue")
    except DomainError as exc:
        return error(exc.status_code, str(exc.detail))


def _write(fn: Callable, *args) -> Any:
    with session_scope() as s:
        return fn(s, *args)


def _read(fn: Callable, *args) -> Any:
    with session_scope(write=False) as s:
        return fn(s, *args)


# ---- discovery -------------------------------------------------------------------------------------------


@router.get("/ServiceProviderConfig")
async def spc(request: Request):
    async def work():
        return scim_response(service_provider_config(_base(request), get_settings().max_page_size))
    return await _guarded(request, work)


@router.get("/ResourceTypes")
@router.get("/ResourceTypes/{name}")
async def types(request: Request, name: str | None = None):
    async def work():
        found = resource_types(_base(request))
        if name is None:
            return scim_response({"schemas": [LIST], "totalResults": len(found), "startIndex": 1,
                                  "itemsPerPage": len(found), "Resources": found})
        for item in found:
            if item["id"] == name:
                return scim_response(item)
        raise ScimError(404, "no such resource type")
    return await _guarded(request, work)


@router.get("/Schemas")
@router.get("/Schemas/{urn}")
async def schemas(request: Request, urn: str | None = None):
    async def work():
        if urn is None:
            found = list(SCHEMAS.values())
            return scim_response({"schemas": [LIST], "totalResults": len(found), "startIndex": 1,
                                  "itemsPerPage": len(found), "Resources": found})
        if urn not in SCHEMAS:
            raise ScimError(404, "no such schema")
        return scim_response(SCHEMAS[urn])
    return await _guarded(request, work)


# ---- users and groups ------------------------------------------------------------------------------------

_KINDS = {
    "Users": ("User", scim.get_user, scim.user_resource, scim.list_users, scim.create_user, scim.replace_user,
              scim.delete_user),
    "Groups": ("Group", scim_groups.get_group, scim_groups.group_resource, scim_groups.list_groups,
               scim_groups.create_group, scim_groups.replace_group, scim_groups.delete_group),
}


def _kind(endpoint: str):
    if endpoint in ("ServiceProviderConfig", "ResourceTypes", "Schemas"):
        raise ScimError(405, "the discovery endpoints are read-only")
    if endpoint == ".search":
        raise ScimError(501, "searching several resource types at once is not supported")
    if endpoint not in _KINDS:
        raise ScimError(404, "no such endpoint")
    return _KINDS[endpoint]


def _number(params: dict, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ScimError(400, f"{name} must be a whole number", "invalidValue") from None


def _shape(params: dict, resource: dict) -> dict:
    """attributes / excludedAttributes (top-level names; id and schemas are always returned)."""
    def names(value) -> set[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])
        return {str(a).strip().split(".")[0].lower() for a in items if str(a).strip()}
    wanted, dropped = names(params.get("attributes")), names(params.get("excludedAttributes"))
    return {k: v for k, v in resource.items()
            if k.lower() in ("id", "schemas") or ((not wanted or k.lower() in wanted) and k.lower() not in dropped)}


async def _listing(request: Request, endpoint: str, params: dict) -> Response:
    _kind_name, _get, render, listing, *_ = _kind(endpoint)
    start = max(_number(params, "startIndex", 1), 1)
    limit = get_settings().max_page_size
    count = min(max(_number(params, "count", limit), 0), limit)
    base = _base(request)

    def run(s):
        total, rows = listing(s, filter_text=params.get("filter"), start=start, count=count)
        return total, [_shape(params, render(s, row, base)) for row in rows]
    total, found = await run_in_threadpool(_read, run)
    return scim_response({"schemas": [LIST], "totalResults": total, "startIndex": start,
                          "itemsPerPage": len(found), "Resources": found})


@router.get("/{endpoint}")
async def list_resources(request: Request, endpoint: str):
    return await _guarded(request, lambda: _listing(request, endpoint, dict(request.query_params)))


@router.post("/{endpoint}/.search")
async def search_resources(request: Request, endpoint: str):
    async def work():
        return await _listing(request, endpoint, await _body(request))
    return await _guarded(request, work)


@router.get("/{endpoint}/{rid}")
async def get_resource(request: Request, endpoint: str, rid: str):
    async def work():
        _k, get, render, *_ = _kind(endpoint)
        base = _base(request)
        return scim_response(await run_in_threadpool(_read, lambda s: _shape(dict(request.query_params), render(s, get(s, rid), base))))
    return await _guarded(request, work)


@router.post("/{endpoint}")
async def create_resource(request: Request, endpoint: str):
    async def work():
        kind, _get, render, _list, create, *_ = _kind(endpoint)
        data, base = await _body(request), _base(request)
        body = await run_in_threadpool(_write, lambda s: render(s, create(s, data), base))
        return scim_response(body, 201, {"Location": body["meta"]["location"]})
    return await _guarded(request, work)


@router.put("/{endpoint}/{rid}")
async def replace_resource(request: Request, endpoint: str, rid: str):
    async def work():
        kind, get, render, _list, _create, replace, _delete = _kind(endpoint)
        data, base = await _body(request), _base(request)
        return scim_response(await run_in_threadpool(_write, lambda s: render(s, replace(s, get(s, rid), data), base)))
    return await _guarded(request, work)


@router.patch("/{endpoint}/{rid}")
async def patch_resource(request: Request, endpoint: str, rid: str):
    async def work():
        kind, get, render, _list, _create, replace, _delete = _kind(endpoint)
        data, base, model = await _body(request), _base(request), _model(kind)
        patch = PatchOp[model].model_validate(data, context={"scim_ctx": Context.RESOURCE_PATCH_REQUEST})

        def run(s):
            row = get(s, rid)
            current = model.model_validate(render(s, row, base))
            patch.patch(current)
            wanted = current.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
            return render(s, replace(s, row, wanted), base)
        return scim_response(await run_in_threadpool(_write, run))
    return await _guarded(request, work)


@router.delete("/{endpoint}/{rid}")
async def delete_resource(request: Request, endpoint: str, rid: str):
    async def work():
        *_, delete = _kind(endpoint)
        _get = _kind(endpoint)[1]
        await run_in_threadpool(_write, lambda s: delete(s, _get(s, rid)))
        return scim_response(None, 204)
    return await _guarded(request, work)


@router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def unknown(request: Request, rest: str):
    async def work():
        if rest.strip("/") == ".search" and request.method == "POST":
            raise ScimError(501, "searching several resource types at once is not supported")
        if rest.split("/")[0] in ("ServiceProviderConfig", "ResourceTypes", "Schemas") and request.method != "GET":
            raise ScimError(405, "the discovery endpoints are read-only")
        raise ScimError(404, "no such endpoint")
    return await _guarded(request, work)
