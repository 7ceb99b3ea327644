"""The smaller findings of the outside test, each reproduced and shown fixed: the calendar-feed URL follows the
configured base URL (not the Host header); an admin learns nothing from document ids; a countermeasure owner
who cannot see the incident neither reads its notes nor drops it; adding recipients never blocks the event
loop."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from incidents.analysis import service as analysis
from incidents.analysis.schemas import CountermeasureIn
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.documents.models import Document, DocumentContent


def test_the_feed_url_comes_from_the_base_url_not_the_host_header(client, make_user, auth_headers):
    h = {**auth_headers(make_user()), "Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    url = client.get("/api/v1/calendar/feed-url", headers=h).json()["url"]
    assert url.startswith(get_settings().base_url.rstrip("/") + "/api/v1/calendar/feed/")
    assert "evil" not in url


def test_an_admin_gets_the_same_answer_for_existing_and_missing_documents(client, make_user, make_incident,
                                                                          auth_headers):
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    with session_scope() as s:
        doc = Document(incident_id=incident.id, kind="apology", lang="ja", title="お詫び", filename="a.pdf",
                       sha256="0" * 64)
        s.add(doc)
        s.flush()
        s.add(DocumentContent(document_id=doc.id, data=b"%PDF-1.7"))
        doc_id = doc.id
    h = auth_headers(make_user("admin", department="IT"))
    for path in ("/api/v1/documents/{}", "/api/v1/documents/{}/pdf", "/api/v1/letter-jobs/{}"):
        existing = client.get(path.format(doc_id), headers=h)
        missing = client.get(path.format(doc_id + 1000), headers=h)
        assert existing.status_code == missing.status_code == 403, path
        assert existing.json()["error"] == missing.json()["error"]


def test_a_countermeasure_owner_outside_the_incident_neither_reads_its_note_nor_drops_it(client, make_user,
                                                                                           make_incident,
                                                                                           auth_headers):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    owner = make_user("employee", department="IT")
    incident = make_incident(reporter)
    with session_scope() as s:
        cm = analysis.add_countermeasure(s, actor=manager, incident_id=incident.id, data=CountermeasureIn(
            title="送信保留を5分に設定", four_e="engineering", owner=owner.email,
            due_on=date.today() + timedelta(days=30), note="鈴木様の件で再発。宛先は suzuki@customer.example.jp"))
    h = auth_headers(owner)
    mine = client.get(f"/api/v1/countermeasures/{cm.id}", headers=h)
    assert mine.status_code == 200 and mine.json()["title"] == "送信保留を5分に設定"
    assert mine.json()["note"] == ""  # the task, not what was written about the case
    r = client.patch(f"/api/v1/countermeasures/{cm.id}", headers=h, json={"note": "着手しました"})
    assert r.status_code == 200 and r.json()["note"] == ""
    r = client.patch(f"/api/v1/countermeasures/{cm.id}", headers=h, json={"note": ""})
    assert r.status_code == 200
    r = client.post(f"/api/v1/countermeasures/{cm.id}/status", headers=h, json={"status": "dropped"})
    assert r.status_code == 403, r.text
    full = client.get(f"/api/v1/countermeasures/{cm.id}", headers=auth_headers(manager)).json()
    assert full["status"] == "planned"
    assert full["note"].startswith("鈴木様の件で再発") and "着手しました" in full["note"]  # added, nothing dropped


def test_adding_recipients_runs_off_the_event_loop(client, make_user, make_incident, auth_headers, monkeypatch):
    from incidents.cases import service as cases

    seen = []
    real = cases.add_recipients

    def spy(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            seen.append("event loop")
        except RuntimeError:
            seen.append("worker thread")
        return real(*args, **kwargs)

    monkeypatch.setattr(cases, "add_recipients", spy)
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    r = client.post(f"/api/v1/incidents/{incident.id}/recipients", headers=auth_headers(officer),
                    json=[{"address": f"p{i}@example.jp"} for i in range(50)])
    assert r.status_code == 201, r.text
    assert seen == ["worker thread"]


def test_a_review_form_makes_one_incident_and_expires(client, make_user):
    """One upload, one incident: a second submission of the same review form is refused, and so is a review
    older than an hour (the outside test made 4 incidents from one upload)."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer
    from sqlalchemy import func, select

    from incidents.cases.models import Incident
    from incidents.intake.pages import DRAFT_MAX_AGE_S
    from tests.cases.test_pages import HTML, _csrf, login
    from tests.intake.test_pages import JST, _field, _mail

    user = make_user()
    login(client, user)
    page = client.get("/intake/mail", headers=HTML)
    r = client.post("/intake/mail", headers=HTML, data={"csrf_token": _csrf(page.text), "recipients_field": "bcc"},
                    files={"file": ("sent.eml", _mail(), "message/rfc822")})
    assert r.status_code == 200, r.text
    form = {"csrf_token": _csrf(r.text), "draft_token": _field(r.text, "draft_token"), "title": "会員への一斉送信",
            "mistake_type": "bcc_exposure", "discovery_method": "colleague_noticed",
            "discovered_at": datetime.now(JST).strftime("%Y-%m-%dT%H:%M"), "data_items": ["email_address"],
            "affected_persons": "30", "protection": "none"}
    first = client.post("/intake/mail/create", headers=HTML, data=form, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = client.post("/intake/mail/create", headers=HTML, data=form, follow_redirects=False)
    assert again.status_code == 422 and "すでに事案を登録しています" in again.text  # a page in the reader's language
    with session_scope(write=False) as s:
        assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == 1

    class AnHourAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - DRAFT_MAX_AGE_S - 5

    old = URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt="intake-draft", signer=AnHourAgo)
    payload = URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt="intake-draft").loads(
        form["draft_token"])
    payload["n"] = "another-review"
    expired = client.post("/intake/mail/create", headers=HTML, data={**form, "draft_token": old.dumps(payload)},
                          follow_redirects=False)
    assert expired.status_code == 422 and "有効期限が切れています" in expired.text  # a page in the reader's language
