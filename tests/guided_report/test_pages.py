"""The guided report without a browser script (the long form), its errors and the "what to do now" card.
Real app, real services, migrated database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from incidents.cases.models import Incident, Recipient

from tests.mails import sent_mail
from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf

JST = timezone(timedelta(hours=9))


def _now_local(hours: float = 0) -> str:
    return (datetime.now(JST) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_wizard_is_one_form_that_works_without_script(client, make_user, session):
    manager = make_user(role="manager", name="上長 花子")
    user = make_user(manager=manager)
    login(client, user)
    page = client.get("/report", headers=HTML)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert page.text.count('class="step card"') == 8 and "/static/wizard.js" in page.text
    r = client.post("/report", headers=HTML, follow_redirects=False, data={
        "csrf_token": _csrf(page.text), "subject": "6月分ご請求書", "summary": "請求書PDF",
        "unintended": "tanaka@c-corp.example, 田中 様, C社", "intended": "kato@d-corp.example",
        "mistake_type": "wrong_recipient", "sent_at": _now_local(2), "discovered_at": _now_local(1),
        "discovery_method": "recipient_reported", "data_items": ["name", "bank_account"], "affected_persons": "2",
        "protection": "none"})
    assert r.status_code == 303 and r.headers["location"].endswith("/done"), r.text
    done = client.get(r.headers["location"], headers=HTML)
    assert "上長 花子" in done.text and "開封せずに削除" in done.text and "6月分ご請求書" in done.text
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.title.endswith("6月分ご請求書") and incident.affected_persons == 2
    kinds = {r.address: (r.kind, r.name) for r in session.execute(select(Recipient)).scalars()}
    assert kinds == {"tanaka@c-corp.example": ("unintended", "田中"), "kato@d-corp.example": ("intended", None)}


def test_wizard_reads_the_attached_mail_without_script(client, make_user, session):
    user = make_user()
    login(client, user)
    page = client.get("/report", headers=HTML)
    mail = sent_mail(to=[("鈴木 一郎", "suzuki@b-corp.example")])
    r = client.post("/report", headers=HTML, follow_redirects=False,
                    files={"mail": ("sent.eml", mail, "message/rfc822")},
                    data={"csrf_token": _csrf(page.text), "discovered_at": _now_local(0.5),
                          "discovery_method": "self_noticed", "sender": user.email})
    assert r.status_code == 303, r.text
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.subject == "【見積書送付】2026年度 保守契約"
    rcpt = session.execute(select(Recipient)).scalars().all()
    assert [(x.address, x.name) for x in rcpt] == [("suzuki@b-corp.example", "鈴木 一郎")]
    public = client.get(f"/api/v1/incidents/{incident.id}", headers={"accept": "application/json"}).json()
    assert public["message"]["attachments"][0]["filename"] == "顧客名簿.csv"


def test_wizard_errors_come_back_on_their_screen_with_what_was_typed(client, make_user, session):
    user = make_user(locale="en")
    login(client, user)
    page = client.get("/report", headers=HTML)
    r = client.post("/report", headers=HTML, data={
        "csrf_token": _csrf(page.text), "summary": "keep me <b>", "sent_at": _now_local(1),
        "discovered_at": _now_local(3), "unintended": "not an address"})
    assert r.status_code == 422
    assert "keep me &lt;b&gt;" in r.text and 'data-first-error="whom"' in r.text
    assert "not a valid mail address" in r.text and 'aria-invalid="true"' in r.text
    r = client.post("/report", headers=HTML, data={
        "csrf_token": _csrf(page.text), "summary": "x", "sent_at": _now_local(1), "discovered_at": _now_local(3)})
    assert r.status_code == 422 and 'data-first-error="when"' in r.text
    assert "must not be before the time it was sent" in r.text
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0


def test_wizard_in_english_is_english_throughout(client, make_user):
    login(client, make_user(locale="en"))
    page = client.get("/report", headers=HTML)
    assert 'lang="en"' in page.text and "Wrong recipient (typo" in page.text and "Medical history" in page.text
    assert not any(word in page.text for word in ("宛先間違い", "氏名", "誤送信"))


def test_wizard_refuses_a_post_without_csrf(client, make_user, session):
    login(client, make_user())
    r = client.post("/report", headers=HTML, data={"summary": "x", "discovered_at": _now_local()})
    assert r.status_code == 403
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
