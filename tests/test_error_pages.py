"""Every error a person can meet is a page in their language; JSON {"error", "detail"} stays for /api and for
clients that do not take HTML. Real app, real services, migrated database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from incidents.cases.models import Incident

from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf

EN = {"accept": "text/html", "accept-language": "en-GB,en;q=0.9"}
JSON = {"accept": "application/json"}
DEVELOPER_WORDS = ("Traceback", "not_found", '"error"', "--recipient", "pending", "csrf", "CSRF")


def _clean(html: str) -> None:
    """No developer words in what the page says (its text, not its markup)."""
    text = re.sub(r"<[^>]+>", " ", html)
    assert not [w for w in DEVELOPER_WORDS if w in text], [w for w in DEVELOPER_WORDS if w in text]


def test_an_unknown_address_is_a_page_in_the_browsers_language(client):
    ja = client.get("/no/such/page", headers=HTML)
    assert ja.status_code == 404 and ja.headers["content-type"].startswith("text/html")
    assert "ページが見つかりません" in ja.text and 'lang="ja"' in ja.text
    _clean(ja.text)
    en = client.get("/no/such/page", headers=EN)
    assert en.status_code == 404 and "This page does not exist" in en.text and 'lang="en"' in en.text
    # the API and clients that ask for JSON keep the error body
    assert client.get("/api/v1/no/such", headers=HTML).json()["error"] == "not_found"
    assert client.get("/no/such/page", headers=JSON).json()["error"] == "not_found"


def test_a_client_taking_anything_is_sent_to_the_login_not_given_json(client):
    r = client.get("/", headers={"accept": "*/*"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login_page = client.get("/login", headers=EN)
    assert 'lang="en"' in login_page.text  # Accept-Language before signing in
    assert 'lang="ja"' in client.get("/login", headers={"accept": "text/html", "accept-language": "ja,en;q=0.5"}).text
    assert 'lang="en"' in client.get("/login", headers={"accept": "text/html", "accept-language": "fr, en;q=0.3"}).text


def test_405_is_a_page_that_still_names_the_methods(client):
    r = client.request("PUT", "/login", headers=HTML)
    assert r.status_code == 405 and "このページはこの方法では使えません" in r.text and r.headers.get("allow")


def test_a_foreign_incident_and_a_forbidden_action_are_pages(client, make_user, make_incident):
    owner = make_user(locale="en")
    incident = make_incident(owner)
    other = make_user(department="Support", locale="en")
    login(client, other)
    r = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert r.status_code == 404 and "This page does not exist" in r.text
    _clean(r.text)
    # the reporter may not decide: a page in Japanese, no English developer text
    client.cookies.clear()
    ja_owner = make_user()
    mine = make_incident(ja_owner)
    login(client, ja_owner)
    page = client.get(f"/incidents/{mine.id}", headers=HTML)
    r = client.post(f"/incidents/{mine.id}/response/decision", headers=HTML,
                    data={"csrf_token": _csrf(page.text), "note": "方針"})
    assert r.status_code == 403 and "この操作はできません" in r.text
    assert "事案の部署の管理者または個人情報保護責任者のみが行えます" in r.text
    _clean(r.text)


def test_an_expired_form_comes_back_with_what_was_typed(client, make_user, make_incident):
    manager = make_user(role="manager")
    incident = make_incident(make_user(manager=manager))
    login(client, manager)
    client.get(f"/incidents/{incident.id}", headers=HTML)
    r = client.post(f"/incidents/{incident.id}/response/decision", headers=HTML,
                    data={"csrf_token": "expired-token", "note": "B社へは上長から電話、文面は総務と確認"})
    assert r.status_code == 403 and "フォームの有効期限が切れました" in r.text
    assert "B社へは上長から電話、文面は総務と確認" in r.text and "もう一度送信する" in r.text
    assert "権限がありません" not in r.text
    _clean(r.text)
    # sending it again (the page carries a fresh token) records the decision
    again = client.post(f"/incidents/{incident.id}/response/decision", headers=HTML, follow_redirects=False,
                        data={"csrf_token": _csrf(r.text), "note": "B社へは上長から電話、文面は総務と確認"})
    assert again.status_code == 303


def test_a_domain_rule_names_the_field_and_keeps_the_typed_text(client, make_user, make_incident):
    manager = make_user(role="manager")
    incident = make_incident(make_user(manager=manager))
    login(client, manager)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    r = client.post(f"/incidents/{incident.id}/response/deletion", headers=HTML,
                    data={"csrf_token": _csrf(page.text), "action": "confirm", "recipient": "suzuki@b-corp.example",
                          "opened": "maybe", "note": "電話で確認済み"})
    assert r.status_code == 422 and "入力内容を確認してください" in r.text
    assert "受信者による開封" in r.text and "はい・いいえ・不明" in r.text and "電話で確認済み" in r.text
    _clean(r.text)


def test_a_decision_recorded_twice_is_a_409_page(client, make_user, make_incident):
    manager = make_user(role="manager", locale="en")
    incident = make_incident(make_user(manager=manager))
    login(client, manager)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    form = {"csrf_token": _csrf(page.text), "note": "Manager calls B Corp"}
    assert client.post(f"/incidents/{incident.id}/response/decision", headers=HTML, data=form,
                       follow_redirects=False).status_code == 303
    r = client.post(f"/incidents/{incident.id}/response/decision", headers=HTML, data=form)
    assert r.status_code == 409 and "This cannot be done now" in r.text
    assert "already been recorded" in r.text


def test_a_bad_value_in_the_address_is_a_422_page(client, make_user, make_incident):
    user = make_user()
    incident = make_incident(user)
    login(client, user)
    r = client.get("/incidents/abc", headers=HTML)
    assert r.status_code == 422 and "入力内容を確認してください" in r.text
    assert client.get(f"/api/v1/incidents/{incident.id}/recipients?page=abc", headers=JSON).status_code == 422


def test_too_many_sign_in_attempts_is_a_page_in_the_language(client, make_user):
    user = make_user(locale="en")
    page = client.get("/login", headers=EN)
    statuses = []
    for _ in range(12):
        r = client.post("/login", headers=EN, data={"email": user.email, "password": "wrong",
                                                    "csrf_token": _csrf(page.text), "next": "/"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429 and 'lang="en"' in r.text
    _clean(r.text)


def test_an_unexpected_error_is_a_page_and_json_for_the_api(client, make_user, monkeypatch):
    from incidents.cases import service

    def broken(*_a, **_k):
        raise RuntimeError("secret value in a message")

    monkeypatch.setattr(service, "list_incidents", broken)
    login(client, make_user())
    r = client.get("/", headers=HTML)
    assert r.status_code == 500 and "システム側で問題が発生しました" in r.text
    assert "secret value" not in r.text
    _clean(r.text)
    api = client.get("/api/v1/incidents", headers={**JSON, "x-csrf-token": "x"})
    assert api.status_code == 500 and api.json() == {"error": "internal", "detail": "an unexpected error occurred"}


@pytest.mark.parametrize("path", ["/report", "/incidents/new"])
def test_a_report_form_sent_without_its_token_files_nothing(client, make_user, session, path):
    login(client, make_user())
    r = client.post(path, headers=HTML, data={"summary": "x", "title": "t"})
    assert r.status_code == 403 and "フォームの有効期限が切れました" in r.text
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0


def test_an_expired_session_shows_what_was_typed_and_the_way_back(client, make_user, session):
    login(client, make_user())
    page = client.get("/report", headers=HTML)
    client.cookies.clear()  # the session ended while the report was being written
    r = client.post("/report", headers=HTML, data={
        "csrf_token": _csrf(page.text), "report_token": "t" * 22, "subject": "6月分ご請求書",
        "summary": "請求書PDFを別の取引先に送付", "mistake_type": "wrong_recipient", "prefilled": "1"})
    assert r.status_code == 403 and "ログインの有効期限が切れました" in r.text
    text = re.sub(r"<[^>]+>", " ", r.text)
    assert "6月分ご請求書" in text and "請求書PDFを別の取引先に送付" in text
    assert "wrong_recipient" not in text and "t" * 22 not in text  # codes and the page's own fields are not "typed"
    assert 'href="/login?next=' in r.text
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
