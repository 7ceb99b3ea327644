"""The intake pages: drop the mail, review the proposals, create; in Japanese and English."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

from tests.cases.test_pages import HTML, _csrf, login

from .corpus import make_mail, people_csv

JST = timezone(timedelta(hours=9))


def _mail():
    date = (datetime.now(JST) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0900")
    return make_mail(date=date, to=[("", f"p{i}@home{i}-example.jp") for i in range(30)],
                     attachments=[("会員名簿.csv", "text/csv", people_csv(30))])


def _field(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def test_drop_review_create_in_japanese(client, make_user):
    user = make_user()
    login(client, user)
    page = client.get("/intake/mail", headers=HTML)
    assert page.status_code == 200 and "送信したメールから報告する" in page.text
    r = client.post("/intake/mail", headers=HTML, data={"csrf_token": _csrf(page.text), "recipients_field": "bcc"},
                    files={"file": ("sent.eml", _mail(), "message/rfc822")})
    assert r.status_code == 200, r.text
    assert "読み取った内容の確認" in r.text and "Bcc で送るべき一斉送信" in r.text
    assert 'value="bcc_exposure" checked' in r.text  # the proposal is pre-selected, visibly
    now = datetime.now(JST).strftime("%Y-%m-%dT%H:%M")
    form = {"csrf_token": _csrf(r.text), "draft_token": _field(r.text, "draft_token"), "title": "会員への一斉送信",
            "mistake_type": "bcc_exposure", "discovery_method": "colleague_noticed", "discovered_at": now,
            "data_items": ["email_address", "name"], "affected_persons": "30", "protection": "none",
            "apply_recipients": "on"}
    created = client.post("/intake/mail/create", headers=HTML, data=form, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"].startswith("/incidents/")
    incident = client.get(created.headers["location"], headers=HTML)
    assert incident.status_code == 200 and "会員への一斉送信" in incident.text
    # a forged review token is refused
    form["draft_token"] = form["draft_token"][:-4] + "AAAA"
    assert client.post("/intake/mail/create", headers=HTML, data=form).status_code == 422


def test_review_in_english_and_bad_file(client, make_user):
    user = make_user(locale="en")
    login(client, user)
    page = client.get("/intake/mail", headers=HTML)
    assert "Report from the sent mail" in page.text
    r = client.post("/intake/mail", headers=HTML, data={"csrf_token": _csrf(page.text)},
                    files={"file": ("sent.eml", _mail(), "message/rfc822")})
    assert "should have gone out as Bcc" in r.text
    bad = client.post("/intake/mail", headers=HTML, data={"csrf_token": _csrf(page.text)},
                      files={"file": ("x.msg", b"no ole here", "application/octet-stream")})
    assert bad.status_code == 422 and "not an Outlook .msg file" in bad.text


def test_csrf_is_required(client, make_user):
    login(client, make_user())
    r = client.post("/intake/mail", headers=HTML, files={"file": ("sent.eml", _mail(), "message/rfc822")})
    assert r.status_code == 403
