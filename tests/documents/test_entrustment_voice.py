"""Documents made from the stored record (real database): the regulator draft speaks in one voice (です・ます),
letters and the draft word the entrustment relation (委託元／委託先) the incident names, and the case file
words its audit events with the audit's label table in the reader's language."""

from __future__ import annotations

import re

import pytest

from incidents.audit.labels import AUDIT_ACTIONS
from incidents.db import session_scope
from incidents.documents import service
from incidents.regimes import service as regimes
from incidents.response import actions

from .conftest import flat, pdf_text

PLAIN_STYLE = re.compile(r"(である|だ|(?<!ま)した|いない|ている|された|ない)。")


def _make(s, actor, incident_id, kind, lang="ja", recipient=None) -> str:
    doc = service.generate(s, actor=actor, incident_id=incident_id, kind=kind, lang=lang, recipient=recipient)
    return flat(pdf_text(service.content(s, actor=actor, document_id=doc.id)[1]))


@pytest.fixture
def case(make_user, make_incident, monkeypatch):
    from incidents.config import get_settings

    monkeypatch.setenv("INCIDENTS_ORG_NAME", "株式会社北斗データサービス")
    monkeypatch.setenv("INCIDENTS_REGIMES", "appi,pmark")
    get_settings.cache_clear()
    officer = make_user("officer", department="Privacy")
    inc = make_incident(officer, data_items=["name", "medical"], affected_persons=12, protection="password_zip",
                        key_exposed=True, mistake_type="wrong_attachment")
    with session_scope() as s:
        actions.decide(s, actor=officer, incident_id=inc.id, note="社外秘")
        actions.send_deletion_request(s, actor=officer, incident_id=inc.id, address="suzuki@b-corp.example")
    yield officer, inc
    get_settings.cache_clear()


def _entrust(officer, incident_id, role, counterpart):
    with session_scope() as s:
        regimes.set_overrides(s, actor=officer, incident_id=incident_id,
                              data=regimes.OverridesIn(entrustment=role, counterpart=counterpart))


def test_regulator_draft_speaks_in_one_voice(case):
    officer, inc = case
    with session_scope() as s:
        text = _make(s, officer, inc.id, "regulator_report")
    assert "報告種別速報" in text and "(9)その他参考となる事項" in text
    # every sentence of the draft in です・ます: none ends in である調
    assert not PLAIN_STYLE.search(text), PLAIN_STYLE.search(text).group(0)
    assert "保護措置として機能していません。" in text and "送信しました。" in text
    assert "委託元及び委託先の有無なし" in text


def test_contractor_letters_and_draft_name_the_principal(case):
    officer, inc = case
    _entrust(officer, inc.id, "contractor", "株式会社みなと銀行")
    with session_scope() as s:
        draft = _make(s, officer, inc.id, "regulator_report")
        letter = _make(s, officer, inc.id, "apology_unintended", recipient="suzuki@b-corp.example")
        intended = _make(s, officer, inc.id, "apology_intended", recipient="sato@a-corp.example")
        notice = _make(s, officer, inc.id, "notice_affected")
        notice_en = pdf_text(service.content(s, actor=officer, document_id=service.generate(
            s, actor=officer, incident_id=inc.id, kind="notice_affected", lang="en").id)[1])
        draft_en = pdf_text(service.content(s, actor=officer, document_id=service.generate(
            s, actor=officer, incident_id=inc.id, kind="regulator_report", lang="en").id)[1])
    assert "あり（委託元：株式会社みなと銀行、委託先：株式会社北斗データサービス）" in draft
    assert not PLAIN_STYLE.search(draft)
    for text in (letter, intended, notice):
        assert "弊社が株式会社みなと銀行（委託元）から委託を受けて行っている業務において送信したものです。" in text
    assert "work that 株式会社みなと銀行 (the principal) has entrusted to us" in " ".join(notice_en.split())
    assert "principal: 株式会社みなと銀行" in " ".join(draft_en.split())


def test_principal_letters_name_the_contractor(case):
    officer, inc = case
    _entrust(officer, inc.id, "principal", "株式会社ソフト委託")
    with session_scope() as s:
        notice = _make(s, officer, inc.id, "notice_affected")
        draft = _make(s, officer, inc.id, "regulator_report")
    assert "個人情報の取扱いを委託している株式会社ソフト委託（委託先）において発生したものです。" in notice
    assert "あり（委託元：株式会社北斗データサービス、委託先：株式会社ソフト委託）" in draft


def test_case_file_words_audit_events_in_the_readers_language(case):
    officer, inc = case
    _entrust(officer, inc.id, "principal", "株式会社ソフト委託")  # audited as regimes.overridden
    with session_scope() as s:
        ja = _make(s, officer, inc.id, "case_file")
        en = " ".join(pdf_text(service.content(s, actor=officer, document_id=service.generate(
            s, actor=officer, incident_id=inc.id, kind="case_file", lang="en").id)[1]).split())
    assert flat(AUDIT_ACTIONS.label("regimes.overridden", "ja")) in ja
    assert AUDIT_ACTIONS.label("regimes.overridden", "en") in en
    assert AUDIT_ACTIONS.label("regimes.overridden", "ja") != AUDIT_ACTIONS.label("regimes.overridden", "en")
    assert "regimes.overridden" not in ja and "regimes.overridden" not in en
