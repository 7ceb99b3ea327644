"""A bulk letter job on the incident page: queued (waiting for a worker), then followed by /static/jobs.js
while a worker runs it, and the page shows it done with its download link — no reload by hand."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from incidents.db import session_scope
from incidents.documents import jobs as letter_jobs
from incidents.jobs.worker import run_due

from .helpers import login


def test_the_page_follows_a_letter_job_until_it_is_done(new_page, make_user, make_incident, shot):
    officer = make_user("officer", name="鈴木 個人情報保護責任者")
    incident = make_incident(officer, mistake_type="bcc_exposure", recipients=[
        {"address": f"member{i}@club.example", "name": f"会員 {i}", "field": "to", "kind": "unintended"}
        for i in range(3)])
    with session_scope() as s:
        job = letter_jobs.start(s, actor=officer, incident_id=incident.id, to="affected")
    page = new_page()
    login(page, officer)
    page.goto(f"/incidents/{incident.id}#documents")
    bar = page.locator(f"#documents [data-job='{job.id}']")
    expect(bar).to_contain_text("待機中 0/3")
    expect(bar).to_contain_text("ワーカーの処理待ち")
    assert run_due()["done"] == 1  # a worker runs it while the page is open
    expect(page.locator(f"#documents [data-job='{job.id}']")).to_contain_text("完了 3/3", timeout=30_000)
    link = page.locator("#documents a", has_text=re.compile("letters.zip"))
    expect(link).to_be_visible()
    shot(page, "documents-letter-job-done")
    assert page.console_errors == []
