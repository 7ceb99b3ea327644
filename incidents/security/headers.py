"""Response headers every answer carries.

- CSP, nosniff, Referrer-Policy, X-Frame-Options: pages run only our own scripts and styles. The API
  documentation (/docs, /redoc) gets its own policy: Swagger UI and ReDoc set inline styles and ReDoc searches
  in a blob: worker, but every script is still our own file (no inline script, nothing from another host).
- Cache-Control: no-store on everything that may hold personal data (pages, API answers, PDFs), so neither a
  shared proxy nor the browser's disk keeps it; static assets (/static, /docs/assets) may be cached.
- Strict-Transport-Security when INCIDENTS_HSTS_MAX_AGE is set (behind HTTPS only).
"""

from __future__ import annotations

from incidents.config import get_settings

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
CACHEABLE = ("/static/", "/docs/assets/")


def headers_for(path: str) -> dict[bytes, bytes]:
    docs = path in ("/docs", "/redoc") or path.startswith("/docs/")
    out = {
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"same-origin",
        b"x-frame-options": b"DENY",
        b"content-security-policy": (DOCS_CSP if docs else CSP).encode(),
    }
    if not path.startswith(CACHEABLE):
        out[b"cache-control"] = b"no-store"
    max_age = get_settings().hsts_max_age
    if max_age > 0:
        out[b"strict-transport-security"] = f"max-age={max_age}".encode()
    return out


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = headers_for(scope["path"])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
