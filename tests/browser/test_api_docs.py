"""/docs and /redoc render in a browser that can reach nothing but this service (every other host is
refused), under their Content-Security-Policy, with no script error."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import expect


def _offline(page, live_server):
    own = urlparse(live_server).netloc
    page.outside = []

    def route(r):
        if urlparse(r.request.url).netloc == own:
            return r.continue_()
        page.outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)


def test_swagger_ui_renders_offline(page, live_server, shot):
    _offline(page, live_server)
    response = page.goto("/docs")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split(
        "script-src")[1].split(";")[0]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("incidents")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/incidents/{incident_id}").first.click()
    expect(page.locator(".responses-table").first).to_contain_text("404")
    shot(page, "api-docs-swagger")
    assert page.outside == [] and page.console_errors == [], (page.outside, page.console_errors)


def test_redoc_renders_offline(page, live_server):
    _offline(page, live_server)
    page.goto("/redoc")
    expect(page.locator("h1").first).to_contain_text("incidents")
    expect(page.get_by_text("A value is missing, malformed or out of range.").first).to_be_attached()
    # ReDoc's credit link shows a logo from its CDN: the policy refuses it before any request leaves (and
    # ReDoc hides the image); nothing else may be refused or fail.
    errors = [e for e in page.console_errors if "cdn.redoc.ly/redoc/logo-mini.svg" not in e]
    assert page.outside == [] and errors == [], (page.outside, page.console_errors)
