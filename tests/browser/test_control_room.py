"""The manager's control room in a real browser: counts, lists, charts, filters, links into an incident."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .helpers import login
from .seed import seed_department


def test_control_room(page, make_user, make_incident):
    manager, employee, incidents = seed_department(make_user, make_incident, locale="en")
    seed_department(make_user, make_incident, department="Support", locale="en")  # not this manager's
    login(page, manager)
    page.get_by_role("link", name="Control room").click()
    expect(page.get_by_role("heading", name="Control room", exact=True)).to_be_visible()
    kpis = page.locator("ul.kpis")
    expect(kpis.locator("a[href='#open']")).to_contain_text("7")  # only the manager's department
    expect(page.locator("#overdue tbody tr").first).to_be_visible()
    expect(page.locator("#overdue")).to_contain_text("overdue")
    expect(page.locator("#regulator")).to_contain_text("Preliminary report to the PPC")  # health data
    expect(page.locator("svg.svg-chart")).to_have_count(3)
    expect(page.locator("svg.svg-chart rect").first).to_be_visible()

    page.select_option("#f-type", "bcc_exposure")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"type=bcc_exposure"))
    expect(page.locator("#open tbody tr")).to_have_count(1)
    page.locator("#open tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("セミナー案内をToで一斉送信")
    assert page.dialogs == [] and page.console_errors == []
