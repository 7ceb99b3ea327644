"""The persisted playbook: generation on filing, regeneration on changes, guards, bulk, close."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.cases import service as cases
from incidents.cases.schemas import IncidentUpdate, RecipientIn
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidInput, InvalidTransition
from incidents.notify.models import InAppNotification
from incidents.response import actions, service
from incidents.response.models import Step


@pytest.fixture
def team(make_user):
    officer = make_user("officer", department="Privacy")
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    return officer, manager, employee


def steps(incident_id, actor, **kw):
    with session_scope() as s:
        return {st.key: st for st in service.list_steps(s, actor=actor, incident_id=incident_id, **kw)}


def test_filing_generates_playbook_and_notifies_manager_in_app(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    got = steps(inc.id, employee)
    assert list(got)[:3] == ["first_report", "decision", "containment"]
    assert "deletion:suzuki@b-corp.example" in got and "apology:sato@a-corp.example" in got
    assert got["first_report"].due_at == inc.discovered_at + __import__("datetime").timedelta(hours=1)
    with session_scope() as s:
        notes = s.execute(select(InAppNotification)).scalars().all()
        assert [(n.user_id, n.event) for n in notes] == [(manager.id, "incident.first_report")]
        assert notes[0].title.startswith("【第一報】")
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "response.playbook_updated")).first()


def test_guard_no_apology_before_decision_unless_officer_waives(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    with session_scope() as s:
        with pytest.raises(InvalidTransition, match="decision"):
            actions.record_apology(s, actor=employee, incident_id=inc.id, address="sato@a-corp.example", channel="letter")
        with pytest.raises(InvalidTransition):
            actions.send_deletion_request(s, actor=employee, incident_id=inc.id, address="suzuki@b-corp.example")
        with pytest.raises(InvalidTransition):
            actions.mark_all_sent(s, actor=employee, incident_id=inc.id, kind="apology", channel="email")
        with pytest.raises(Forbidden):
            actions.waive_step(s, actor=manager, incident_id=inc.id, key="decision", reason="urgent")
        with pytest.raises(InvalidInput):
            actions.waive_step(s, actor=officer, incident_id=inc.id, key="decision", reason="  ")
        actions.waive_step(s, actor=officer, incident_id=inc.id, key="decision", reason="manager unreachable")
        step = actions.record_apology(s, actor=employee, incident_id=inc.id, address="SATO@a-corp.example", channel="phone")
        assert step.phone_at is not None and step.status == "pending"
        step = actions.record_apology(s, actor=employee, incident_id=inc.id, address="sato@a-corp.example", channel="letter")
        assert step.status == "done" and step.written_channel == "letter"


def test_decision_by_manager_only_and_acknowledges_first_report(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    with session_scope() as s:
        with pytest.raises(Forbidden):
            actions.decide(s, actor=employee, incident_id=inc.id, note="I decide")
        actions.decide(s, actor=manager, incident_id=inc.id, note="電話で削除依頼、書面でお詫び")
    got = steps(inc.id, manager)
    assert got["decision"].status == "done" and got["first_report"].status == "done"
    assert got["first_report"].done_by_id == manager.id


def test_deleted_unread_confirmation_retires_regulator_steps(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"])
    assert "preliminary_report" in steps(inc.id, officer)
    with session_scope() as s:
        assert service.get_assessment(s, actor=officer, incident_id=inc.id).appi.reportable
        actions.confirm_deletion(s, actor=employee, incident_id=inc.id, address="suzuki@b-corp.example", opened="no")
    with session_scope() as s:
        a = service.get_assessment(s, actor=officer, incident_id=inc.id)
        assert (a.appi.exemption, a.appi.reportable) == ("deleted_unread", False)
    got = steps(inc.id, officer, include_not_applicable=True)
    assert got["preliminary_report"].status == "not_applicable"
    assert got["deletion:suzuki@b-corp.example"].opened == "no"
    # one more wrong recipient, unconfirmed: a possible leak again, the steps come back
    with session_scope() as s:
        cases.add_recipients(s, actor=employee, incident_id=inc.id,
                             recipients=[RecipientIn(address="tanaka@c-corp.example", kind="unintended")])
    got = steps(inc.id, officer)
    assert got["preliminary_report"].status == "pending" and "deletion:tanaka@c-corp.example" in got


def test_facts_change_regenerates(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    assert "final_report" not in steps(inc.id, officer)
    with session_scope() as s:
        cases.update(s, actor=employee, incident_id=inc.id, data=IncidentUpdate(improper_purpose=True))
    got = steps(inc.id, officer)
    assert got["final_report"].due_at == inc.discovered_at + __import__("datetime").timedelta(days=60)


def test_bulk_mark_all_sent_and_csv_import(team, make_incident):
    officer, manager, employee = team
    many = [{"address": f"p{i}@x.example", "kind": "unintended", "field": "to"} for i in range(300)]
    inc = make_incident(employee, recipients=many, data_items=["medical"], affected_persons=300)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="一斉にお詫びメール")
        assert actions.mark_all_sent(s, actor=employee, incident_id=inc.id, kind="deletion").updated == 300
        assert actions.mark_all_sent(s, actor=employee, incident_id=inc.id, kind="apology", channel="email").updated == 300
        csv_text = "address,opened,confirmed_at,note\n" + "".join(
            f"P{i}@x.example,no,2026-04-02T10:00:00+09:00,\n" for i in range(299)) + "nobody@x.example,no,,\np299@x.example,maybe,,\n"
        result = actions.import_confirmations(s, actor=employee, incident_id=inc.id, csv_text=csv_text)
        assert (result.updated, result.skipped) == (299, 2)
        assert "301行目" in result.errors[0] and "maybe" in result.errors[1]  # in the reader's language (ja)
        assert service.get_assessment(s, actor=officer, incident_id=inc.id).appi.reportable
        actions.confirm_deletion(s, actor=employee, incident_id=inc.id, address="p299@x.example", opened="no")
        assert service.get_assessment(s, actor=officer, incident_id=inc.id).appi.exemption == "deleted_unread"


def test_close_only_when_every_required_step_is_done_or_waived(team, make_incident):
    officer, manager, employee = team
    inc = make_incident(employee)
    with session_scope() as s:
        with pytest.raises(InvalidTransition, match="cannot close"):
            actions.close(s, actor=manager, incident_id=inc.id)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="方針")
        actions.confirm_deletion(s, actor=employee, incident_id=inc.id, address="suzuki@b-corp.example", opened="unknown")
        actions.mark_all_sent(s, actor=employee, incident_id=inc.id, kind="apology", channel="letter")
        for key in ("containment", "root_cause", "countermeasures"):
            actions.complete_step(s, actor=manager, incident_id=inc.id, key=key, note="済")
        actions.complete_step(s, actor=officer, incident_id=inc.id, key="assessment")
        with pytest.raises(Forbidden):
            actions.complete_step(s, actor=manager, incident_id=inc.id, key="nearmiss")
    with session_scope() as s:
        with pytest.raises(InvalidTransition, match="nearmiss"):
            actions.close(s, actor=manager, incident_id=inc.id)
    with session_scope() as s:
        actions.waive_step(s, actor=officer, incident_id=inc.id, key="nearmiss", reason="同種事例を共有済み")
        actions.close(s, actor=manager, incident_id=inc.id, reason="完了")
    got = steps(inc.id, officer)
    assert got["close"].status == "done"
    with session_scope() as s:
        assert all(st.next_notify_at is None for st in s.execute(select(Step)).scalars())
        with pytest.raises(InvalidTransition, match="closed"):
            actions.complete_step(s, actor=officer, incident_id=inc.id, key="apology:sato@a-corp.example")


@pytest.mark.parametrize("overrides,grounds,exemption,reportable", [
    ({"affected_persons": 1000}, [], None, False),
    ({"affected_persons": 1001}, ["over_1000_persons"], None, True),
    ({"data_items": ["health_checkup"], "protection": "strong_encryption", "key_exposed": False}, ["sensitive_data"], "strong_encryption", False),
    ({"data_items": ["health_checkup"], "protection": "strong_encryption", "key_exposed": True}, ["sensitive_data"], None, True),
    ({"data_items": ["credit_card"], "protection": "password_zip"}, ["financial_damage"], None, True),
    ({"improper_purpose": True}, ["improper_purpose"], None, True),
])
def test_assessment_boundaries_on_the_database(team, make_incident, overrides, grounds, exemption, reportable):
    officer, manager, employee = team
    inc = make_incident(employee, **overrides)
    with session_scope() as s:
        a = service.get_assessment(s, actor=employee, incident_id=inc.id).appi
    assert (a.grounds, a.exemption, a.reportable) == (grounds, exemption, reportable)
    if overrides.get("improper_purpose"):
        assert a.final_report_due == inc.discovered_at + __import__("datetime").timedelta(days=60)


@pytest.mark.parametrize("last_opened,exempt", [("no", True), ("unknown", False), ("yes", False), (None, False)])
def test_deleted_unread_by_all_vs_all_but_one_on_the_database(team, make_incident, last_opened, exempt):
    officer, manager, employee = team
    wrong = [{"address": f"w{i}@other.example", "kind": "unintended", "field": "to"} for i in range(3)]
    inc = make_incident(employee, recipients=wrong, data_items=["medical"])
    with session_scope() as s:
        for i, opened in enumerate(["no", "no", last_opened]):
            if opened is not None:
                actions.confirm_deletion(s, actor=employee, incident_id=inc.id, address=f"w{i}@other.example", opened=opened)
    with session_scope() as s:
        a = service.get_assessment(s, actor=officer, incident_id=inc.id).appi
    assert (a.exemption == "deleted_unread", a.reportable, a.leak) == (exempt, not exempt, not exempt)
