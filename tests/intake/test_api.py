"""The intake endpoints: upload a mail, get draft + findings; create on the user's yes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from .corpus import make_mail, people_csv
from .test_msg import outlook_message

JST = timezone(timedelta(hours=9))


def _date():
    return (datetime.now(JST) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0900")


def test_upload_preview_then_create(client, make_user, auth_headers):
    user = make_user()
    h = auth_headers(user)
    data = make_mail(date=_date(), to=[("", f"p{i}@home{i}-example.jp") for i in range(40)],
                     attachments=[("会員名簿.csv", "text/csv", people_csv(40))])
    r = client.post("/api/v1/intake/mail", headers=h, files={"file": ("sent.eml", data, "message/rfc822")})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["suggested_mistake_type"] == "bcc_exposure"
    assert draft["incident"]["mistake_type"] is None
    assert len(draft["incident"]["recipients"]) == 40
    assert client.get("/api/v1/incidents", headers=h).json()["total"] == 0  # nothing created

    r = client.post(
        "/api/v1/intake/mail/incident", headers=h,
        files={"file": ("sent.eml", data, "message/rfc822")},
        data={"discovery_method": "recipient_reported", "discovered_at": datetime.now(JST).isoformat(),
              "overrides": json.dumps({"affected_persons": 40})},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["mistake_type"] == "bcc_exposure"
    assert created["affected_persons"] == 40
    assert "email_address" in created["data_items"]
    assert created["message"]["attachments"][0]["filename"] == "会員名簿.csv"
    timeline = client.get(f"/api/v1/incidents/{created['id']}/timeline", headers=h)
    assert timeline.status_code == 200
    assert "intake.mail_imported" in json.dumps(timeline.json())


def test_upload_msg_and_hostile_files(client, make_user, auth_headers):
    h = auth_headers(make_user())
    msg = outlook_message([("hanako.sato@partner.co.jp", "佐藤 花子", 1)]).to_bytes()
    r = client.post("/api/v1/intake/mail", headers=h, files={"file": ("sent.msg", msg, "application/vnd.ms-outlook")})
    assert r.status_code == 200 and r.json()["source"]["format"] == "msg"
    r = client.post("/api/v1/intake/mail", headers=h, files={"file": ("x.msg", b"not an ole file at all", "application/octet-stream")})
    assert r.status_code == 422 and r.json()["error"] == "not_ole"
    r = client.post("/api/v1/intake/mail", headers=h, files={"file": ("empty.eml", b"", "message/rfc822")})
    assert r.status_code == 422 and r.json()["error"] == "mail_empty"
    r = client.post("/api/v1/intake/mail/incident", headers=h, files={"file": ("a.eml", make_mail(), "message/rfc822")},
                    data={"discovery_method": "self_noticed", "discovered_at": "2026-11-23T10:00:00+09:00", "overrides": "[1"})
    assert r.status_code == 422 and "overrides" in r.json()["detail"]


def test_upload_size_limit(client, make_user, auth_headers, monkeypatch):
    from incidents.config import get_settings

    monkeypatch.setenv("INCIDENTS_INTAKE_MAX_BYTES", "5000")
    get_settings.cache_clear()
    try:
        h = auth_headers(make_user())
        big = make_mail(attachments=[("a.bin", "application/octet-stream", b"\0" * 20000)])
        r = client.post("/api/v1/intake/mail", headers=h, files={"file": ("big.eml", big, "message/rfc822")})
        assert r.status_code == 413 and r.json()["error"] == "mail_too_large"
    finally:
        get_settings.cache_clear()


def test_domains_and_address_book_endpoints(client, make_user, auth_headers):
    officer, employee = auth_headers(make_user(role="officer")), auth_headers(make_user())
    r = client.post("/api/v1/intake/domains", headers=officer, json={"domain": "partner.co.jp", "organization": "パートナー"})
    assert r.status_code == 201 and r.json()["domain"] == "partner.co.jp"
    assert client.post("/api/v1/intake/domains", headers=officer, json={"domain": "partner.co.jp"}).status_code == 409
    assert client.post("/api/v1/intake/domains", headers=employee, json={"domain": "x.co.jp"}).status_code == 403
    assert client.get("/api/v1/intake/domains", headers=officer).json() == [
        {"domain": "partner.co.jp", "kind": "partner", "organization": "パートナー"}]
    book = "メールアドレス,氏名,会社名\r\nhanako.sato@partner.co.jp,佐藤 花子,パートナー株式会社\r\n".encode("cp932")
    r = client.post("/api/v1/intake/addressbook", headers=officer, files={"file": ("book.csv", book, "text/csv")})
    assert r.status_code == 200 and r.json()["added"] == 1
    r = client.get("/api/v1/intake/addressbook", headers=officer, params={"q": "佐藤"})
    assert r.json()["total"] == 1 and r.json()["items"][0]["organization"] == "パートナー株式会社"
    assert client.get("/api/v1/intake/addressbook", headers=employee).status_code == 403
    assert client.delete("/api/v1/intake/domains/partner.co.jp", headers=officer).status_code == 204
    assert client.delete("/api/v1/intake/domains/partner.co.jp", headers=officer).status_code == 404


def test_requires_login(client):
    r = client.post("/api/v1/intake/mail", files={"file": ("a.eml", make_mail(), "message/rfc822")})
    assert r.status_code == 401
