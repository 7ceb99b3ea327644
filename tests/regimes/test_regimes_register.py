"""The register: XLSX read back with openpyxl (typed dates and numbers, the register first), CSV, filters, access."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook


def _people(team, make_incident, settings_env):
    settings_env(regimes="appi,pmark")
    officer, manager, employee = team
    a = make_incident(employee, data_items=["name", "medical"], affected_persons=12, title="=HYPERLINK(\"x\")")
    b = make_incident(employee, data_items=["name", "email_address"], affected_persons=1)
    return officer, manager, employee, a, b


def test_xlsx_register_reads_back_typed(cli, team, make_incident, settings_env, tmp_path):
    officer, manager, employee, a, b = _people(team, make_incident, settings_env)
    out = tmp_path / "register.xlsx"
    code, stdout, err = cli("export", "--format", "xlsx", "--out", out, "--as", officer.email)
    assert code == 0, err
    assert "2 件" in stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["台帳", "義務"]
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["事案番号", "件名", "部署", "誤送信の種類"]
    rows = {r[0].value: {h: c for h, c in zip(header, r)} for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {a.id, b.id}
    ra = rows[a.id]
    assert isinstance(ra["事案番号"].value, int) and ra["本人の数"].value == 12
    assert ra["発覚日時"].is_date and isinstance(ra["発覚日時"].value, datetime)
    assert ra["発覚日時"].value == a.discovered_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")) \
        .replace(tzinfo=None, second=0, microsecond=0)
    assert ra["個人情報保護法上の報告対象"].value == "はい" and ra["該当事由"].value == "sensitive_data"
    assert ra["義務の数"].value == 5 and ra["未了の義務"].value == 5
    assert ra["次の期限"].is_date
    assert "個人情報保護法 速報: 未了" in ra["義務と状況"].value
    rb = rows[b.id]
    assert rb["個人情報保護法上の報告対象"].value == "いいえ" and rb["義務の数"].value == 1
    assert rb["義務と状況"].value.startswith("プライバシーマーク 確報: 未了")
    obs = wb.worksheets[1]
    oh = [c.value for c in obs[1]]
    assert oh[:7] == ["事案番号", "件名", "部署", "制度", "報告・通知", "宛先", "期限"]
    assert obs.max_row == 1 + 6 and obs.cell(row=2, column=7).is_date


def test_csv_register_english_and_filters(client, auth_headers, team, make_incident, make_user, settings_env):
    officer, manager, employee, a, b = _people(team, make_incident, settings_env)
    en = make_user("officer", department="Privacy", locale="en")
    r = client.get("/api/v1/register?format=csv", headers=auth_headers(en))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # Excel reads Japanese CSV only with the BOM
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [int(x["Incident no."]) for x in rows] == [a.id, b.id]
    assert rows[0]["Title"] == "'=HYPERLINK(\"x\")"  # no formula injection
    assert rows[0]["Reportable under the APPI"] == "Yes"
    only = client.get("/api/v1/register?format=csv&regime=appi", headers=auth_headers(en))
    assert [int(x["Incident no."]) for x in csv.DictReader(io.StringIO(only.content.decode("utf-8-sig")))] == [a.id]
    none = client.get("/api/v1/register?format=csv&from=2001-01-01&to=2001-12-31", headers=auth_headers(en))
    assert len(list(csv.DictReader(io.StringIO(none.content.decode("utf-8-sig"))))) == 0
    xlsx = client.get("/api/v1/register?format=xlsx&department=Sales", headers=auth_headers(en))
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Register", "Obligations"]
    bad = client.get("/api/v1/register?department=Nowhere", headers=auth_headers(en))
    assert bad.status_code == 422 and bad.json()["error"]
    bad = client.get("/api/v1/register?from=yesterday-ish", headers=auth_headers(en))
    assert bad.status_code == 422
    assert client.get("/api/v1/register", headers=auth_headers(employee)).status_code == 403


def test_cli_errors_are_one_line(cli, team, make_incident, settings_env, tmp_path):
    officer, manager, employee, a, b = _people(team, make_incident, settings_env)
    code, out, err = cli("export", "--format", "pdf", "--out", tmp_path / "x.pdf", "--as", officer.email)
    assert code == 1 and "xlsx" in err
    code, out, err = cli("export", "--format", "csv", "--out", tmp_path / "x.csv", "--as", employee.email)
    assert code == 1 and "Traceback" not in err and not (tmp_path / "x.csv").exists()
    code, out, err = cli("export", "--format", "csv", "--out", tmp_path / "x.csv", "--as", officer.email,
                         "--from", "2026-13-45")
    assert code == 1 and len(err.strip().splitlines()) == 1
