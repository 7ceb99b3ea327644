"""The regimes on the incident page (obligations, correspondence log, overrides) and the regulator form page."""

from __future__ import annotations

from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from tests.pages import HTML, csrf_of, login


def test_obligations_log_and_regulator_page(client, team, make_incident, settings_env):
    settings_env(regimes="appi,pmark", org_name="株式会社サンプル商事")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=2)
    login(client, officer)
    html = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert 'id="regimes"' in html and "報告・通知の義務" in html
    assert "個人情報保護委員会" in html and "JIPDEC（Pマークポータル）" in html and "速報" in html
    token = csrf_of(html)
    r = client.post(f"/incidents/{inc.id}/regimes/log", headers=HTML, follow_redirects=False,
                    data={"key": "appi:preliminary", "kind": "submitted", "at": "2026-01-05T10:00",
                          "reference": "受付-<b>42</b>", "text": "", "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].endswith("#regimes")
    html = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert "提出済み" in html and "受付-&lt;b&gt;42&lt;/b&gt;" in html and "<b>42</b>" not in html
    r = client.post(f"/incidents/{inc.id}/regimes/log", headers=HTML,
                    data={"key": "appi:final", "kind": "question", "text": "", "csrf_token": token})
    assert r.status_code == 422  # a question needs its text
    with session_scope() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "obligation.correspondence")).first()
    page = client.get(f"/incidents/{inc.id}/regulator?phase=final", headers=HTML)
    assert page.status_code == 200
    assert "個人データの漏えい等報告（確報）" in page.text and "報告者の氏名又は名称" in page.text
    assert "株式会社サンプル商事" in page.text and "速報からの変更点" in page.text
    pmark = client.get(f"/incidents/{inc.id}/regulator?form=pmark&phase=final", headers=HTML)
    assert "事業者名" in pmark.text and "再発防止策" in pmark.text


def test_employee_sees_but_cannot_record_or_override(client, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=2)
    login(client, employee)
    html = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert 'id="regimes"' not in html and "次の期限" in html  # the reporter's own view: the next deadline only
    token = csrf_of(html)
    r = client.post(f"/incidents/{inc.id}/regimes/log", headers=HTML,
                    data={"key": "appi:preliminary", "kind": "submitted", "csrf_token": token})
    assert r.status_code == 403
    r = client.post(f"/incidents/{inc.id}/regimes", headers=HTML,
                    data={"regimes": ["appi", "pmark"], "entrustment": "none", "csrf_token": token})
    assert r.status_code == 403


def test_officer_sets_entrustment_on_the_page(client, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=2)
    login(client, officer)
    token = csrf_of(client.get(f"/incidents/{inc.id}", headers=HTML).text)
    r = client.post(f"/incidents/{inc.id}/regimes", headers=HTML, follow_redirects=False,
                    data={"regimes": ["appi", "pmark"], "entrustment": "contractor", "counterpart": "株式会社委託元",
                          "csrf_token": token})
    assert r.status_code == 303
    html = client.get(f"/incidents/{inc.id}", headers=HTML).text
    assert "委託元への通知" in html and "株式会社委託元" in html and "JIPDEC" in html


def test_register_page_for_officers_only(client, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    make_incident(employee)
    login(client, employee)
    assert client.get("/register", headers=HTML).status_code == 403
    client.cookies.clear()
    login(client, officer)
    html = client.get("/register", headers=HTML).text
    assert "事案の台帳" in html and 'action="/api/v1/register"' in html and "定期報告" in html
    # the page's own form, empty fields and all, downloads the register
    r = client.get("/api/v1/register?from=&to=&department=&regime=&format=csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
