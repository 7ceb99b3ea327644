"""Documents stored on the incident: versions, permissions, audit, step links (real database)."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.documents import service
from incidents.documents.models import Document
from incidents.documents.references import format_reference
from incidents.errors import Forbidden, InvalidInput, NotFound

from .conftest import flat, page_count, pdf_text


def test_generate_stores_versions_and_audits(make_user, make_incident):
    manager = make_user("manager")
    incident = make_incident(manager)
    with session_scope() as s:
        first = service.generate(s, actor=manager, incident_id=incident.id, kind="apology_unintended",
                                 recipient="suzuki@b-corp.example")
    with session_scope() as s:
        second = service.generate(s, actor=manager, incident_id=incident.id, kind="apology_unintended",
                                  recipient="SUZUKI@b-corp.example")
        report = service.generate(s, actor=manager, incident_id=incident.id, kind="first_report")
    assert (first.version, second.version, report.version) == (1, 2, 1)
    with session_scope() as s:
        docs = service.list_documents(s, actor=manager, incident_id=incident.id)
        assert [d.id for d in docs] == [first.id, second.id, report.id]
        doc, data = service.content(s, actor=manager, document_id=first.id)
        assert hashlib.sha256(data).hexdigest() == doc.sha256 and doc.size_bytes == len(data)
        assert doc.pages == page_count(data) == 2
        text = flat(pdf_text(data))
        assert "B株式会社" in text and "鈴木一郎様" in text and "【見積書送付】2025年度保守契約" in text
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "document.generated").order_by(AuditEvent.seq)).scalars().all()
        assert len(events) == 3 and events[0].after["version"] == 1 and events[0].after["sha256"] == first.sha256
        report_text = flat(pdf_text(service.content(s, actor=manager, document_id=report.id)[1]))
        assert "suzuki@b-corp.example" in report_text and "sato@a-corp.example" in report_text


def test_employee_waits_for_the_decision_before_letters(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    employee = make_user("employee", department="Sales", manager=manager)
    incident = make_incident(employee)
    with session_scope() as s:  # internal documents: fine
        service.generate(s, actor=employee, incident_id=incident.id, kind="first_report")
    with pytest.raises(Forbidden), session_scope() as s:
        service.generate(s, actor=employee, incident_id=incident.id, kind="apology_intended",
                         recipient="sato@a-corp.example")
    from incidents.response import actions

    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=incident.id, note="課長から先方へ電話、書面は翌日発送")
    with session_scope() as s:
        doc = service.generate(s, actor=employee, incident_id=incident.id, kind="apology_intended",
                               recipient="sato@a-corp.example")
        assert doc.recipient_address == "sato@a-corp.example"


def test_other_department_sees_nothing(make_user, make_incident):
    owner = make_user("manager", department="Sales")
    stranger = make_user("manager", department="Legal")
    incident = make_incident(owner)
    with session_scope() as s:
        doc = service.generate(s, actor=owner, incident_id=incident.id, kind="case_file")
    with pytest.raises(NotFound), session_scope() as s:
        service.generate(s, actor=stranger, incident_id=incident.id, kind="case_file")
    with pytest.raises(NotFound), session_scope() as s:
        service.content(s, actor=stranger, document_id=doc.id)
    admin = make_user("admin")
    with pytest.raises(Forbidden), session_scope() as s:
        service.list_documents(s, actor=admin, incident_id=incident.id)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"kind": "love_letter"}, InvalidInput),
    ({"kind": "first_report", "lang": "fr"}, InvalidInput),
    ({"kind": "apology_unintended"}, InvalidInput),  # needs a recipient
    ({"kind": "apology_unintended", "recipient": "sato@a-corp.example"}, InvalidInput),  # an intended one
    ({"kind": "apology_intended", "recipient": "nobody@example.jp"}, NotFound),
    ({"kind": "first_report", "recipient": "sato@a-corp.example"}, InvalidInput),
    ({"kind": "first_report", "step_id": 999999}, NotFound),
])
def test_bad_requests_store_nothing(make_user, make_incident, kwargs, error):
    officer = make_user("officer")
    incident = make_incident(officer)
    with pytest.raises(error), session_scope() as s:
        service.generate(s, actor=officer, incident_id=incident.id, **kwargs)
    with session_scope() as s:
        assert s.execute(select(Document)).first() is None


def test_link_step(make_user, make_incident):
    from incidents.response.models import Step

    officer = make_user("officer")
    incident = make_incident(officer)
    with session_scope() as s:
        step = s.execute(select(Step).where(Step.incident_id == incident.id, Step.kind == "first_report")).scalar_one()
        doc = service.generate(s, actor=officer, incident_id=incident.id, kind="first_report", step_id=step.id)
        assert doc.step_id == step.id
        other = service.generate(s, actor=officer, incident_id=incident.id, kind="case_file")
        service.link_step(s, actor=officer, document_id=other.id, step_id=step.id)
        assert other.step_id == step.id
        service.link_step(s, actor=officer, document_id=other.id, step_id=None)
        assert other.step_id is None
        actions = [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
        assert actions.count("document.step_linked") == 2


def test_bulk_readers(make_user, make_incident, tmp_path):
    from incidents.documents.bulk import write_letters

    officer = make_user("officer")
    incident = make_incident(officer, mistake_type="bcc_exposure", recipients=[
        {"address": f"student{i}@univ.example", "name": f"学生 {i}", "field": "to", "kind": "unintended"}
        for i in range(4)])
    with session_scope() as s:
        run, readers = service.prepare_letters(s, actor=officer, incident_id=incident.id, to="affected")
        assert [r.reference for r in readers] == [format_reference(incident.id, i) for i in range(1, 5)]
        with pytest.raises(InvalidInput):
            service.prepare_letters(s, actor=officer, incident_id=incident.id, to="intended")
    result = write_letters(run, readers, tmp_path, workers=1)
    text = flat(pdf_text(result.files[2].read_bytes()))
    assert "学生2様" in text and "個人情報の漏えい" in text
    other = make_incident(officer)  # wrong_recipient: the people concerned are not in the record
    with pytest.raises(InvalidInput), session_scope() as s:
        service.prepare_letters(s, actor=officer, incident_id=other.id, to="affected")
    with session_scope() as s:
        _, given = service.prepare_letters(s, actor=officer, incident_id=other.id, to="affected",
                                           persons=[{"address": "p@example.jp", "name": "本人 一"}])
        assert given[0].name == "本人 一"


def test_root_cause_report_uses_the_recorded_analysis(make_user, make_incident):
    from datetime import date, timedelta

    from incidents.analysis import service as analysis
    from incidents.analysis.schemas import AnalysisIn, CountermeasureIn

    officer = make_user("officer")
    incident = make_incident(officer)
    with session_scope() as s:
        analysis.save_analysis(s, actor=officer, incident_id=incident.id, data=AnalysisIn(
            whys=["宛先を取り違えた", "候補をそのまま選んだ", "送信前に宛先を確認する手順がなかった"],
            causes=[{"text": "オートコンプリートが有効だった", "four_m": "machine"}]))
        analysis.add_countermeasure(s, actor=officer, incident_id=incident.id, data=CountermeasureIn(
            title="外部宛て送信の5分間保留", four_e="engineering", owner=officer.email,
            due_on=date.today() + timedelta(days=30)))
        doc = service.generate(s, actor=officer, incident_id=incident.id, kind="root_cause_report")
        text = flat(pdf_text(service.content(s, actor=officer, document_id=doc.id)[1]))
    assert "なぜ3：送信前に宛先を確認する手順がなかった" in text
    assert "オートコンプリートが有効だった" in text and "外部宛て送信の5分間保留" in text
