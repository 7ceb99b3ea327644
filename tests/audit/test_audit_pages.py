"""The audit trail in words: the incident's timeline (names, labels, what changed, local time, filters) and
the organisation's trail for officers with the chain's check on the page."""

from __future__ import annotations

import re

from sqlalchemy import update

from incidents.audit.models import AuditEvent
from incidents.cases import service as cases
from incidents.cases.schemas import IncidentUpdate
from incidents.db import session_scope
from tests.pages import HTML, login


def _timeline(html: str) -> str:
    return html[html.index('id="timeline"'):]


def test_the_timeline_says_who_did_what_and_what_changed(client, make_user, make_incident):
    manager = make_user("manager", name="上長 花子")
    employee = make_user("employee", manager=manager, name="山田 太郎")
    inc = make_incident(employee, affected_persons=3)
    with session_scope() as s:
        cases.update(s, actor=employee, incident_id=inc.id, data=IncidentUpdate(affected_persons=1200))
    login(client, manager)
    html = _timeline(client.get(f"/incidents/{inc.id}", headers=HTML).text)
    assert "山田 太郎" in html and "@example.co.jp" not in html  # names, not addresses
    assert "事実関係を訂正" in html
    assert re.search(r"影響を受けた人数.*?<del>3</del> → <ins>1,200</ins>", html, re.S), html[:3000]
    listed = html[html.index('<ol class="timeline trail">'):]
    assert "incident.corrected" not in listed and "step." not in listed  # no code reaches a person
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", html)  # the organisation's zone, written as people do
    only = _timeline(client.get(f"/incidents/{inc.id}?tkind=incident.corrected#timeline", headers=HTML).text)
    assert only.count('class="what"') == 1 and "1 件の記録" in only
    english = _timeline(client.get(f"/incidents/{inc.id}?lang=en", headers=HTML).text)
    assert "Facts corrected" in english and "Number of people affected" in english
    nobody = _timeline(client.get(f"/incidents/{inc.id}?twho={manager.id}&lang=ja", headers=HTML).text)
    assert 'class="what"' not in nobody and "条件に合う記録はありません。" in nobody


def test_officers_see_the_whole_trail_and_whether_it_is_intact(client, make_user, make_incident):
    officer = make_user("officer", name="個人情報 保護")
    employee = make_user("employee", name="山田 太郎")
    make_incident(employee)
    login(client, employee)
    assert client.get("/audit", headers=HTML).status_code == 403
    login(client, officer)
    page = client.get("/audit", headers=HTML)
    assert page.status_code == 200 and "改ざんはありません。" in page.text and "件の記録を検証しました" in page.text
    assert "山田 太郎" in page.text and "事案を報告" in page.text
    with session_scope() as s:  # someone edits an event behind the application's back
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="intruder@example.com"))
    page = client.get("/audit?lang=en", headers=HTML)
    assert "Not intact." in page.text and "Event 2:" in page.text and "edited" in page.text
