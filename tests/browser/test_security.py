"""Refusals, seen from the browser: a form post without its CSRF token, another department's incident,
and script typed into every text field of the guided report (shown as text, never run)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.cases.models import Incident

from .helpers import current, login

EVIL = '<img src=x onerror="alert(\'img\')"><script>alert("script")</script>'


def test_a_form_post_without_csrf_is_refused(page, make_user, session):
    login(page, make_user(locale="en"))
    page.goto("/report")
    page.locator("#report-form input[name=csrf_token]").evaluate("el => el.remove()")
    page.evaluate("() => document.getElementById('report-form').submit()")  # a raw post, no script checks
    expect(page.locator("main h1")).to_have_text("This form has expired")
    expect(page.get_by_role("button", name="Send again")).to_be_visible()  # what was typed is kept
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    # the API, called with the browser's cookie but without the CSRF header, is refused as well
    status = page.evaluate("""async () => (await fetch('/api/v1/incidents', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{}'})).status""")
    assert status == 403


def test_cookies_and_headers(page, make_user):
    response = page.goto("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    login(page, make_user())
    cookie = next(c for c in page.context.cookies() if c["name"] == "incidents_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    response = page.goto("/report")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # the page's own script runs under that policy (it is served from /static): one question per screen
    expect(page.locator("#step-nav")).to_be_visible()
    expect(page.locator("section.step:not([hidden])")).to_have_count(1)


def test_a_foreign_incidents_url_is_refused(page, make_user, make_incident):
    owner = make_user(department="Sales")
    other = make_user(department="Support", locale="en")
    incident = make_incident(owner, title="営業部だけの事案")
    login(page, other)
    response = page.goto(f"/incidents/{incident.id}")
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("営業部だけの事案")
    for path in (f"/report/{incident.id}/done", f"/incidents/{incident.id}/analysis"):
        assert page.goto(path).status == 404
    assert page.goto("/control").status == 403  # an employee has no control room


def test_script_in_every_text_field_is_inert(page, make_user, session):
    manager = make_user(role="manager", locale="en")
    user = make_user(manager=manager, locale="en")
    login(page, user)
    page.goto("/report")
    fields = page.locator("#report-form input[type=text], #report-form input:not([type]), #report-form textarea")
    names = []
    for i in range(fields.count()):
        field = fields.nth(i)
        name = field.get_attribute("name")
        names.append(name)
        value = EVIL if name not in ("unintended", "intended") else f"evil@x.example, {EVIL}, {EVIL}"
        field.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value)
    assert {"title", "subject", "summary", "unintended", "intended"} <= set(names)
    for name, value in (("sent_at", "2026-01-05T09:00"), ("discovered_at", "2026-01-05T10:00")):
        page.locator(f"#{name}").evaluate("(el, v) => { el.value = v; }", value)
    for _ in range(7):
        page.click("#step-next")
    expect(current(page).locator("#review")).to_contain_text(EVIL)  # the review shows it as text
    page.get_by_role("button", name="Report now").click()
    expect(page.locator(".now-card")).to_contain_text(EVIL[:20])
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.subject == EVIL and incident.summary == EVIL
    page.goto(f"/incidents/{incident.id}")
    expect(page.locator("h1")).to_contain_text(EVIL)
    page.goto("/")
    expect(page.locator("table.list")).to_contain_text(EVIL)
    page.context.clear_cookies()
    login(page, manager)
    page.goto("/control")
    expect(page.locator("#open")).to_contain_text(EVIL)
    page.goto(f"/incidents/{incident.id}")
    expect(page.locator("#recipients")).to_contain_text(EVIL)
    assert page.dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert not re.search(r"<script>alert", page.content())
