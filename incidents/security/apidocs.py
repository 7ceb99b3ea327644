"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), with their assets served by this
service (offline, no CDN), from the `fastapi-offline` package (MIT; Swagger UI is Apache-2.0, ReDoc MIT).

The pages hold no inline script, so they run under a Content-Security-Policy (incidents.security.headers).
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(str(files("fastapi_offline") / "static"))

SWAGGER_INIT = """window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-openapi"), dom_id: "#swagger-ui", deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout", persistAuthorization: false,
  });
});
"""


def _page(title: str, head: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<link rel="icon" href="/docs/assets/favicon.png">{head}</head><body>{body}</body></html>')


def install(app: FastAPI) -> None:
    """Mount /docs, /redoc and /docs/assets (call with docs_url=None, redoc_url=None on the app)."""
    router = APIRouter(include_in_schema=False)
    openapi_url = escape(app.openapi_url or "/openapi.json")
    title = f"{app.title} API"

    @router.get("/docs")
    def swagger() -> HTMLResponse:
        return HTMLResponse(_page(
            title, '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
            f'<div id="swagger-ui" data-openapi="{openapi_url}"></div>'
            '<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script>'))

    @router.get("/docs/init.js")
    def swagger_init() -> Response:
        return Response(SWAGGER_INIT, media_type="text/javascript")

    @router.get("/redoc")
    def redoc() -> HTMLResponse:
        return HTMLResponse(_page(
            title, "", f'<redoc spec-url="{openapi_url}"></redoc><script src="/docs/assets/redoc.standalone.js"></script>'))

    app.include_router(router)
    app.mount("/docs/assets", StaticFiles(directory=str(ASSETS)), name="docs-assets")
