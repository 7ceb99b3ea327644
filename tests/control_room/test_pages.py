"""The control room's scope, filters and pagination. Real app, real services, migrated database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from incidents.db import session_scope
from incidents.response.models import Step
from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf


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
