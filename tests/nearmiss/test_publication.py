"""Draft, publish, withdraw and the library on a real database (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from incidents.analysis import service as analysis
from incidents.analysis.schemas import AnalysisIn, CountermeasureIn
from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidInput, NotFound
from incidents.nearmiss import library, service
from incidents.nearmiss.digest import send_digest
from incidents.nearmiss.schemas import LibraryFilter, PublishIn
from incidents.notify.models import InAppNotification

SUMMARY = ("株式会社東邦商事の佐藤花子様宛ての見積書を、オートコンプリートで表示された北斗物産の鈴木一郎様"
           "（suzuki@b-corp.example）に送信した。先方から電話（03-5555-1234）で指摘を受けた。")


@pytest.fixture
def world(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    reader = make_user("employee", department="Support")
    officer = make_user("officer", department="Privacy")
    inc = make_incident(reporter, message={"subject": "見積書", "sender": "taro.yamada@example.co.jp",
                                           "summary": SUMMARY, "attachments": []})
    with session_scope() as s:
        analysis.save_analysis(s, actor=reporter, incident_id=inc.id, data=AnalysisIn(
            whys=["宛先を誤って選択した", "オートコンプリートの候補の先頭に北斗物産の鈴木様が出た"],
            factors=["autocomplete", "similar_names"]))
        analysis.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=CountermeasureIn(
            title="送信保留を5分に設定", four_e="engineering", owner=manager.email, due_on="2031-01-31"))
    return manager, reporter, reader, officer, inc


def _secrets_absent(text: str) -> None:
    for secret in ("東邦", "佐藤", "北斗", "鈴木", "b-corp", "5555", "yamada", "Sales"):
        assert secret not in text, secret


def test_draft_shows_replacements_to_those_who_see_the_incident(world):
    manager, reporter, reader, officer, inc = world
    with session_scope() as s:
        out = service.draft(s, actor=reporter, incident_id=inc.id)
        with pytest.raises(NotFound):
            service.draft(s, actor=reader, incident_id=inc.id)
    happened = next(x for x in out.draft["sections"] if x["key"] == "what_happened")
    _secrets_absent(happened["text"])
    originals = {r["original"] for r in happened["replacements"]}
    assert {"株式会社東邦商事", "suzuki@b-corp.example", "03-5555-1234"} <= originals
    assert out.publication.can_publish is False and out.publication.status is None


def test_publish_needs_a_manager_and_the_case_leads_nowhere(world, client, auth_headers):
    manager, reporter, reader, officer, inc = world
    with session_scope() as s, pytest.raises(Forbidden):
        service.publish(s, actor=reporter, incident_id=inc.id)
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id)
    r = client.get(f"/api/v1/nearmiss/cases/{case.id}", headers=auth_headers(reader))
    assert r.status_code == 200
    body = r.text
    _secrets_absent(body)
    assert str(inc.id) not in json.loads(body).keys() and "incident" not in body and "source_ref" not in body
    assert reporter.email not in body and manager.email not in body
    # the employee who cannot see the incident reads the case
    found = client.get("/api/v1/nearmiss/cases", params={"q": "オートコンプリート"}, headers=auth_headers(reader)).json()
    assert [c["id"] for c in found["items"]] == [case.id]
    with session_scope() as s:
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.entity == "nearmiss_case")).scalars().all()
    assert actions == ["nearmiss.published"]


def test_edits_that_still_name_someone_are_refused(world):
    manager, reporter, reader, officer, inc = world
    with session_scope() as s, pytest.raises(InvalidInput) as err:
        service.publish(s, actor=manager, incident_id=inc.id,
                        data=PublishIn(sections={"what_happened": "鈴木 一郎様に誤送信した。"}))
    assert err.value.code == "not_anonymous"
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id,
                               data=PublishIn(title="宛先の自動補完による誤送信",
                                              sections={"what_happened": "取引先の別の担当者に見積書を誤送信した。"}))
    assert case.title == "宛先の自動補完による誤送信"
    assert case.sections[1].text == "取引先の別の担当者に見積書を誤送信した。"


def test_withdrawn_cases_vanish_from_library_search_feed_stats_and_digest(world, client, auth_headers):
    manager, reporter, reader, officer, inc = world
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id)
    with session_scope() as s:
        assert library.search(s, actor=reader, filters=LibraryFilter(q="見積書")).total == 1
        assert library.stats(s, actor=reader).total == 1
        assert [c.id for c in library.feed(s, actor=reader)] == [case.id]
    code = client.post(f"/api/v1/incidents/{inc.id}/nearmiss/withdraw", json={"reason": "特定のおそれ"},
                       headers=auth_headers(reporter)).status_code
    assert code == 403
    r = client.post(f"/api/v1/incidents/{inc.id}/nearmiss/withdraw", json={"reason": "特定のおそれ"},
                    headers=auth_headers(manager))
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    h = auth_headers(reader)
    assert client.get(f"/api/v1/nearmiss/cases/{case.id}", headers=h).status_code == 404
    assert client.get("/api/v1/nearmiss/cases", params={"q": "見積書"}, headers=h).json()["total"] == 0
    assert client.get("/api/v1/nearmiss/cases", headers=h).json()["total"] == 0
    assert client.get("/api/v1/nearmiss/feed", headers=h).json() == []
    assert client.get("/api/v1/nearmiss/stats", headers=h).json()["total"] == 0
    with session_scope() as s:
        month = library.search(s, actor=officer).items  # nothing
        assert month == []
        from incidents.nearmiss.digest import previous_month
        assert send_digest(s, month=case.published_at.strftime("%Y-%m")) == 0
    # republished after an edit, it is back
    with session_scope() as s:
        again = service.publish(s, actor=officer, incident_id=inc.id)
        assert again.id == case.id and again.status == "published"
        assert library.search(s, actor=reader, filters=LibraryFilter(q="見積書")).total == 1
        service.withdraw(s, actor=officer, case_id=case.id, reason="officer")
        with pytest.raises(Forbidden):
            service.withdraw(s, actor=manager, case_id=case.id, reason="managers go by incident")
        assert library.search(s, actor=reader).total == 0
        assert previous_month is not None


def test_search_filters_stats_and_digest(world, make_incident, make_user):
    manager, reporter, reader, officer, inc = world
    other = make_incident(reporter, mistake_type="bcc_exposure", title="案内メールの一斉送信",
                          message={"subject": "説明会のご案内", "summary": "説明会の案内を参加者56名にToで送信した。",
                                   "attachments": []}, affected_persons=56)
    with session_scope() as s:
        analysis.save_analysis(s, actor=reporter, incident_id=other.id,
                               data=AnalysisIn(whys=["一斉送信をメールソフトで行った"], factors=["mass_mail_by_client", "haste"]))
        analysis.add_countermeasure(s, actor=reporter, incident_id=other.id, data=CountermeasureIn(
            title="一斉送信は配信サービスから行う", four_e="enforcement", owner=manager.email, due_on="2031-01-31"))
        a = service.publish(s, actor=manager, incident_id=inc.id)
        b = service.publish(s, actor=officer, incident_id=other.id, data=PublishIn(locale="en"))
    with session_scope() as s:
        def ids(**kw):
            return [c.id for c in library.search(s, actor=reader, filters=LibraryFilter(**kw)).items]
        assert ids(q="一斉送信") == [b.id]  # 4 characters: three two-character pieces
        assert ids(q="選択") == [a.id]  # 2 characters: one piece
        assert set(ids(q="宛先")) == {a.id, b.id}  # a synonym: 宛先 / recipient
        assert ids(q="宛先 オートコンプリート") == [a.id]  # two words: both
        assert ids(q="宛") == [a.id]  # 1 character: itself
        assert ids(q="先宛") == []
        assert ids(q="mass mail") == [b.id]  # English words, case-insensitive
        assert ids(q="Ｔｏ") == [b.id]  # full-width letters are normalised
        assert ids(mistake_type="bcc_exposure") == [b.id]
        assert ids(factor="autocomplete") == [a.id]
        assert ids(four_e="enforcement") == [b.id]
        assert ids(four_e="engineering", q="送信") == [a.id]
        assert set(ids()) == {a.id, b.id}
        assert ids(q="存在しない語句") == []
        st = library.stats(s, actor=reader)
        assert st.total == 2
        assert {(m.mistake_type, m.count) for m in st.per_month} == {("wrong_recipient", 1), ("bcc_exposure", 1)}
        assert st.top_factors[0].count == 1 and len(st.top_factors) == 4
        assert st.median_hours_to_report is not None
        month = a.published_at.astimezone(__import__("incidents.config", fromlist=["x"]).get_settings().tz).strftime("%Y-%m")
        send_digest(s, month=month)
        send_digest(s, month=month)  # once per month, however often it runs
        rows = s.execute(select(InAppNotification.user_id).where(InAppNotification.event == "nearmiss.digest")).all()
    assert len(rows) == 4  # every active user, once


def test_cli_draft_publish_search_withdraw(world, cli):
    manager, reporter, reader, officer, inc = world
    code, out, err = cli("nearmiss", "draft", inc.id, "--as", reporter.email, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert any(r["kind"] == "organization" for sec in data["draft"]["sections"] for r in sec["replacements"])
    code, out, err = cli("nearmiss", "publish", inc.id, "--as", reporter.email)
    assert code == 1 and "manager" in err
    code, out, err = cli("nearmiss", "publish", inc.id, "--as", manager.email, "--json")
    assert code == 0, err
    case_id = json.loads(out)["id"]
    code, out, err = cli("nearmiss", "search", "オートコンプリート", "--as", reader.email, "--json")
    assert code == 0 and json.loads(out)["items"][0]["id"] == case_id
    code, out, err = cli("nearmiss", "withdraw", inc.id, "--reason", "見直し", "--as", manager.email)
    assert code == 0, err
    code, out, err = cli("nearmiss", "show", case_id, "--as", reader.email)
    assert code == 1 and "not found" in err


def test_counts_stop_at_the_cap_and_pages_still_go_on(make_user):
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from incidents.nearmiss.library import COUNT_CAP
    from incidents.nearmiss.models import NearMissCase

    reader = make_user("employee", department="Support")
    now = datetime.now(timezone.utc)
    rows = [dict(source_ref=f"r{i}", locale="ja", title=f"事例{i}", sections=[{"key": "x", "title": "", "text": "共通の語句"}],
                 mistake_type="bcc_exposure" if i % 2 else "wrong_recipient", discovery_method="self_noticed",
                 period="2030-01", data_items=[], factors=[], factors_text=" ", four_m=[], four_e=[], four_e_text=" ",
                 status="published", published_at=now, updated_at=now) for i in range(COUNT_CAP + 30)]
    for r in rows:
        case = service.index_case(NearMissCase(**r))
        r.update(search_text=case.search_text, terms=case.terms, title_terms=case.title_terms)
    with session_scope() as s:
        s.execute(insert(NearMissCase), rows)
    with session_scope() as s:
        page = library.search(s, actor=reader, filters=LibraryFilter(q="共通の語句"))
        assert page.total == COUNT_CAP and page.total_is_lower_bound and len(page.items) == 20
        assert page.items[0].title == f"事例{COUNT_CAP + 29}"  # newest first
        last = library.search(s, actor=reader, filters=LibraryFilter(q="共通の語句"), page=12)
        assert len(last.items) == 10
        exact = library.search(s, actor=reader, filters=LibraryFilter(q="事例1"))  # numbers are whole words
        assert not exact.total_is_lower_bound and [c.title for c in exact.items] == ["事例1"]


def test_events_let_other_domains_react(world):
    from incidents import events

    seen = []
    events.subscribe("nearmiss.published", lambda **kw: seen.append(("published", kw["incident"].id, kw["case"].id)))
    events.subscribe("analysis.saved", lambda **kw: seen.append(("analysis", kw["incident"].id, kw["analysis"].blame_warning)))
    manager, reporter, reader, officer, inc = world
    with session_scope() as s:
        analysis.save_analysis(s, actor=manager, incident_id=inc.id, data=AnalysisIn(whys=["送信保留の設定がなかった"]))
        case = service.publish(s, actor=manager, incident_id=inc.id)
    assert ("analysis", inc.id, None) in seen and ("published", inc.id, case.id) in seen


def test_cli_human_output(world, cli):
    manager, reporter, reader, officer, inc = world
    code, out, err = cli("nearmiss", "draft", inc.id, "--as", reporter.email, env={"INCIDENTS_LANG": "en"})
    assert code == 0, err
    assert "replacement(s)" in out and "東邦" not in out and "何が起きたか" in out
    code, out, err = cli("rca", inc.id, "--show", "--as", reporter.email)
    assert code == 0, err
    assert "宛先を誤って選択した" in out and "宛先のオートコンプリート" in out and "engineering" not in out
    assert "送信保留" in out.replace("│", "").replace(" ", "").replace("\n", "")
    cli("nearmiss", "publish", inc.id, "--locale", "en", "--as", manager.email)
    code, out, err = cli("nearmiss", "stats", "--as", reader.email, env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "autocomplete" in out
    code, out, err = cli("nearmiss", "search", "--type", "wrong_recipient", "--as", reader.email,
                         env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "1 case(s)" in out
    code, out, err = cli("nearmiss", "digest", "--month", "1999-01", env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "queued 0" in out


def test_cli_guided_five_whys_warns_on_blame(world, cli):
    manager, reporter, reader, officer, inc = world
    answers = "\n".join(["宛先を誤って選択した", "確認不足", "送信前に宛先を確認する画面がなかった", "", "6,1", "繁忙期だった", ""])
    code, out, err = cli("rca", inc.id, "--guided", "--as", reporter.email, input=answers + "\n")
    assert code == 0, err
    assert "原因ではなく結果です" in out  # the warning after "確認不足", before the next why
    assert "分析を保存しました" in out
    code, out, err = cli("rca", inc.id, "--show", "--json", "--as", reporter.email)
    data = __import__("json").loads(out)
    assert data["whys"][-1] == "送信前に宛先を確認する画面がなかった" and data["blame_warning"] is None
    assert data["factors"] == ["autocomplete", "haste"] and data["factor_notes"] == "繁忙期だった"


def test_edits_may_use_ordinary_words_that_are_also_parts_of_names(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager, name="Will Young")
    inc = make_incident(reporter, recipients=[{"address": "grace.hill@client.example", "name": "Grace Hill",
                                               "organization": "Hill Partners", "field": "to", "kind": "unintended"}])
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id, data=PublishIn(locale="en", sections={
            "what_happened": "Sales staff will reply to a young client on the hill; the user was in a hurry."}))
    assert case.sections[1].text.startswith("Sales staff will reply")
    with session_scope() as s, pytest.raises(InvalidInput):
        service.publish(s, actor=manager, incident_id=inc.id,
                        data=PublishIn(sections={"what_happened": "Sent to Grace Hill by mistake."}))
