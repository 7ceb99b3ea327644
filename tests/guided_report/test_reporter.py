"""The reporter's own view of their incident and the final screen of the report: who was really told, advice
that fits the mistake, the next deadline, no manager controls; the same form sent twice files one incident.
Real app, real services, migrated database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from incidents.cases.models import Incident

from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf

JST = timezone(timedelta(hours=9))
MANAGER_ONLY = ("/response/decision", "/waive", "/response/bulk", "損害", "Exposure estimate", "想定損害", "¥")


def _now_local(hours: float = 0) -> str:
    return (datetime.now(JST) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _bcc(n: int) -> list[dict]:
    return [{"address": f"member{i}@seminar.example", "field": "to", "kind": "unintended"} for i in range(n)]


def test_the_reporter_sees_their_own_view_with_their_supervisor(client, make_user, make_incident):
    manager = make_user(role="manager", name="上長 花子")
    user = make_user(manager=manager, name="山田 太郎")
    incident = make_incident(user)
    login(client, user)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert "これからの流れ" in text and "上長の上長 花子さんに報告が届いています。" in text
    assert "開封せずに削除" in text and "電話で伝えること" in text and "suzuki@b-corp.example" in text
    assert "次の期限" in text and "見積書_A社.pdf" in text
    assert "申し訳" not in text  # nothing apologises before the organisation has decided
    assert not [w for w in MANAGER_ONLY if w in text]
    # the manager of the department sees the full page with its controls
    client.cookies.clear()
    login(client, manager)
    full = client.get(f"/incidents/{incident.id}", headers=HTML).text
    assert "/response/decision" in full and "これからの流れ" not in full


def test_without_a_supervisor_the_officer_is_named(client, make_user, make_incident):
    make_user(role="officer", department="Compliance", name="保護 責任者")
    user = make_user(department="Lab", name="一人 部署")
    incident = make_incident(user)
    login(client, user)
    text = client.get(f"/incidents/{incident.id}", headers=HTML).text
    assert "個人情報保護責任者の保護 責任者さんに報告が届いています。" in text
    assert "上長が登録されていないため" in text and "上長の" not in text


def test_a_mass_bcc_mistake_does_not_send_the_employee_to_the_recipients(client, make_user, make_incident):
    manager = make_user(role="manager", name="上長 花子", locale="en")
    user = make_user(manager=manager, locale="en")
    incident = make_incident(user, mistake_type="bcc_exposure", recipients=_bcc(80), affected_persons=80,
                             data_items=["name", "email_address"])
    login(client, user)
    text = client.get(f"/incidents/{incident.id}", headers=HTML).text
    assert "Do not contact the recipients yourself" in text
    assert "ask them by phone to delete" not in text and "What to say when you call" not in text
    assert "and 70 more" in text  # ten addresses named, the rest counted


def test_the_same_report_cannot_be_filed_twice_by_going_back(client, make_user, session):
    manager = make_user(role="manager", name="上長 花子")
    user = make_user(manager=manager)
    login(client, user)
    page = client.get("/report", headers=HTML)
    token = page.text.split('name="report_token" value="', 1)[1].split('"', 1)[0]
    assert len(token) >= 16
    form = {"csrf_token": _csrf(page.text), "report_token": token, "subject": "6月分ご請求書", "summary": "請求書PDF",
            "unintended": "tanaka@c-corp.example", "mistake_type": "wrong_recipient", "sent_at": _now_local(2),
            "discovered_at": _now_local(1), "discovery_method": "recipient_reported", "data_items": ["name"],
            "affected_persons": "1", "protection": "none"}
    first = client.post("/report", headers=HTML, data=form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].endswith("/done")
    again = client.post("/report", headers=HTML, data=form, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == first.headers["location"] + "?again=1"
    shown = client.get(again.headers["location"], headers=HTML).text
    assert "二重には登録されていません" in shown and "上長の上長 花子さんに報告が届いています。" in shown
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 1
    # a new form is a new report
    other = client.get("/report", headers=HTML).text
    assert token not in other


def test_the_final_screen_after_the_plain_form_is_the_reporter_view(client, make_user):
    user = make_user(locale="en")
    login(client, user)
    form = client.get("/incidents/new", headers=HTML)
    r = client.post("/incidents/new", headers=HTML, follow_redirects=False, data={
        "csrf_token": _csrf(form.text), "title": "Invoice to the wrong client", "mistake_type": "wrong_recipient",
        "discovery_method": "recipient_reported", "sent_at": _now_local(2), "discovered_at": _now_local(1),
        "unintended": "tanaka@c-corp.example", "data_items": ["name"], "affected_persons": "1", "protection": "none"})
    assert r.status_code == 303 and r.headers["location"].endswith("/done")
    text = client.get(r.headers["location"], headers=HTML).text
    assert "Reported. Thank you. What to do now" in text and "Who is handling it" in text
    assert "Nobody could be told automatically" in text  # no supervisor, no officer: said, not pretended
