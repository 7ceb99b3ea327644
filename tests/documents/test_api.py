"""Documents over HTTP and the CLI, on the migrated database."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from incidents.jobs.worker import run_due

from incidents.config import get_settings

from .conftest import flat, page_count, pdf_text


@pytest.fixture
def one_worker(monkeypatch):
    monkeypatch.setenv("INCIDENTS_DOCUMENTS_WORKERS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_generate_list_download(client, make_user, make_incident, auth_headers):
    officer = make_user("officer")
    incident = make_incident(officer)
    h = auth_headers(officer)
    r = client.post(f"/api/v1/incidents/{incident.id}/documents", headers=h,
                    json={"kind": "regulator_report", "lang": "en"})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["version"] == 1 and doc["kind"] == "regulator_report" and doc["created_by"] == officer.email
    pdf = client.get(doc["download_url"], headers=h)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-sha256"] == doc["sha256"]
    text = pdf_text(pdf.content)
    assert "(9) Other relevant matters" in text and page_count(pdf.content) == doc["pages"]
    again = client.post(f"/api/v1/incidents/{incident.id}/documents", headers=h, json={"kind": "regulator_report", "lang": "en"})
    assert again.json()["version"] == 2
    listed = client.get(f"/api/v1/incidents/{incident.id}/documents", headers=h).json()
    assert [d["version"] for d in listed] == [1, 2]
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=h).json()["sha256"] == doc["sha256"]


def test_errors_are_domain_errors(client, make_user, make_incident, auth_headers):
    owner = make_user("manager", department="Sales")
    stranger = make_user("employee", department="Legal")
    incident = make_incident(owner)
    h = auth_headers(owner)
    bad = client.post(f"/api/v1/incidents/{incident.id}/documents", headers=h, json={"kind": "nope"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
    doc = client.post(f"/api/v1/incidents/{incident.id}/documents", headers=h, json={"kind": "case_file"}).json()
    hs = auth_headers(stranger)
    assert client.get(f"/api/v1/documents/{doc['id']}/pdf", headers=hs).status_code == 404
    assert client.post(f"/api/v1/incidents/{incident.id}/documents", headers=hs, json={"kind": "case_file"}).status_code == 404
    assert client.get(f"/api/v1/documents/{doc['id']}").status_code == 401


def test_step_link_over_http(client, make_user, make_incident, auth_headers):
    officer = make_user("officer")
    incident = make_incident(officer)
    h = auth_headers(officer)
    steps = client.get(f"/api/v1/incidents/{incident.id}/steps", headers=h).json()
    step = next(s for s in steps if s["kind"] == "root_cause")
    doc = client.post(f"/api/v1/incidents/{incident.id}/documents", headers=h, json={"kind": "root_cause_report"}).json()
    linked = client.put(f"/api/v1/documents/{doc['id']}/step", headers=h, json={"step_id": step["id"]})
    assert linked.status_code == 200 and linked.json()["step_id"] == step["id"]


@pytest.mark.parametrize("merge", [False, True])
def test_letters_job_with_progress_and_download(client, make_user, make_incident, auth_headers, one_worker, merge):
    officer = make_user("officer")
    incident = make_incident(officer, mistake_type="bcc_exposure", recipients=[
        {"address": f"member{i}@club.example", "name": f"会員 {i}", "field": "to", "kind": "unintended"}
        for i in range(5)])
    h = auth_headers(officer)
    r = client.post(f"/api/v1/incidents/{incident.id}/letters", headers=h,
                    json={"to": "affected", "lang": "ja", "merge": merge})
    assert r.status_code == 202, r.text
    assert client.get(f"/api/v1/jobs/{r.json()['id']}", headers=h).json()["status"] == "queued"
    stranger = auth_headers(make_user("employee", department="Support"))  # may not see the incident: nor its job
    assert client.get(f"/api/v1/jobs/{r.json()['id']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/letter-jobs/{r.json()['id']}", headers=stranger).status_code == 404
    assert run_due() == {"done": 1, "failed": 0, "lost": 0}  # what `incidents worker --once` does
    job = client.get(f"/api/v1/letter-jobs/{r.json()['id']}", headers=h).json()
    assert job["status"] == "done", job
    assert (job["done"], job["total"]) == (5, 5)
    got = client.get(job["download_url"], headers=h)
    assert got.status_code == 200
    if merge:
        assert got.headers["content-type"] == "application/pdf" and page_count(got.content) == 5
    else:
        with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
            names = sorted(zf.namelist())
            assert len(names) == 5 and names[0].startswith("00001_member0")
            assert "会員0様" in flat(pdf_text(zf.read(names[0])))


def test_letters_job_refused_before_decision_for_employees(client, make_user, make_incident, auth_headers):
    employee = make_user("employee")
    incident = make_incident(employee)
    r = client.post(f"/api/v1/incidents/{incident.id}/letters", headers=auth_headers(employee), json={"to": "unintended"})
    assert r.status_code == 403


def test_cli_document_documents_letters(cli, make_user, make_incident, tmp_path):
    officer = make_user("officer")
    incident = make_incident(officer)
    code, out, err = cli("document", incident.id, "--kind", "apology_unintended", "--recipient",
                         "suzuki@b-corp.example", "--out", tmp_path, "--as", officer.email, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["version"] == 1 and "鈴木一郎様" in flat(pdf_text(open(info["path"], "rb").read()))
    code, out, _ = cli("documents", incident.id, "--as", officer.email, "--json")
    assert code == 0 and json.loads(out)[0]["recipient"] == "suzuki@b-corp.example"
    letters_dir = tmp_path / "letters"
    code, out, err = cli("letters", incident.id, "--kind", "apology", "--to", "intended", "--out", letters_dir,
                         "--run", "--as", officer.email, "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["written"] == 1 and [p.name for p in letters_dir.glob("*.pdf")] == made["files"]
    code, out, _ = cli("letters", incident.id, "--to", "intended", "--as", officer.email, "--json")
    assert code == 0 and json.loads(out)["status"] == "queued"  # a worker renders it
    code, out, _ = cli("jobs", "show", json.loads(out)["id"], "--as", officer.email, "--json")
    assert code == 0 and json.loads(out)["status"] == "queued" and json.loads(out)["total"] == 1
    code, _, err = cli("document", incident.id, "--kind", "nonsense", "--as", officer.email)
    assert code == 1 and "unknown document kind" in err
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("address,name,postal_address\np1@example.jp,本人 一,〒100-0001 東京都千代田区\n", encoding="utf-8")
    code, out, err = cli("letters", incident.id, "--to", "affected", "--csv", csv_file, "--out", tmp_path / "aff",
                         "--run", "--as", officer.email, "--json")
    assert code == 0, err
    pdf = next((tmp_path / "aff").glob("*.pdf")).read_bytes()
    assert "本人一様" in flat(pdf_text(pdf)) and "〒100-0001" in pdf_text(pdf)


def test_letter_wording_over_http_and_the_cli(client, cli, make_user, make_incident, auth_headers):
    manager = make_user("manager")
    incident = make_incident(manager)
    h = auth_headers(manager)
    url = f"/api/v1/incidents/{incident.id}/letter-wording"
    assert client.get(url, headers=h).json()["cause_ja"] == ""
    r = client.put(url, headers=h, json={"cause_ja": "宛先の候補表示から\n別のお客様を選択したことによるものです。\x07"})
    assert r.status_code == 200, r.text
    assert r.json()["cause_ja"] == "宛先の候補表示から 別のお客様を選択したことによるものです。"  # one paragraph
    assert client.put(url, headers=h, json={"cause_ja": "a\x00b"}).status_code == 422  # NUL refused at the edge
    assert client.put(url, headers=h, json={"cause_ja": "x" * 5000}).status_code == 422
    assert client.put(url, headers=h, json={"cause_ja": 3}).status_code == 422
    assert client.put(f"/api/v1/incidents/{incident.id + 99}/letter-wording", headers=h, json={}).status_code == 404
    code, out, err = cli("letter-wording", incident.id, "--measures-en", "A second person checks external mail.",
                         "--as", manager.email, "--json")
    assert code == 0, err
    assert json.loads(out)["measures_en"] == "A second person checks external mail."
    assert json.loads(out)["cause_ja"].startswith("宛先の候補表示から")
