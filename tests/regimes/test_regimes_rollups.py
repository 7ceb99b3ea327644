"""Roll-ups: the quarterly batch, the half-yearly publication list and the yearly statistics, as XLSX and PDF."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from pypdf import PdfReader

JST = timezone(timedelta(hours=9))


def _at(y, m, d):
    t = datetime(y, m, d, 10, 0, tzinfo=JST)
    return {"sent_at": (t - timedelta(hours=1)).isoformat(), "discovered_at": t.isoformat()}


def test_quarterly_batch_for_a_finance_association(cli, team, make_incident, settings_env, tmp_path):
    settings_env(regimes="appi,fsa", regimes_fsa_batch="true", org_name="サンプル信用金庫")
    officer, manager, employee = team
    a = make_incident(employee, data_items=["name", "customer_id"], affected_persons=1, **_at(2026, 4, 10))
    b = make_incident(employee, data_items=["name", "postal_address"], affected_persons=2, **_at(2026, 6, 30))
    make_incident(employee, data_items=["name"], affected_persons=1, **_at(2026, 7, 1))  # next quarter
    make_incident(employee, data_items=["name", "medical"], affected_persons=1, **_at(2026, 5, 1))  # reportable
    out = tmp_path / "q.xlsx"
    code, stdout, err = cli("rollup", "quarterly-batch", "--period", "2026Q2", "--format", "xlsx", "--out", out,
                            "--as", officer.email)
    assert code == 0, err
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["事案番号", "発覚日", "部署"]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [a.id, b.id]
    assert ws.cell(row=2, column=2).is_date and ws.cell(row=3, column=6).value == 2
    summary = wb.worksheets[-1]
    assert summary["A1"].value == "軽微な誤送信等の四半期報告" and summary["B2"].value == "2026年4月～6月"
    pdf = tmp_path / "q.pdf"
    code, _, err = cli("rollup", "quarterly-batch", "--period", "2026Q2", "--format", "pdf", "--out", pdf,
                       "--as", officer.email)
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "軽微な誤送信等の四半期報告" in text and "サンプル信用金庫" in text and str(b.id) in text


def test_half_yearly_publication_list(client, auth_headers, team, make_incident, settings_env):
    settings_env(regimes="appi,local_gov", org_kind="municipality", org_name="サンプル市")
    officer, manager, employee = team
    minor = make_incident(employee, data_items=["name", "postal_address"], affected_persons=40, **_at(2026, 5, 20))
    make_incident(employee, data_items=["name", "postal_address"], affected_persons=101, **_at(2026, 6, 1))  # published at once
    make_incident(employee, data_items=["name"], affected_persons=3, **_at(2026, 10, 2))  # second half
    r = client.get("/api/v1/register/rollups/half-yearly?period=2026H1&format=xlsx", headers=auth_headers(officer))
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][0] == 1 and rows[0][5] == 40
    assert "誤った宛先に送信した" in rows[0][3]
    pdf = client.get("/api/v1/register/rollups/half-yearly?period=2026H1&format=pdf", headers=auth_headers(officer))
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "個人情報の漏えい等事案の公表（半期）" in text and "2026年4月～9月" in text
    assert minor.title not in text  # the list describes, it does not copy internal titles
    bad = client.get("/api/v1/register/rollups/half-yearly?period=2026Q7", headers=auth_headers(officer))
    assert bad.status_code == 422 and "2026H1" in bad.json()["detail"]
    assert client.get("/api/v1/register/rollups/yearly?period=2026",
                      headers=auth_headers(manager)).status_code == 403


def test_yearly_statistics(cli, team, make_incident, settings_env, tmp_path):
    settings_env(regimes="appi", org_name="株式会社サンプル商事")
    officer, manager, employee = team
    make_incident(employee, data_items=["name", "medical"], affected_persons=5, **_at(2025, 4, 3))
    make_incident(employee, mistake_type="bcc_exposure", data_items=["email_address"], affected_persons=20,
                  **_at(2026, 3, 31))
    make_incident(employee, data_items=["name"], affected_persons=1, **_at(2026, 4, 1))  # next fiscal year
    out = tmp_path / "y.xlsx"
    code, _, err = cli("rollup", "yearly", "--period", "2025", "--format", "xlsx", "--out", out, "--as", officer.email)
    assert code == 0, err
    wb = load_workbook(out)
    months = wb.worksheets[0]
    rows = list(months.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and rows[0] == ("2025年4月", 1, 5, 1) and rows[-1] == ("2026年3月", 1, 20, 0)
    summary = {r[0]: r[1] for r in wb.worksheets[-1].iter_rows(values_only=True) if r and r[0]}
    assert summary["事案の件数"] == 2 and summary["本人の数"] == 25 and summary["個人情報保護法上の報告対象"] == 1
    pdf = tmp_path / "y.pdf"
    code, _, err = cli("rollup", "yearly", "--period", "FY2025", "--format", "pdf", "--out", pdf, "--as", officer.email)
    assert code == 0, err
    assert "月別" in "".join(p.extract_text() for p in PdfReader(pdf).pages)
