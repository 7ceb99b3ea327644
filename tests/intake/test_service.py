"""Intake services on a migrated database: preview creates nothing, create goes through the
incident record with its audit trail, domains and the address book sharpen detection."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from incidents.audit.models import AuditEvent
from incidents.cases import service as cases
from incidents.cases.models import Incident
from incidents.db import session_scope
from incidents.errors import Conflict, Forbidden, InvalidInput
from incidents.intake import service
from incidents.intake.errors import MailUnreadable

from .corpus import make_mail, people_csv

JST = timezone(timedelta(hours=9))
SENT = datetime.now(JST).replace(microsecond=0) - timedelta(hours=2)


def sent_mail(**kw):
    kw.setdefault("date", SENT.strftime("%a, %d %b %Y %H:%M:%S +0900"))
    return make_mail(**kw)


def test_preview_creates_nothing_and_maps_the_contract(make_user):
    user = make_user()
    data = sent_mail(
        to=[("佐藤 花子", "hanako.sato@parnter.co.jp")],
        cc=[("", "boss@example.co.jp")],
        attachments=[("顧客名簿.csv", "text/csv", people_csv(1200))],
    )
    with session_scope() as s:
        service.add_domain(s, actor=make_user(role="officer"), domain="partner.co.jp", organization="パートナー株式会社")
    with session_scope() as s:
        before = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        draft = service.preview(s, actor=user, data=data, filename="sent.eml")
        after = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    assert before == after
    inc = draft["incident"]
    assert inc["mistake_type"] is None  # a proposal is never applied silently
    assert draft["suggested_mistake_type"] == "lookalike_domain"
    assert inc["sent_at"] == SENT.isoformat()
    assert inc["message"]["sender"] == "taro.yamada@example.co.jp"
    assert inc["message"]["attachments"][0]["filename"] == "顧客名簿.csv"
    assert {r["address"]: r["field"] for r in inc["recipients"]} == {
        "hanako.sato@parnter.co.jp": "to", "boss@example.co.jp": "cc"}
    assert "body" not in draft and "いつもお世話に" not in str(inc)  # the body is not kept unless asked
    assert "お見積書を送付いたします" not in inc["message"]["summary"]  # nor drafted into the summary
    assert inc["message"]["summary"] == "お見積書の送付（添付: 顧客名簿.csv）"
    types = [f["type"] for f in draft["findings"]]
    assert "lookalike_domain" in types and "wrong_attachment" in types
    assert draft["suggested_affected_persons"] == 1200


def test_create_applies_accepted_findings_and_audits(make_user):
    user = make_user()
    data = sent_mail(to=[("佐藤 花子", "hanako.sato@parnter.co.jp")])
    with session_scope() as s:
        service.add_domain(s, actor=make_user(role="admin"), domain="partner.co.jp")
    with session_scope() as s:
        incident = service.create_from_mail(
            s, actor=user, data=data, filename="sent.eml", discovery_method="recipient_reported",
            discovered_at=datetime.now(JST).isoformat(), overrides={"title": "取引先ドメインの打ち間違い"},
        )
        public = cases.to_public(s, incident)
        actions = [e.action for e in s.execute(select(AuditEvent).where(AuditEvent.incident_id == incident.id)
                                                    .order_by(AuditEvent.id)).scalars()]
    assert public.mistake_type == "lookalike_domain"
    assert public.title == "取引先ドメインの打ち間違い"
    kinds = {r.address: r.kind for r in public.recipients}
    assert kinds == {"hanako.sato@parnter.co.jp": "unintended", "hanako.sato@partner.co.jp": "intended"}
    assert actions[:1] == ["incident.reported"] and "intake.mail_imported" in actions


def test_create_without_accepting_keeps_facts_only(make_user):
    user = make_user()
    data = sent_mail(to=[("", f"u{i}@club{i}.example.jp") for i in range(30)])
    with session_scope() as s:
        incident = service.create_from_mail(
            s, actor=user, data=data, discovery_method="self_noticed",
            discovered_at=datetime.now(JST).isoformat(), accept_findings=False,
        )
        assert incident.mistake_type == "other" and incident.data_items == [] and incident.affected_persons == 0
        assert incident.recipients_count == 30


def test_mail_without_date_needs_sent_at(make_user):
    user = make_user()
    with session_scope() as s, pytest.raises(InvalidInput) as exc:
        service.create_from_mail(s, actor=user, data=sent_mail(date=None), discovery_method="self_noticed",
                                 discovered_at=datetime.now(JST).isoformat())
    assert exc.value.code == "sent_at_missing"
    with session_scope() as s:
        incident = service.create_from_mail(
            s, actor=user, data=sent_mail(date=None), discovery_method="self_noticed",
            discovered_at=datetime.now(JST).isoformat(), overrides={"sent_at": SENT.isoformat()})
        assert incident.id


def test_recipients_of_a_mass_mail_from_the_list_export(make_user):
    user = make_user()
    data = sent_mail(to=[("", "members@example.co.jp")])
    csv = "メールアドレス,氏名\r\n" + "".join(f"m{i}@home{i}.example.jp,会員{i}\r\n" for i in range(250))
    with session_scope() as s:
        draft = service.preview(s, actor=user, data=data, recipients_csv=csv.encode("cp932"), recipients_field="to")
    assert draft["source"]["recipient_count"] == 251
    assert draft["suggested_mistake_type"] == "bcc_exposure"


def test_settings_domains_and_address_book_feed_detection(make_user, monkeypatch):
    from incidents.config import get_settings

    monkeypatch.setenv("INCIDENTS_INTAKE_OWN_DOMAINS", "example.co.jp, example.ac.jp")
    get_settings.cache_clear()
    officer = make_user(role="officer")
    book = ("address,name,organization,kind\r\nichiro.yamada@yamada-shoji.co.jp,山田 一郎,山田商事株式会社,customer\r\n"
            "@kawasaki-kogyo.co.jp,,川崎工業株式会社,customer\r\n")
    try:
        with session_scope() as s:
            assert service.import_address_book(s, actor=officer, data=book.encode()) == {
                "added": 2, "updated": 0, "removed": 0, "skipped": 0}
            ctx = service.detection_context(s)
            assert "example.ac.jp" in ctx.own_domains
            draft = service.preview(s, actor=officer, data=sent_mail(
                to=[("山田 一郎", "yamada@other-company.jp")],
                attachments=[("川崎工業様_御見積書.pdf", "application/pdf", b"%PDF")]))
        types = {f["type"] for f in draft["findings"]}
        assert {"wrong_recipient", "wrong_attachment"} <= types
        with session_scope() as s:  # importing again updates, replace empties first
            assert service.import_address_book(s, actor=officer, data=book.encode())["updated"] == 2
            assert service.import_address_book(s, actor=officer, data=book.encode(), replace=True)["removed"] == 2
            assert service.list_contacts(s, actor=officer, q="山田")["total"] == 1
    finally:
        get_settings.cache_clear()


def test_domain_management_rules(make_user):
    employee, officer = make_user(), make_user(role="officer")
    with session_scope() as s:
        with pytest.raises(Forbidden):
            service.add_domain(s, actor=employee, domain="partner.co.jp")
        row = service.add_domain(s, actor=officer, domain="@Partner.CO.JP.", organization="パートナー")
        assert row.domain == "partner.co.jp"
        idn = service.add_domain(s, actor=officer, domain="日本商事.jp")
        assert idn.domain.startswith("xn--")
    with session_scope() as s:
        with pytest.raises(Conflict):
            service.add_domain(s, actor=officer, domain="partner.co.jp")
    with session_scope() as s:
        with pytest.raises(InvalidInput):
            service.add_domain(s, actor=officer, domain="not a domain")
        service.remove_domain(s, actor=officer, domain="partner.co.jp")
        assert [d.domain for d in service.list_domains(s, actor=officer)] == [idn.domain]
        actions = [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
        assert actions[-3:] == ["intake.domain_added", "intake.domain_added", "intake.domain_removed"]


def test_unreadable_upload_is_a_domain_error(make_user):
    with session_scope() as s, pytest.raises(MailUnreadable) as exc:
        service.preview(s, actor=make_user(), data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", filename="x.msg")
    assert exc.value.status_code == 422


def test_admin_only_user_cannot_import(make_user):
    with session_scope() as s, pytest.raises(Forbidden):
        service.preview(s, actor=make_user(role="admin"), data=sent_mail())


def test_body_is_stored_only_when_asked(make_user):
    user = make_user()
    now = datetime.now(JST).isoformat()
    with session_scope() as s:
        plain = service.create_from_mail(s, actor=user, data=sent_mail(), discovery_method="self_noticed",
                                         discovered_at=now)
        kept = service.create_from_mail(s, actor=user, data=sent_mail(), discovery_method="self_noticed",
                                        discovered_at=now, keep_body=True)
        assert "いつもお世話になっております" not in plain.summary
        assert kept.summary.startswith("いつもお世話になっております。")
