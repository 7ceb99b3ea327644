"""The response section of the incident page: checklist with countdowns, the guard, forms, notifications."""

from __future__ import annotations


from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf


def test_checklist_countdown_guard_and_forms(client, make_user, make_incident):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee, data_items=["medical"], affected_persons=2)
    login(client, employee)  # the reporter: their own view, with their own steps to mark done
    mine = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert 'id="response"' not in mine and f"/incidents/{inc.id}/response/steps/containment/done" in mine
    client.cookies.clear()
    login(client, manager)
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert 'id="response"' in html and "対応チェックリスト" in html
    assert "上長への第一報（受領確認）" in html and "超過" in html  # discovered 2 h ago: first report overdue
    assert "個人情報保護委員会への報告対象" in html and "要配慮個人情報が含まれる" in html
    assert "suzuki@b-corp.example" in html
    token = _csrf(html)
    r = client.post(f"/incidents/{inc.id}/response/apology", headers=HTML,
                    data={"recipient": "sato@a-corp.example", "channel": "phone", "csrf_token": token})
    assert r.status_code == 409 and "対応方針が記録されるまでは" in r.text
    r = client.post(f"/incidents/{inc.id}/response/steps/containment/done", headers=HTML, follow_redirects=False,
                    data={"note": "先方に電話済み", "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].endswith("#step-containment")  # back to the same row
    r = client.post(f"/incidents/{inc.id}/response/import", headers=HTML, follow_redirects=False,
                    data={"csrf_token": token},
                    files={"file": ("c.csv", "address,opened\nsuzuki@b-corp.example,no\n".encode(), "text/csv")})
    assert r.status_code == 303
    html = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert "先方に電話済み" in html and "開封せずに削除したとの確認を得ています" in html
    assert "完了として記録しました" in html or "ファイルから宛先 1 件の削除確認を記録しました。" in html  # said once
    r = client.post(f"/incidents/{inc.id}/response/steps/containment/done", headers=HTML,
                    data={"csrf_token": "forged"})
    assert r.status_code == 403


def test_manager_decides_and_sees_notifications(client, make_user, make_incident):
    manager = make_user("manager", locale="en")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee)
    login(client, manager)
    html = client.get(f"/incidents/{inc.id}?lang=en", headers=HTML).text
    assert "Record the decision" in html
    r = client.post(f"/incidents/{inc.id}/response/decision", headers=HTML, follow_redirects=False,
                    data={"note": "call first, then a letter", "csrf_token": _csrf(html)})
    assert r.status_code == 303
    html = client.get(f"/incidents/{inc.id}?lang=en", headers=HTML).text
    assert "call first, then a letter" in html and "Record the decision" not in html
    notes = client.get("/notifications?lang=en", headers=HTML).text
    assert f"#{inc.id}" in notes and "First report" in notes
