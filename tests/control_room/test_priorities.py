"""The control room's priorities: regulator deadlines that have passed above everything (never listed as coming),
each tile's number equal to the lines of the list it links to, the newest open incident on the first page,
and the header's count of unread notifications."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from incidents.db import session_scope
from incidents.response.models import Step
from tests.pages import HTML, login


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


def _tile(html: str, anchor: str) -> int:
    found = re.search(rf'<a href="#{anchor}"><span class="kpi-n">([\d,]+)</span>', html)
    assert found, anchor
    return int(found.group(1).replace(",", ""))


def test_overdue_regulator_deadlines_first_and_counts_match_their_lists(client, make_user, make_incident):
    manager = make_user(role="manager", department="Sales")
    employee = make_user(department="Sales", manager=manager)
    late = make_incident(employee, title="健康情報の誤送信（古い）", data_items=["medical"], affected_persons=1)
    for i in range(12):
        make_incident(employee, title=f"見積書の誤送信{i:02d}", recipients=[
            {"address": f"r{j}@c{i}.example", "kind": "unintended", "field": "to"} for j in range(3)])
    newest = make_incident(employee, title="最新の誤送信 80名", affected_persons=80)
    with session_scope() as s:  # the PPC's preliminary report of the old case: 107 days late
        s.execute(update(Step).where(Step.incident_id == late.id, Step.kind == "preliminary_report")
                  .values(due_at=datetime.now(timezone.utc) - timedelta(days=107)))
        assert s.execute(select(Step.id).where(Step.incident_id == late.id, Step.kind == "preliminary_report")).first()
    login(client, manager)
    html = client.get("/control", headers=HTML).text
    assert html.index('id="regulator-overdue"') < html.index('id="overdue"') < html.index('id="open"')
    assert "健康情報の誤送信（古い）" in _section(html, "regulator-overdue")
    assert "健康情報の誤送信（古い）" not in _section(html, "regulator")  # never "in the next 7 days"
    for anchor in ("regulator-overdue", "overdue", "regulator", "upcoming"):
        section = _section(html, anchor)
        lines = section.count("<tr>") - 1 if "<tbody>" in section else 0  # rows of its first page, less the header
        pages = re.search(r"<span>(\d+) / (\d+)</span>", section)
        if pages is None:
            assert _tile(html, anchor) == lines, anchor
        else:
            assert _tile(html, anchor) > lines
    assert "最新の誤送信 80名" in _section(html, "open")  # the newest on the first page
    assert _tile(html, "open") == 14


def test_the_header_counts_unread_notifications(client, make_user, make_incident):
    manager = make_user(role="manager", department="Sales")
    employee = make_user(department="Sales", manager=manager)
    make_incident(employee)
    login(client, manager)
    html = client.get("/", headers=HTML).text
    link = re.search(r'<a href="/notifications" class="notif unread">通知 <span class="badge">(\d+)<span class="sr-only"> 件の未読</span>', html)
    assert link and int(link.group(1)) >= 1
    from tests.pages import csrf_of

    r = client.post("/notifications/read", headers=HTML, data={"csrf_token": csrf_of(html)})
    assert r.status_code == 200 and "既読にしました。" in r.text and '<a href="/notifications" class="notif">通知</a>' in r.text
