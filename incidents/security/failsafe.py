"""The last line: an error nobody expected becomes a 500 with the error body, is logged without the
values it carried, and does not cost the client its connection.

Starlette's own catch-all (ServerErrorMiddleware) sends the 500 and then raises the exception again, so the
server logs it a second time (with the SQL parameters in a database error's message) and closes the
keep-alive connection. This middleware sits inside it: it answers, logs once, and returns normally.
"""

from __future__ import annotations

import logging
import traceback

from starlette.responses import JSONResponse

log = logging.getLogger("incidents")


def describe(exc: BaseException) -> str:
    """The exception's type and stack, never its message: messages carry values (SQL parameters, titles,
    addresses). A database error adds its SQLSTATE and statement (placeholders, not values)."""
    lines = [type(exc).__name__]
    orig = getattr(exc, "orig", None)
    if orig is not None:
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
        lines[0] += f" ({type(orig).__name__}{', ' + code if code else ''})"
        statement = getattr(exc, "statement", None)
        if statement:
            lines.append("statement: " + " ".join(str(statement).split())[:500])
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for i, f in enumerate(frames) if "site-packages" not in f.filename or i == len(frames) - 1]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in ours[-12:]]
    return "\n".join(lines)


class CatchAll:
    def __init__(self, app, page=None):
        self.app = app
        self.page = page  # page(scope) -> a response for a browser, or None for the JSON answer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001 - the point of this middleware
            log.error("unexpected error in %s %s: %s", scope.get("method"), scope.get("path"), describe(exc))
            if started:
                raise  # the response is half sent: only closing the connection tells the client
            response = (self.page(scope) if self.page else None) or JSONResponse(
                status_code=500, content={"error": "internal", "detail": "an unexpected error occurred"})
            await response(scope, receive, send)
