"""The FastAPI application: routers of every domain, one error handler, security headers, limits."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from incidents import __version__, plugins
from incidents.config import check_startup, get_settings
from incidents.errors import DomainError
from incidents.migrations import ensure_migrated
from incidents.pagekit import LoginRequired, error_page, server_error_page, wants_html
from incidents.files import private_umask
from incidents.security import apidocs, bounds, contract, logs
from incidents.security.failsafe import CatchAll
from incidents.security.headers import SecurityHeaders

log = logging.getLogger("incidents")
STATIC = Path(__file__).parent / "static"


_wants_html = wants_html  # a browser asking for a page: errors as pages in the reader's language


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
        msg = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


class BodyLimit:
    """Refuse bodies over the limit (413) before they are read into memory, whatever Content-Length says."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        settings = get_settings()
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = settings.max_upload_bytes + 1_000_000 if multipart else settings.max_request_bytes
        declared = headers.get(b"content-length")
        too_big = JSONResponse(status_code=413, content={
            "error": "too_large", "detail": f"the request body is larger than {limit // (1024 * 1024)} MiB"})
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await too_big(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooBig()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooBig:
            await too_big(scope, receive, send)


class _TooBig(Exception):
    pass


def create_app(*, check_migrations: bool = True) -> FastAPI:
    settings = check_startup()  # refuses to build the app on a configuration it must not run with
    plugins.load()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if check_migrations:
            ensure_migrated()
        yield

    logs.install()
    private_umask()  # files written 0600, directories 0700 (incidents.files)
    app = FastAPI(title="incidents", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json", description="Email misdelivery incident response.")

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError):
        if isinstance(exc, LoginRequired) and _wants_html(request):
            return RedirectResponse(f"/login?next={quote(str(exc.detail))}", status_code=303)
        if _wants_html(request):
            return await error_page(request, exc.status_code, error=exc, code=exc.code)
        return JSONResponse(status_code=exc.status_code, content={"error": exc.code, "detail": exc.detail})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        code = "malformed_json" if any(e.get("type") == "json_invalid" for e in exc.errors()) else "invalid_input"
        status = 400 if code == "malformed_json" else 422
        if _wants_html(request):
            return await error_page(request, status, code=code)
        return JSONResponse(status_code=status, content={"error": code, "detail": _validation_message(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            allowed = contract.allowed_methods(request.app.openapi(), request.url.path)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        if _wants_html(request):
            page = await error_page(request, exc.status_code, code=code)
            page.headers.update(headers)
            return page
        return JSONResponse(status_code=exc.status_code, content={"error": code, "detail": str(exc.detail)},
                            headers=headers or None)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def unstorable(request: Request, exc: Exception):
        # A value the database cannot hold (a number beyond its column, a NUL in PostgreSQL text) that no bound
        # at the edge caught: the caller's input, not our fault. Logged (without values) so the bound is added.
        from incidents.security.failsafe import describe

        log.warning("value refused by the database in %s %s: %s", request.method, request.url.path, describe(exc))
        if _wants_html(request):
            return await error_page(request, 422, code="invalid_input")
        return JSONResponse(status_code=422, content={
            "error": "invalid_input", "detail": "a value is out of range or cannot be stored"})

    for module in plugins.modules("api"):
        app.include_router(module.router, prefix="/api/v1", dependencies=[bounds.CHECKED])
    for module in plugins.modules("pages"):
        app.include_router(module.router, dependencies=[bounds.CHECKED])
    from incidents.people import scim_api  # SCIM 2.0 (/scim/v2): its own auth, media type and errors

    app.include_router(scim_api.router)
    contract.install(app, bounds.annotate)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    apidocs.install(app)

    app.add_middleware(CatchAll, page=server_error_page)  # innermost of ours: a 500 still gets the session and security headers
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret_key(), session_cookie="incidents_session",
                       max_age=settings.session_max_age_s, same_site="lax", https_only=settings.cookie_secure)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit)
    return app
