"""Data kept only as long as needed: `incidents purge` deletes incidents closed longer ago than the retention
period, with their recipients, documents, PDFs and letter files, leaving a tombstone and a chain that still
verifies; erasing one recipient on request leaves a keyed hash, not the address, in the record and the audit."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from incidents.audit import service as audit
from incidents.audit.models import AuditEvent
from incidents.cases.models import Incident, Recipient
from incidents.config import get_settings
from incidents.db import session_scope
from incidents.documents.jobs import job_dir
from incidents.documents.models import Document, DocumentContent
from incidents.jobs.models import Job
from incidents.system.models import IncidentTombstone
from incidents.types import utcnow

EN = {"INCIDENTS_LANG": "en"}
ADDRESS = "suzuki.hanako@customer.example.jp"


@pytest.fixture
def retention(monkeypatch):
    monkeypatch.setenv("INCIDENTS_RETENTION_YEARS", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _close(incident_id: int, years_ago: float) -> None:
    with session_scope() as s:
        s.execute(update(Incident).where(Incident.id == incident_id).values(
            status="closed", closed_at=utcnow() - timedelta(days=365.25 * years_ago)))


def _letter(incident_id: int, address: str) -> tuple[int, object]:
    with session_scope() as s:
        doc = Document(incident_id=incident_id, kind="apology", lang="ja", recipient_address=address,
                       title="お詫び", filename="apology.pdf", sha256="0" * 64)
        s.add(doc)
        s.flush()
        s.add(DocumentContent(document_id=doc.id, data=b"%PDF-1.7 letter to " + address.encode()))
        job = Job(kind="documents.letters", incident_id=incident_id, params={"to": "unintended"})
        s.add(job)
        s.flush()
        folder = job_dir(job)
        folder.mkdir(parents=True)
        (folder / "00001_letter.pdf").write_bytes(b"%PDF-1.7")
        return doc.id, folder


def _add_recipients(client, h, incident_id):
    r = client.post(f"/api/v1/incidents/{incident_id}/recipients", headers=h, json=[
        {"address": ADDRESS, "name": "鈴木花子", "organization": "得意先株式会社"},
        {"address": "tanaka@customer.example.jp", "name": "田中一郎"}])
    assert r.status_code == 201, r.text


def test_purge_deletes_what_is_past_retention_and_leaves_a_tombstone(retention, cli, client, make_user,
                                                                       make_incident, auth_headers):
    officer = make_user("officer", department="Compliance")
    old, recent, open_ = (make_incident(officer, title=f"宛先誤り {i}") for i in range(3))
    _add_recipients(client, auth_headers(officer), old.id)
    doc_id, folder = _letter(old.id, ADDRESS)
    _close(old.id, 6)
    _close(recent.id, 2)
    with session_scope(write=False) as s:
        count = s.get(Incident, old.id).recipients_count
    code, out, err = cli("purge", "--dry-run", "--json")
    assert code == 0, err
    assert [c["incident_id"] for c in json.loads(out)["incidents"]] == [old.id]
    with session_scope(write=False) as s:
        assert s.get(Incident, old.id) is not None  # a dry run changes nothing

    code, out, err = cli("purge", env=EN)
    assert code == 0 and "1 incident(s)" in out and "1 letter file(s)" in out, (out, err)
    with session_scope(write=False) as s:
        assert s.get(Incident, old.id) is None
        assert s.get(Incident, recent.id) is not None and s.get(Incident, open_.id) is not None
        assert s.execute(select(func.count()).select_from(Recipient).where(Recipient.incident_id == old.id)).scalar() == 0
        assert s.get(Document, doc_id) is None and s.get(DocumentContent, doc_id) is None
        stone = s.get(IncidentTombstone, old.id)
        assert stone.retention_years == 5 and stone.recipients_count == count >= 2
        events = s.execute(select(AuditEvent).where(AuditEvent.incident_id == old.id)
                           .order_by(AuditEvent.seq)).scalars().all()
        assert events[-1].action == "incident.purged"
        stored = json.dumps([(e.before, e.after) for e in events], ensure_ascii=False)
        assert "宛先誤り" not in stored and ADDRESS not in stored and "鈴木" not in stored
        assert audit.verify(s).ok  # the chain still holds, with the purge in it
    assert not folder.exists()
    r = client.get(f"/api/v1/incidents/{old.id}", headers=auth_headers(officer))
    assert r.status_code == 404


def test_purge_needs_a_retention_period(cli):
    code, _, err = cli("purge", env=EN)
    assert code == 1 and "no retention period" in err and len(err.strip().splitlines()) == 1


def test_erasure_of_one_recipient_leaves_a_hash(client, cli, make_user, make_incident, auth_headers):
    officer = make_user("officer", department="Compliance")
    reporter = make_user("employee", department="Sales")
    incident = make_incident(reporter)
    _add_recipients(client, auth_headers(reporter), incident.id)
    with session_scope() as s:
        rid = s.execute(select(Recipient.id).where(Recipient.address == ADDRESS)).scalar_one()
        s.execute(update(Recipient).where(Recipient.id == rid).values(name="鈴木花子"))
    doc_id, _folder = _letter(incident.id, ADDRESS)

    r = client.post(f"/api/v1/incidents/{incident.id}/recipients/{rid}/erase", headers=auth_headers(reporter))
    assert r.status_code in (403, 404), r.text  # officers only
    r = client.post(f"/api/v1/incidents/{incident.id}/recipients/{rid}/erase", headers=auth_headers(officer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["address_hash"].startswith("h:") and body["documents_removed"] == 1
    with session_scope(write=False) as s:
        row = s.get(Recipient, rid)
        assert row.address == body["address_hash"] and row.name is None and row.organization is None
        assert s.get(Document, doc_id) is None
        stored = json.dumps([(e.before, e.after) for e in s.execute(select(AuditEvent)).scalars()],
                            ensure_ascii=False)
        assert ADDRESS not in stored and "鈴木花子" not in stored
        assert body["address_hash"] in stored
        assert "tanaka@customer.example.jp" in stored  # the other recipient is untouched
        from incidents.response.models import Step

        steps = s.execute(select(Step.key, Step.recipient_address).where(Step.incident_id == incident.id)).all()
        assert steps and ADDRESS not in json.dumps([tuple(x) for x in steps])
        assert audit.verify(s).ok
    r = client.post(f"/api/v1/incidents/{incident.id}/recipients/{rid}/erase", headers=auth_headers(officer))
    assert r.status_code == 422 and r.json()["error"] == "already_erased"
    code, _, err = cli("recipients", "erase", str(incident.id), "tanaka@customer.example.jp", "--as", officer.email)
    assert code == 0, err


def test_a_removed_recipients_address_leaves_the_audit(client, make_user, make_incident, auth_headers):
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    h = auth_headers(officer)
    _add_recipients(client, h, incident.id)
    rid = next(r["id"] for r in client.get(f"/api/v1/incidents/{incident.id}/recipients", headers=h).json()["items"]
               if r["address"] == ADDRESS)
    assert client.patch(f"/api/v1/incidents/{incident.id}/recipients/{rid}", headers=h,
                        json={"organization": "得意先"}).status_code == 200
    assert client.delete(f"/api/v1/incidents/{incident.id}/recipients/{rid}", headers=h).status_code == 204
    with session_scope(write=False) as s:
        stored = json.dumps([(e.before, e.after) for e in s.execute(select(AuditEvent)).scalars()],
                            ensure_ascii=False)
        assert ADDRESS not in stored and "鈴木花子" not in stored
        assert audit.verify(s).ok


def test_letter_files_and_exports_are_private(cli, make_user, make_incident, tmp_path):
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    _doc, folder = _letter(incident.id, ADDRESS)
    cli("audit", "anchor", "--out", str(tmp_path / "a.json"))  # the CLI sets the private umask
    out = tmp_path / "export"
    out.mkdir()
    f = out / "x.pdf"
    f.write_bytes(b"x")
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == 0o600
