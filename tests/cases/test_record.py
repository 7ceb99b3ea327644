"""The read model of an incident: one loader, one visibility check, labels in both languages, aware times,
recipient counts without loading the recipients."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from incidents.cases import labels, record, service
from incidents.cases.access import can_manage
from incidents.db import get_engine, session_scope
from incidents.errors import Forbidden, NotFound


def _has_japanese(text: str) -> bool:
    return any("\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _recipients(n: int, kind: str = "unintended", field: str = "bcc") -> list[dict]:
    return [{"address": f"p{i:05d}@{field}.{kind}.example", "field": field, "kind": kind} for i in range(n)]


def test_labels_are_the_codes_and_know_both_languages(make_user, make_incident):
    user = make_user()
    incident = make_incident(user, mistake_type="bcc_exposure", data_items=["medical", "email_address"],
                             jurisdictions=["jp", "eu"], protection="password_zip")
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id)
    assert rec.mistake_type == "bcc_exposure" and rec.mistake_type.code == "bcc_exposure"
    # the words are the label table's, through the catalogues: Japanese and English, never the code
    labelled = [(rec.mistake_type, labels.MISTAKE_TYPES), (rec.discovery_method, labels.DISCOVERY_METHODS),
                (rec.protection, labels.PROTECTION), (rec.status, labels.STATUS)]
    labelled += [(d, labels.DATA_ITEMS) for d in rec.data_items]
    labelled += [(j, labels.JURISDICTIONS) for j in rec.jurisdictions]
    for value, table in labelled:
        assert (value.ja, value.en) == (table.label(value.code, "ja"), table.label(value.code, "en"))
        assert value.ja != value.en and _has_japanese(value.ja), value
        assert value.text("en") == value.en and value.text("ja") == value.ja
    assert rec.mistake_type.en == "Addresses exposed in To/Cc instead of Bcc"
    assert [j.ja for j in rec.jurisdictions] == ["日本（個人情報保護法）", "EU（GDPR）"] and rec.eu
    # serialised as the code, everywhere
    assert json.loads(json.dumps({"t": rec.mistake_type, "d": rec.data_items})) == {
        "t": "bcc_exposure", "d": ["medical", "email_address"]}
    assert service.public(rec).model_dump(mode="json")["mistake_type"] == "bcc_exposure"


def test_labels_cross_a_process_boundary_and_survive_an_unknown_code():
    lab = record.label(record.MistakeTypeLabel, "wrong_attachment")
    back = pickle.loads(pickle.dumps(lab))
    assert back == "wrong_attachment" and back.ja == lab.ja and back.en == "Wrong attachment"
    unknown = record.label(record.DataItemLabel, "retired_item")
    assert unknown == "retired_item" and unknown.ja == unknown.en == "retired_item"
    # the same code in two lists keeps each list's words
    assert record.label(record.MistakeTypeLabel, "other").en == "Other"


def test_times_are_aware_as_given_and_in_the_organisation_zone(make_user, make_incident):
    user = make_user()
    eastern = timezone(timedelta(hours=-5))
    sent = datetime(2025, 6, 20, 8, 0, tzinfo=eastern)
    incident = make_incident(user, sent_at=sent.isoformat(), discovered_at=(sent + timedelta(hours=1)).isoformat())
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id)
    assert rec.sent_at == sent and rec.sent_at.utcoffset() == timedelta(hours=-5)
    assert rec.discovered_at - rec.sent_at == timedelta(hours=1)
    assert rec.zone == ZoneInfo("Asia/Tokyo")
    assert rec.sent_at_local.utcoffset() == timedelta(hours=9) and rec.sent_at_local == sent
    assert (rec.sent_at_local.hour, rec.sent_at_local.day) == (22, 20)
    for moment in (rec.reported_at, rec.updated_at, rec.discovered_at_local, rec.reported_at_local):
        assert moment.tzinfo is not None
    assert rec.closed_at is None and rec.local(None) is None
    assert record.facts(rec)["sent_at"] == "2025-06-20T08:00:00-05:00"


def test_one_loader_checks_visibility(make_user, make_incident):
    manager = make_user(role="manager", department="Sales")
    reporter = make_user(department="Sales", manager=manager)
    stranger = make_user(department="Support")
    admin = make_user(role="admin", department="IT")
    incident = make_incident(reporter)
    with session_scope() as s:
        rec = record.load(s, actor=manager, incident_id=incident.id)
        assert rec.reporter.email == reporter.email and rec.department.name == "Sales"
        assert rec.reporter_id == reporter.id and can_manage(s, manager, rec)
        assert not can_manage(s, reporter, rec)
        with pytest.raises(NotFound):
            record.load(s, actor=stranger, incident_id=incident.id)
        with pytest.raises(NotFound):
            record.load(s, actor=reporter, incident_id=incident.id + 1000)
        with pytest.raises(Forbidden):
            record.load(s, actor=admin, incident_id=incident.id)


def test_message_and_attachments(make_user, make_incident):
    user = make_user()
    incident = make_incident(user)
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id)
    assert rec.message.subject == "【見積書送付】2025年度 保守契約"
    assert rec.message.sender == "taro.yamada@example.co.jp"
    (att,) = rec.message.attachments
    assert (att.filename, att.size_bytes, att.sha256, att.content_type) == (
        "見積書_A社.pdf", 183201, "a" * 64, "application/pdf")


def test_a_mass_mail_is_counted_without_loading_its_recipients(make_user, make_incident):
    user = make_user()
    recipients = _recipients(1200, "unintended", "bcc") + _recipients(30, "unintended", "cc") + \
        _recipients(5, "intended", "to")
    incident = make_incident(user, recipients=recipients, mistake_type="bcc_exposure")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = get_engine()
    with session_scope() as s:
        s.connection()  # begin before counting
        event.listen(engine, "before_cursor_execute", count)
        try:
            rec = record.load(s, actor=user, incident_id=incident.id)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert rec.recipients == () and not rec.recipients_complete
        assert rec.counts.total == rec.recipients_count == 1235
        assert (rec.counts.unintended, rec.counts.intended) == (1230, 5)
        assert dict(rec.counts.by_field) == {"bcc": 1200, "cc": 30, "to": 5}
        # the row, its reporter and department, the attachments, one GROUP BY for the counts
        assert len(statements) <= 6, statements
        assert not any("recipients.address" in q for q in statements)

        first = record.load(s, actor=user, incident_id=incident.id, recipients=10)
        assert [r.address for r in first.recipients] == [f"p{i:05d}@bcc.unintended.example" for i in range(10)]
        assert first.recipients[0].field == "bcc" and first.recipients[0].field.ja == labels.FIELDS.label("bcc", "ja")
        assert first.recipients[0].kind.ja == labels.KINDS.label("unintended", "ja") and not first.recipients_complete
        assert first.counts == rec.counts

        every = record.load(s, actor=user, incident_id=incident.id, recipients=record.ALL)
        assert len(every.recipients) == 1235 and every.recipients_complete
        assert [r.position for r in every.recipients] == sorted(r.position for r in every.recipients)
        assert len(every.intended) == 5 and every.counts == rec.counts


def test_a_small_list_loaded_whole_is_complete(make_user, make_incident):
    user = make_user()
    incident = make_incident(user)  # two recipients
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id, recipients=100)
        none = record.load(s, actor=user, incident_id=incident.id)
    assert rec.recipients_complete and len(rec.recipients) == 2 and not none.recipients_complete
    assert [r.kind for r in rec.recipients] == ["unintended", "intended"]
    assert rec.counts == none.counts


def test_the_record_is_frozen(make_user, make_incident):
    user = make_user()
    incident = make_incident(user)
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id)
    with pytest.raises(AttributeError):
        rec.title = "changed"  # type: ignore[misc]


def test_the_api_contract_and_the_audit_facts_are_read_from_the_record(make_user, make_incident):
    user = make_user()
    incident = make_incident(user)
    with session_scope() as s:
        rec = record.load(s, actor=user, incident_id=incident.id, recipients=record.ALL)
        public = service.public(rec)
        assert public == service.to_public(s, service.get(s, actor=user, incident_id=incident.id))
        assert record.facts(rec) == service.facts_of(s, service.get(s, actor=user, incident_id=incident.id))
    assert public.reported_at.utcoffset() == timedelta(hours=9)
    assert [r.address for r in public.recipients] == ["suzuki@b-corp.example", "sato@a-corp.example"]
