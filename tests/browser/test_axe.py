"""axe-core (WCAG 2.1 A and AA) on every page of the people's journeys, in Japanese and in English: no serious
or critical violation. Includes the incident with 5,000 recipients (whose page stays a work list, under
400 kB) and the control room."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import axe
from .helpers import login
from .seed import seed_department

MANY = 5000


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_serious_violation_on_any_page(lang, new_page, make_user, make_incident):
    manager, employee, incidents = seed_department(make_user, make_incident, locale=lang)
    officer = make_user(role="officer", locale=lang, name="個人情報 保護" if lang == "ja" else "Hogo Kojin")
    big = make_incident(employee, title="セミナー案内を全会員にToで送信" if lang == "ja" else "Seminar mail sent to every member in To",
                        mistake_type="bcc_exposure", affected_persons=MANY, recipients=[
                            {"address": f"member{i:04d}@club{i % 40}.example", "name": f"会員 {i}",
                             "organization": f"会員企業{i % 40}", "field": "to", "kind": "unintended"}
                            for i in range(MANY)])
    small = incidents[0]

    found: list[str] = []

    def check(p, where: str) -> None:  # every page is checked; the test lists every violation at the end
        found.extend(f"{where}: {line}" for line in axe.describe(axe.violations(p)))

    page = new_page()
    page.goto(f"/login?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check(page, "login")

    login(page, employee)
    for path in ("/", "/report", f"/incidents/{small.id}", "/nearmiss", "/notifications", "/account/security",
                 "/incidents/999999"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        check(page, f"{path} (employee, {lang})")

    boss = new_page()
    boss.set_default_timeout(90_000)  # the 5,000-recipient page on a busy CI machine
    boss.set_default_navigation_timeout(90_000)
    login(boss, manager)
    response = boss.goto(f"/incidents/{big.id}")
    assert response.status == 200
    body = response.body()
    assert len(body) < 400_000, f"the 5,000-recipient incident page is {len(body):,} bytes"
    expect(boss.locator("#recipients h2")).to_contain_text("5,000")
    check(boss, f"5,000-recipient incident ({lang})")
    for path in ("/control", f"/incidents/{small.id}", f"/incidents/{small.id}/analysis",
                 f"/incidents/{small.id}/nearmiss", "/register", f"/incidents/{big.id}?rstatus=to_request&rpage=7"):
        assert boss.goto(path).status == 200, path
        check(boss, f"{path} (manager, {lang})")

    chief = new_page()
    chief.set_default_navigation_timeout(90_000)
    login(chief, officer)
    for path in ("/audit", "/control", "/admin/sessions", f"/incidents/{big.id}"):
        assert chief.goto(path).status == 200, path
        check(chief, f"{path} (officer, {lang})")
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
    for p in (page, boss, chief):
        assert p.dialogs == []
