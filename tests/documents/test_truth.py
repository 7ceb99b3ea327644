"""Letters made from the stored record (real database): internal notes stay internal, nobody else's
data reaches a reader, the wording written for outside readers is used, the 整理番号 printed is the
one stored, names stored with 様 print it once."""

from __future__ import annotations

import pytest

from incidents.cases import service as cases
from incidents.cases.schemas import RecipientIn
from incidents.db import session_scope
from incidents.documents import references, service, wording
from incidents.errors import Forbidden
from incidents.response import actions

from .conftest import flat, pdf_text

NOTES = ("部長決裁済み・社外秘", "11:30佐藤様に電話でお詫び", "先方は添付を開封済みとのこと", "鈴木様は怒っていた")


def _text(s, actor, doc_id) -> str:
    return flat(pdf_text(service.content(s, actor=actor, document_id=doc_id)[1]))


@pytest.fixture
def incident(make_user, make_incident):
    manager = make_user("manager")
    inc = make_incident(manager)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note=NOTES[0])
        actions.record_apology(s, actor=manager, incident_id=inc.id, address="sato@a-corp.example", channel="phone",
                               note=NOTES[1])
        actions.send_deletion_request(s, actor=manager, incident_id=inc.id, address="suzuki@b-corp.example",
                                      note=NOTES[2])
        actions.record_apology(s, actor=manager, incident_id=inc.id, address="suzuki@b-corp.example", channel="phone",
                               note=NOTES[3])
        actions.complete_step(s, actor=manager, incident_id=inc.id, key="containment", note=NOTES[0])
    return manager, inc


def test_outbound_documents_carry_no_note_and_no_other_recipient(incident):
    manager, inc = incident
    with session_scope() as s:
        intended = service.generate(s, actor=manager, incident_id=inc.id, kind="apology_intended",
                                    recipient="sato@a-corp.example")
        unintended = service.generate(s, actor=manager, incident_id=inc.id, kind="apology_unintended",
                                      recipient="suzuki@b-corp.example")
        regulator = service.generate(s, actor=manager, incident_id=inc.id, kind="regulator_report")
        notice = service.generate(s, actor=manager, incident_id=inc.id, kind="notice_affected")
        texts = {d.kind: _text(s, manager, d.id) for d in (intended, unintended, regulator, notice)}
        case = _text(s, manager, service.generate(s, actor=manager, incident_id=inc.id, kind="case_file").id)
    for kind, text in texts.items():
        for note in NOTES:
            assert flat(note) not in text, (kind, note)
        assert "A社向けの見積書をB社の担当者に送付した。" not in text  # the reporter's summary names both companies
        assert "送信取消・リンク無効化" not in text  # a step title claims what was never done
    assert "suzuki@b-corp.example" not in texts["apology_intended"] and "B株式会社" not in texts["apology_intended"]
    assert "sato@a-corp.example" not in texts["apology_unintended"] and "A株式会社" not in texts["apology_unintended"]
    # the intended recipient learns what the organisation did, from the record: the request was sent
    assert "誤送信先には、当該メールの削除と、転送・複製・利用をしないことを依頼しております。" in texts["apology_intended"]
    assert "報告種別速報" in texts["regulator_report"] and "調査中" in texts["regulator_report"]
    assert "1件のうち" in texts["regulator_report"] or "1件に削除を依頼" in texts["regulator_report"]
    assert flat(NOTES[0]) in case  # the case file is internal: it keeps the notes of incident-wide steps


def test_letters_print_the_stored_reference_and_names_once(incident):
    manager, inc = incident
    with session_scope() as s:
        cases.add_recipients(s, actor=manager, incident_id=inc.id, recipients=[
            RecipientIn(address="takahashi@c-corp.example", name="高橋 様", organization="C商事株式会社 御中")])
        refs = references.by_address(s, incident_id=inc.id)
        doc = service.generate(s, actor=manager, incident_id=inc.id, kind="apology_unintended",
                               recipient="takahashi@c-corp.example")
        text = _text(s, manager, doc.id)
    assert text.count("高橋様") == 1 and "様様" not in text and "御中御中" not in text
    assert text.count(refs["takahashi@c-corp.example"]) == 2  # on the letter and on the form


def test_wording_for_outside_readers_is_used_and_audited(incident, make_user):
    manager, inc = incident
    employee = make_user("employee", department="Other")
    with session_scope() as s:
        wording.set_wording(s, actor=manager, incident_id=inc.id, data=wording.WordingIn(
            cause_ja="担当者が宛先の候補表示から、同じ姓の別のお客様を選択したことによるものです。",
            measures_ja="社外宛てのメールは送信前に上長が確認する運用に改めました。",
            cause_en="Our employee picked another customer with the same surname from the suggested addresses."))
    with pytest.raises(Exception), session_scope() as s:
        wording.set_wording(s, actor=employee, incident_id=inc.id, data=wording.WordingIn(cause_ja="x"))
    with session_scope() as s:
        ja = _text(s, manager, service.generate(s, actor=manager, incident_id=inc.id, kind="apology_intended",
                                                recipient="sato@a-corp.example").id)
        en = _text(s, manager, service.generate(s, actor=manager, incident_id=inc.id, kind="apology_intended",
                                                recipient="sato@a-corp.example", lang="en").id)
        current = wording.get(s, actor=manager, incident_id=inc.id)
    assert "同じ姓の別のお客様を選択した" in ja and "上長が確認する運用に改めました" in ja
    assert "anothercustomerwiththesamesurname" in en
    assert current.cause_en.startswith("Our employee") and current.measures_en == ""


def test_wording_is_set_by_a_manager_or_officer_only(incident, make_user):
    _, inc = incident
    stranger = make_user("officer", department="Legal")
    with session_scope() as s:  # an officer may
        wording.set_wording(s, actor=stranger, incident_id=inc.id, data=wording.WordingIn(actions_ja="お電話でお詫びしました。"))
    reporter_colleague = make_user("employee", department="Sales")
    with pytest.raises((Forbidden, Exception)), session_scope() as s:
        wording.set_wording(s, actor=reporter_colleague, incident_id=inc.id, data=wording.WordingIn(actions_ja="x"))
