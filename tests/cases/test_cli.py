"""The CLI: same services, same checks, same audit; JSON for machines; one-line errors with exit 1."""

from __future__ import annotations

import json

from tests.cases.test_api import CONTRACT_FIELDS, _strip_ids


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_report_file_round_trip_through_cli_and_api(cli, client, make_user, auth_headers, incident_payload, tmp_path):
    user = make_user()
    body = incident_payload(data_items=["name", "bank_account", "my_number"], protection="strong_encryption",
                            jurisdictions=["jp", "eu"])
    code, out, err = cli("report", "--file", _write(tmp_path, "i.json", body), "--as", user.email)
    assert code == 0, err
    incident_id = int(out.strip())
    code, out, err = cli("show", incident_id, "--as", user.email, "--json")
    assert code == 0, err
    shown = json.loads(out)
    for key in CONTRACT_FIELDS:
        assert shown[key] == body[key], key
    assert _strip_ids(shown["recipients"]) == body["recipients"]
    assert shown["status"] == "open" and shown["reporter"] == user.email
    via_api = client.get(f"/api/v1/incidents/{incident_id}", headers=auth_headers(user)).json()
    assert via_api == shown


def test_report_from_stdin_with_json_output(cli, make_user, incident_payload):
    user = make_user()
    code, out, err = cli("report", "--file", "-", "--json", input=json.dumps(incident_payload()),
                         env={"INCIDENTS_USER": user.email})
    assert code == 0, err
    assert json.loads(out)["reporter"] == user.email


def test_errors_are_one_line_and_exit_1(cli, make_user, incident_payload, tmp_path):
    user = make_user()
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"title": ')
    cases = [
        ("report", "--file", bad_json, "--as", user.email),
        ("report", "--file", _write(tmp_path, "e.json", incident_payload(mistake_type="oops")), "--as", user.email),
        ("report", "--file", _write(tmp_path, "n.json", incident_payload(affected_persons=-3)), "--as", user.email),
        ("report", "--file", tmp_path / "missing.json", "--as", user.email),
        ("report", "--file", _write(tmp_path, "ok.json", incident_payload()), "--as", "nobody@example.co.jp"),
        ("report", "--file", _write(tmp_path, "ok2.json", incident_payload())),
        ("show", "999", "--as", user.email),
        ("show", "not-a-number", "--as", user.email),
        ("users", "add", "x@example.co.jp", "--name", "X", "--role", "wizard", "--department", "Sales"),
    ]
    for args in cases:
        code, out, err = cli(*args)
        assert code == 1, (args, out, err)
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, (args, err)
        assert "Traceback" not in err
    code, out, _ = cli("list", "--as", user.email, "--json")
    assert json.loads(out)["total"] == 0


def test_recipients_from_csv_and_listing(cli, make_user, make_incident, tmp_path):
    user = make_user()
    incident = make_incident(user, recipients=[])
    csv = tmp_path / "list.csv"
    rows = ["address,name,organization,field,kind"] + [f"p{i}@list.example,Person {i},Org,bcc,unintended"
                                                       for i in range(250)]
    csv.write_text("\n".join(rows), encoding="utf-8")
    code, out, err = cli("recipients", "add", incident.id, "--csv", csv, "--as", user.email, "--json")
    assert code == 0, err
    assert json.loads(out) == {"added": 250, "skipped_duplicates": 0, "recipients_count": 250}
    code, out, _ = cli("recipients", "list", incident.id, "--as", user.email, "--page", "3", "--json")
    page = json.loads(out)
    assert page["total"] == 250 and page["pages"] == 3 and len(page["items"]) == 50
    assert page["items"][0]["address"] == "p200@list.example"


def test_list_and_timeline_and_correct(cli, make_user, make_incident, tmp_path):
    user = make_user()
    incident = make_incident(user)
    fix = _write(tmp_path, "fix.json", {"affected_persons": 1001})
    code, _, err = cli("correct", incident.id, "--file", fix, "--as", user.email)
    assert code == 0, err
    code, out, _ = cli("timeline", incident.id, "--as", user.email, "--json")
    actions = [e["action"] for e in json.loads(out)]
    assert "incident.corrected" in actions
    code, out, _ = cli("list", "--as", user.email, "--type", "wrong_recipient")
    assert code == 0 and str(incident.id) in out


def test_users_and_tokens(cli, client):
    code, _, err = cli("users", "add", "boss@example.co.jp", "--name", "上司 花子", "--role", "manager",
                       "--department", "営業部")
    assert code == 0, err
    code, _, err = cli("users", "add", "staff@example.co.jp", "--name", "担当 太郎", "--role", "employee",
                       "--department", "営業部", "--manager", "boss@example.co.jp")
    assert code == 0, err
    code, out, _ = cli("users", "list", "--json")
    users = {u["email"]: u for u in json.loads(out)}
    assert users["staff@example.co.jp"]["manager"] == "boss@example.co.jp"
    code, _, err = cli("users", "add", "staff@example.co.jp", "--name", "dup", "--role", "employee",
                       "--department", "営業部")
    assert code == 1 and "already exists" in err
    code, out, _ = cli("tokens", "create", "staff@example.co.jp", "--json")
    token = json.loads(out)
    h = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/me", headers=h).json()["email"] == "staff@example.co.jp"
    code, _, _ = cli("tokens", "revoke", token["id"])
    assert code == 0
    assert client.get("/api/v1/me", headers=h).status_code == 401
    code, out, _ = cli("tokens", "list", "--json")
    assert token["token"] not in out


def test_guided_report_in_japanese(cli, make_user):
    user = make_user(locale="ja")
    answers = "\n".join([
        "見積書の誤送信",        # title
        "1",                     # wrong_recipient
        "2",                     # recipient_reported
        "2025-06-20 10:15",      # sent
        "2025-06-20 11:00",      # discovered
        "お見積りの件",          # subject
        "",                      # sender: default
        "見積書PDFを添付",        # summary
        "wrong@c-corp.example", "田中", "C社", "to",
        "",                      # no more wrong recipients
        "right@d-corp.example", "", "", "to",
        "",                      # no more intended
        "1,2,9",                 # name, email_address, bank_account
        "1",                     # persons
        "",                      # no attachments
        "",                      # protection: none (1)
        "",                      # improper purpose: no
        "",                      # EU: no
        "",                      # the summary is right: report it
    ]) + "\n"
    code, out, err = cli("report", "--guided", "--as", user.email, "--json", input=answers)
    assert code == 0, err + out
    record = json.loads(out[out.index("{"):])
    assert record["title"] == "見積書の誤送信" and record["discovery_method"] == "recipient_reported"
    assert record["sent_at"] == "2025-06-20T10:15:00+09:00"
    assert record["data_items"] == ["name", "email_address", "bank_account"]
    assert [(r["address"], r["kind"]) for r in record["recipients"]] == [
        ("wrong@c-corp.example", "unintended"), ("right@d-corp.example", "intended")]
    assert "誤送信の報告を始めます" in out


def test_report_without_terminal_or_file_says_what_to_do(cli, make_user):
    user = make_user()
    code, _, err = cli("report", "--as", user.email, input="")
    assert code == 1 and "--file" in err
