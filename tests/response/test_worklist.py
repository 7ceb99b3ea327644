"""The per-recipient work list: filters, search, paging in the database, actions on the ticked recipients or on
every recipient matching the filter, the gates, the audit, and the page (labelled controls, back to the same
place with a message, every rejected line of an import named)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.errors import InvalidInput, InvalidTransition
from incidents.response import actions, worklist
from incidents.response.worklist import WorkFilter
from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf

RECIPIENTS = [{"address": f"Person{i}@org{i % 3}.example", "name": f"名前{i}", "organization": f"組織{i % 3}",
               "field": "cc" if i % 4 == 0 else "to", "kind": "intended" if i % 5 == 0 else "unintended"}
              for i in range(120)]


@pytest.fixture
def case(make_user, make_incident):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee, recipients=RECIPIENTS, affected_persons=120)
    return manager, employee, inc


def test_filters_search_and_paging_in_the_database(case):
    manager, _employee, inc = case
    with session_scope() as s:
        wl = worklist.work_list(s, actor=manager, incident_id=inc.id, page=3, per_page=50)
        assert (wl.all, wl.total, wl.page, wl.pages, len(wl.items)) == (120, 120, 3, 3, 20)
        assert wl.counts["to_request"] == 96  # the unintended ones: a deletion request each
        assert wl.organizations == ["組織0", "組織1", "組織2"]
        wl = worklist.work_list(s, actor=manager, incident_id=inc.id,
                                filters=WorkFilter(organization="組織1", kind="unintended", field="to"))
        expected = [r["address"] for i, r in enumerate(RECIPIENTS)
                    if i % 3 == 1 and i % 5 and i % 4]
        assert [r.address for r in wl.items] == expected and wl.total == len(expected)
        assert [r.address for r in worklist.work_list(s, actor=manager, incident_id=inc.id,
                                                      filters=WorkFilter(q="名前11")).items] == \
            ["Person11@org2.example", "Person110@org2.example", "Person111@org0.example", "Person112@org1.example",
             "Person113@org2.example", "Person114@org0.example", "Person115@org1.example", "Person116@org2.example",
             "Person117@org0.example", "Person118@org1.example", "Person119@org2.example"]
        assert worklist.work_list(s, actor=manager, incident_id=inc.id, filters=WorkFilter(q="100%")).total == 0
    with pytest.raises(InvalidInput):
        WorkFilter(status="nonsense")


def test_actions_on_the_ticked_and_on_all_matching(case):
    manager, employee, inc = case
    with session_scope() as s:
        with pytest.raises(InvalidTransition):  # no letter before the organisation's decision
            worklist.apply(s, actor=employee, incident_id=inc.id, action="request_sent", addresses=["person1@org1.example"])
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="書面で削除依頼")
        done = worklist.apply(s, actor=employee, incident_id=inc.id, action="request_sent",
                              addresses=["PERSON1@org1.example", "person2@org2.example", "person0@org0.example"])
        assert (done.changed, done.unchanged) == (2, 1)  # person0 is an intended recipient: no deletion request
        matching = worklist.apply(s, actor=manager, incident_id=inc.id, action="request_sent",
                                  filters=WorkFilter(organization="組織1"))
        assert matching.targeted == 40 and matching.changed == 40 - 8 - 1  # 8 intended, 1 already sent
        wl = worklist.work_list(s, actor=manager, incident_id=inc.id, filters=WorkFilter(status="awaiting"))
        assert wl.total == 2 + 31 and wl.counts["awaiting"] == 33
        confirmed = worklist.apply(s, actor=manager, incident_id=inc.id, action="confirmed_no",
                                   filters=WorkFilter(status="awaiting"))
        assert confirmed.changed == 33
        assert worklist.work_list(s, actor=manager, incident_id=inc.id).counts["confirmed"] == 33
        events = s.execute(select(AuditEvent).where(AuditEvent.incident_id == inc.id,
                                                    AuditEvent.action.like("deletion.%_many"))).scalars().all()
        assert [e.action for e in events] == ["deletion.requested_many"] * 2 + ["deletion.confirmed_many"]
        assert events[0].after["recipients"] == ["person1@org1.example", "person2@org2.example"]
        assert events[0].actor_id == employee.id


def test_the_page_filters_acts_and_comes_back_to_the_same_place(client, case):
    manager, _employee, inc = case
    login(client, manager)
    html = client.get(f"/incidents/{inc.id}?rfield=to&rpage=2", headers=HTML).text
    section = html[html.index('id="recipients"'):html.index('id="timeline"')]
    assert "2 / 2" in section and section.count('name="recipient"') == 90 - 50
    boxes = re.findall(r'<input type="checkbox" name="recipient" value="([^"]+)"[^>]*aria-label="([^"]+)"', section)
    assert boxes and all(label == f"{addr} を選択" for addr, label in boxes)
    for control in re.findall(r"<(?:select|input)(?![^>]*type=\"(?:hidden|checkbox|radio)\")[^>]*>", section):
        ident = re.search(r'id="([^"]+)"', control)
        assert ident and f'for="{ident.group(1)}"' in section, control  # every field has its label
    token = _csrf(html)
    client.post(f"/incidents/{inc.id}/response/decision", headers=HTML, data={"note": "方針", "csrf_token": token})
    r = client.post(f"/incidents/{inc.id}/recipients/apply", headers=HTML, follow_redirects=False, data={
        "csrf_token": token, "action": "request_sent", "scope": "matching", "rfield": "to", "rpage": "2"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/incidents/{inc.id}?rfield=to&rpage=2#recipients"
    page = client.get(r.headers["location"], headers=HTML).text
    assert "「削除依頼を送付した」を宛先 72 件について記録しました。 18 件は記録済みか、対象外のため変更していません。" in page
    again = client.get(r.headers["location"], headers=HTML).text
    assert "について記録しました" not in again  # said once


def test_an_import_names_every_rejected_line(client, case):
    manager, _employee, inc = case
    login(client, manager)
    token = _csrf(client.get(f"/incidents/{inc.id}", headers=HTML).text)
    lines = ["address,opened", "person1@org1.example,no", "nobody@else.example,no", ",no", "person2@org2.example,maybe"]
    r = client.post(f"/incidents/{inc.id}/recipients/import", headers=HTML, data={"csrf_token": token},
                    files={"file": ("返送分.csv", "\n".join(lines).encode(), "text/csv")})
    assert r.status_code == 200
    assert "ファイルから宛先 1 件の削除確認を記録しました。" in r.text
    assert "返送分.csv: 3 行は取り込めませんでした" in r.text
    assert "3行目：nobody@else.example はこの事案の誤送信先ではありません" in r.text
    rows = re.findall(r"<tr><td>([^<]+)</td></tr>", r.text)
    assert len(rows) == 3 and rows[1].startswith("4行目") and rows[2].startswith("5行目") and "maybe" in rows[2]
