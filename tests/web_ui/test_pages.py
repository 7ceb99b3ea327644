"""The guided report without a browser script (the long form), its errors, the "what to do now" card, the
control room's scope and aggregates. Real app, real services, migrated database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from incidents.cases.models import Incident, Recipient
from incidents.db import session_scope
from incidents.response.models import Step

from .mails import sent_mail

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
    assert kinds == {"tanaka@c-corp.example": ("unintended", "田中 様"), "kato@d-corp.example": ("intended", None)}


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


def test_control_room_is_for_managers_and_shows_their_scope(client, make_user, make_incident):
    manager = make_user(role="manager", department="Sales")
    employee = make_user(department="Sales", manager=manager)
    stranger = make_user(department="Support")
    mine = make_incident(employee, title="営業部の誤送信")
    make_incident(stranger, title="サポート部の誤送信")
    with session_scope() as s:  # one step long overdue
        step = s.execute(select(Step).where(Step.incident_id == mine.id, Step.kind == "first_report")).scalar_one()
        step.due_at = datetime.now(timezone.utc) - timedelta(days=2)
    login(client, employee)
    assert client.get("/control", headers=HTML).status_code == 403
    client.post("/logout", headers=HTML, data={"csrf_token": _csrf(client.get("/", headers=HTML).text)})
    login(client, manager)
    page = client.get("/control", headers=HTML)
    assert page.status_code == 200, page.text
    assert "営業部の誤送信" in page.text and "サポート部の誤送信" not in page.text
    assert "<svg" in page.text and "上長への第一報" in page.text and "超過" in page.text
    assert 'href="/control"' in page.text
    filtered = client.get("/control?type=bcc_exposure", headers=HTML)
    assert "営業部の誤送信" not in filtered.text
    assert client.get("/control?type=nonsense", headers=HTML).status_code == 422


def test_control_room_paginates(client, make_user, make_incident):
    officer = make_user(role="officer")
    for i in range(23):
        make_incident(officer, title=f"件名{i:02d}", recipients=[])
    login(client, officer)
    first = client.get("/control", headers=HTML)
    section = first.text[first.text.index('id="open"'):]
    assert "1 / 3" in section and "ipage=2" in section
    last = client.get("/control?ipage=3", headers=HTML)
    assert "3 / 3" in last.text[last.text.index('id="open"'):] and "件名00" in last.text
