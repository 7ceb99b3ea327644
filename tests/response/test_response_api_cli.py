"""API and CLI of the response: the assessment contract, steps, guards as HTTP/exit codes, calendar."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar


@pytest.fixture
def team(make_user):
    officer = make_user("officer", department="Privacy", locale="en")
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    return officer, manager, employee


def test_assessment_endpoint_contract(client, auth_headers, team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "credit_card"], affected_persons=1001,
                        jurisdictions=["jp", "eu"])
    r = client.get(f"/api/v1/incidents/{inc.id}/assessment", headers=auth_headers(employee))
    assert r.status_code == 200
    body = r.json()
    assert body["appi"]["grounds"] == ["financial_damage", "over_1000_persons"]
    assert body["appi"]["reportable"] is True and body["appi"]["exemption"] is None
    disc = inc.discovered_at
    assert datetime.fromisoformat(body["appi"]["preliminary_report_due"]) == disc + timedelta(days=3)
    assert datetime.fromisoformat(body["appi"]["preliminary_report_limit"]) == disc + timedelta(days=5)
    assert datetime.fromisoformat(body["appi"]["final_report_due"]) == disc + timedelta(days=30)
    assert datetime.fromisoformat(body["gdpr"]["authority_notification_due"]) == disc + timedelta(hours=72)
    assert body["exposure_estimate_jpy"]["high"] == 1001 * 29_768
    other = client.get(f"/api/v1/incidents/{inc.id}/assessment", headers=auth_headers(manager))
    assert other.status_code == 200


def test_steps_and_guard_over_http(client, auth_headers, team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    h = auth_headers(employee)
    steps = client.get(f"/api/v1/incidents/{inc.id}/steps", headers=h).json()
    assert steps[0]["key"] == "first_report" and steps[0]["title"] == "上長への第一報（受領確認）"
    r = client.post(f"/api/v1/incidents/{inc.id}/apologies", headers=h,
                    json={"recipient": "sato@a-corp.example", "channel": "email"})
    assert r.status_code == 409 and "decision" in r.json()["detail"]
    r = client.post(f"/api/v1/incidents/{inc.id}/decision", headers=h, json={"note": "x"})
    assert r.status_code == 403
    r = client.post(f"/api/v1/incidents/{inc.id}/decision", headers=auth_headers(manager), json={"note": "方針決定"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = client.post(f"/api/v1/incidents/{inc.id}/apologies", headers=h,
                    json={"recipient": "sato@a-corp.example", "channel": "email"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = client.post(f"/api/v1/incidents/{inc.id}/deletions/import", headers=h,
                    content="address,opened\nsuzuki@b-corp.example,no\n".encode(), )
    assert r.json() == {"updated": 1, "skipped": 0, "errors": []}
    assert client.get(f"/api/v1/incidents/{inc.id}/assessment", headers=h).json()["appi"]["exemption"] == "deleted_unread"
    summary = client.get(f"/api/v1/incidents/{inc.id}/steps/summary", headers=h).json()
    assert summary["counts"]["deletion"] == {"done": 1} and "containment" in summary["blocking"]
    r = client.post(f"/api/v1/incidents/{inc.id}/steps/containment/waive", headers=h, json={"reason": "n/a"})
    assert r.status_code == 403
    cal = Calendar.from_ical(client.get(f"/api/v1/incidents/{inc.id}/calendar.ics", headers=h).content)
    assert any("#%d" % inc.id in str(e["summary"]) for e in cal.walk("VEVENT"))
    mine = client.get("/api/v1/notifications", headers=auth_headers(manager)).json()
    assert mine[0]["event"] == "incident.first_report"


def test_cli_flow(cli, team, make_incident, tmp_path):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["medical"], affected_persons=1)
    code, out, err = cli("assess", inc.id, "--as", employee.email, "--json")
    assert code == 0
    body = json.loads(out)
    assert body["appi"]["grounds"] == ["sensitive_data"] and body["appi"]["reportable"]
    code, out, err = cli("deletion", "confirm", inc.id, "--recipient", "suzuki@b-corp.example", "--opened", "maybe",
                         "--as", employee.email)
    assert code == 1 and "開封したかどうか" in err
    code, out, err = cli("apology", "record", inc.id, "--recipient", "sato@a-corp.example", "--channel", "phone",
                         "--as", employee.email)
    assert code == 1 and "対応方針が記録されるまでは" in err
    assert cli("decide", inc.id, "--note", "電話で謝罪、書面で削除依頼", "--as", manager.email)[0] == 0
    assert cli("apology", "record", inc.id, "--recipient", "sato@a-corp.example", "--channel", "phone",
               "--as", employee.email)[0] == 0
    assert cli("deletion", "request", inc.id, "--all", "--as", employee.email)[0] == 0
    assert cli("deletion", "confirm", inc.id, "--recipient", "suzuki@b-corp.example", "--opened", "yes",
               "--as", employee.email)[0] == 0
    code, out, err = cli("steps", inc.id, "--as", officer.email, "--json")
    steps = {s["key"]: s for s in json.loads(out)}
    assert steps["deletion:suzuki@b-corp.example"]["opened"] == "yes"
    assert steps["apology:sato@a-corp.example"]["phone_at"] and steps["preliminary_report"]["status"] == "pending"
    code, out, err = cli("step", "waive", inc.id, "nearmiss", "--reason", "", "--as", officer.email)
    assert code == 1 and "reason" in err
    assert cli("step", "done", inc.id, "preliminary_report", "--note", "速報済", "--as", officer.email)[0] == 0
    code, out, err = cli("close", inc.id, "--as", manager.email)
    assert code == 1 and "cannot close" in err
    code, out, err = cli("overdue", "--as", officer.email, "--json")
    assert code == 0 and all(o["overdue"] and o["incident_id"] == inc.id for o in json.loads(out))
    ics = tmp_path / "d.ics"
    assert cli("calendar", "--as", officer.email, "-o", str(ics))[0] == 0
    assert b"BEGIN:VCALENDAR" in ics.read_bytes()
    code, out, err = cli("notifications", "--as", manager.email, "--json")
    assert json.loads(out)[0]["title"].startswith("【第一報】")


def test_scheduler_once_from_the_cli(cli, team, make_incident):
    officer, manager, employee = team
    make_incident(employee)
    code, out, err = cli("scheduler", "--once", env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "reminder(s) queued" in out
    code, out, err = cli("scheduler", "--once", "--verbose")
    assert code == 0 and json.loads(out[out.index("{"):])["queued"] == 0


def test_calendar_feed_url_works_without_login_and_only_with_its_token(client, auth_headers, team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    url = client.get("/api/v1/calendar/feed-url", headers=auth_headers(employee)).json()["url"]
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(r.content).walk("VEVENT")]
    assert summaries and all(s.startswith(f"#{inc.id} ") for s in summaries)
    assert client.get(url[:-8] + "tampered.ics").status_code == 404


def test_cli_bulk_and_csv_import(cli, team, make_incident, tmp_path):
    officer, manager, employee = team
    many = [{"address": f"p{i}@x.example", "kind": "unintended", "field": "bcc"} for i in range(50)]
    inc = make_incident(employee, recipients=many, mistake_type="bcc_exposure", data_items=["email_address"],
                        affected_persons=50)
    assert cli("decide", inc.id, "--note", "一斉にお詫び", "--as", manager.email)[0] == 0
    code, out, err = cli("apology", "all", inc.id, "--channel", "email", "--as", employee.email,
                         env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "50 apolog" in out
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("address,opened\n" + "".join(f"p{i}@x.example,no\n" for i in range(49)) + "zz@x.example,no\n",
                        encoding="utf-8")
    code, out, err = cli("deletion", "import", inc.id, str(csv_file), "--as", employee.email, "--json")
    result = json.loads(out)
    assert code == 0 and (result["updated"], result["skipped"]) == (49, 1) and "zz@x.example" in result["errors"][0]
    code, out, err = cli("steps", inc.id, "--kind", "deletion", "--status", "pending", "--as", employee.email, "--json")
    assert [s["key"] for s in json.loads(out)] == ["deletion:p49@x.example"]
