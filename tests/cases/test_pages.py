"""Pages: login, report form, incident page; Japanese by default, English by choice; CSRF; escaping."""

from __future__ import annotations


from sqlalchemy import func, select

from incidents.cases.models import Incident

from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf


def test_login_required_redirects(client):
    r = client.get("/", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_wrong_password_is_refused(client, make_user):
    user = make_user()
    page = client.get("/login", headers=HTML)
    r = client.post("/login", data={"email": user.email, "password": "nope", "csrf_token": _csrf(page.text)},
                    headers=HTML)
    assert r.status_code == 401 and "正しくありません" in r.text


def test_report_through_the_form_in_japanese(client, make_user, session):
    user = make_user(locale="ja")
    login(client, user)
    form = client.get("/incidents/new", headers=HTML)
    assert "誤送信を報告する" in form.text and 'lang="ja"' in form.text
    r = client.post("/incidents/new", headers=HTML, follow_redirects=False, data={
        "csrf_token": _csrf(form.text), "title": "請求書を別の取引先に送付", "mistake_type": "wrong_recipient",
        "discovery_method": "recipient_reported", "sent_at": "2025-06-20T10:15", "discovered_at": "2025-06-20T11:00",
        "subject": "6月分ご請求書", "sender": user.email, "summary": "請求書PDFを誤送信",
        "unintended": "tanaka@c-corp.example, 田中 様, C社\n", "intended": "Kato <kato@d-corp.example>",
        "data_items": ["name", "bank_account"], "affected_persons": "2", "protection": "none"})
    assert r.status_code == 303
    page = client.get(r.headers["location"], headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert "請求書を別の取引先に送付" in text and "2025年6月20日 10:15" in text
    assert "これからの流れ" in text and "tanaka@c-corp.example" in text and "銀行口座" in text
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.sent_at.isoformat() == "2025-06-20T01:15:00+00:00"


def test_form_errors_keep_what_was_typed(client, make_user, session):
    user = make_user()
    login(client, user)
    form = client.get("/incidents/new", headers=HTML)
    r = client.post("/incidents/new", headers=HTML, data={
        "csrf_token": _csrf(form.text), "title": "日付の誤り", "mistake_type": "wrong_recipient",
        "discovery_method": "self_noticed", "sent_at": "2025-06-20T10:15", "discovered_at": "2025-06-19T10:00",
        "summary": "残しておくべき本文"})
    assert r.status_code == 422 and "残しておくべき本文" in r.text and "discovered_at" in r.text
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0


def test_english_by_choice(client, make_user, make_incident):
    user = make_user(locale="en")
    incident = make_incident(user)
    login(client, user)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert 'lang="en"' in page.text and "What happens now" in page.text and "Wrong recipient" in page.text


def test_form_post_without_csrf_is_refused(client, make_user, session):
    user = make_user()
    login(client, user)
    r = client.post("/incidents/new", headers=HTML, data={"title": "x", "mistake_type": "other",
                                                          "discovery_method": "self_noticed"})
    assert r.status_code == 403
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    # the API, called with the browser's cookie but no CSRF header, is refused too
    r = client.post("/api/v1/incidents", json={"title": "x"})
    assert r.status_code == 403 and r.json()["error"] == "csrf"


def test_foreign_incident_is_not_found(client, make_user, make_incident):
    owner = make_user(department="Sales")
    other = make_user(department="Support")
    incident = make_incident(owner)
    login(client, other)
    assert client.get(f"/incidents/{incident.id}", headers=HTML).status_code == 404


def test_user_text_is_escaped(client, make_user, make_incident):
    user = make_user()
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    incident = make_incident(user, title=evil, message={"subject": evil, "summary": evil, "attachments": []})
    login(client, user)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    listing = client.get("/", headers=HTML)
    assert "<script>alert(1)" not in listing.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_many_recipients_are_paginated(client, make_user, make_incident):
    user = make_user(role="manager")  # the full incident page (a reporter sees their own view)
    recipients = [{"address": f"m{i}@list.example"} for i in range(1200)]
    incident = make_incident(user, recipients=recipients)
    login(client, user)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    section = page.text[page.text.index('id="recipients"'):page.text.index('id="timeline"')]
    assert section.count("@list.example</td>") == 50 and "1 / 24" in section
    last = client.get(f"/incidents/{incident.id}?rpage=24", headers=HTML)
    assert "m1199@list.example" in last.text
