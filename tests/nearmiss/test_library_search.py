"""Library search as people type: katakana ⇄ Latin loanwords, width, variant kanji, synonyms, ranking, exact
counts; on a real migrated database (SQLite by default, PostgreSQL with INCIDENTS_TEST_DATABASE_URL)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from incidents.db import session_scope
from incidents.nearmiss import library, search_index, service
from incidents.nearmiss.library import COUNT_CAP
from incidents.nearmiss.models import NearMissCase
from incidents.nearmiss.schemas import LibraryFilter

T0 = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _row(n: int, title: str, text: str, status: str = "published") -> dict:
    case = service.index_case(NearMissCase(source_ref=f"search-{n}", title=title,
                                           sections=[{"key": "what_happened", "title": "", "text": text}]))
    return dict(source_ref=case.source_ref, locale="ja", title=title, sections=case.sections,
                search_text=case.search_text, terms=case.terms, title_terms=case.title_terms,
                mistake_type="wrong_recipient", discovery_method="self_noticed", period="2030-01", data_items=[],
                factors=[], factors_text=" ", four_m=[], four_e=[], four_e_text=" ", status=status,
                published_at=T0 + timedelta(minutes=n), updated_at=T0)


def _cases(*texts: tuple[str, str]) -> list[int]:
    """Publish cases (title, text) in this order (oldest first); their numbers."""
    with session_scope() as s:
        s.execute(insert(NearMissCase), [_row(i, title, text) for i, (title, text) in enumerate(texts)])
    with session_scope() as s:
        return [c.id for c in s.query(NearMissCase).order_by(NearMissCase.id)]


@pytest.fixture
def reader(make_user):
    return make_user("employee", department="Support")


def _ids(reader, q: str, **kw) -> list[int]:
    with session_scope() as s:
        return [c.id for c in library.search(s, actor=reader, filters=LibraryFilter(q=q), **kw).items]


def test_katakana_and_latin_loanwords_find_each_other(reader):
    excel, word, pw, other = _cases(
        ("顧客一覧の誤送付", "Excelの顧客一覧を別の取引先に送った。"),
        ("議事録の誤送付", "ワードで作った議事録を送った。"),
        ("認証情報の送付", "パスワードを本文に書いて送った。"),
        ("送信保留の設定", "送信保留を5分に設定した。"))
    for q in ("エクセル", "Excel", "ＥＸＣＥＬ", "ｴｸｾﾙ", "excel"):
        assert _ids(reader, q) == [excel], q
    assert _ids(reader, "Word") == [word]
    assert _ids(reader, "password") == [pw]
    assert other not in _ids(reader, "エクセル ワード パスワード")
    assert _ids(reader, "エクセルの顧客一覧") == [excel]  # a loanword inside a longer query word


def test_synonyms_find_the_same_mistake_however_it_is_written(reader):
    ids = _cases(("誤送信の事例", "見積書を別の顧客に誤送信した。"),
                 ("宛先の選択誤り", "宛先間違いで請求書が届いた。"),
                 ("案内の誤送付", "案内を誤送付した。"),
                 ("配信の誤り", "メルマガを誤配信した。"),
                 ("送信保留", "送信保留を設定した。"),
                 ("一斉送信", "Bccにすべきところを宛先に入れた。"),
                 ("一斉送信2", "ビーシーシーを使わずに送った。"))
    sent, wrong_to, sent_wrong, deliver, hold, bcc, bcc_kana = ids
    assert set(_ids(reader, "誤送信")) == {sent, wrong_to, sent_wrong, deliver}
    assert set(_ids(reader, "宛先間違い")) == {sent, wrong_to, sent_wrong, deliver}
    assert set(_ids(reader, "BCC")) == {bcc, bcc_kana}
    assert set(_ids(reader, "ビーシーシー")) == {bcc, bcc_kana}
    assert hold not in _ids(reader, "誤送信")


def test_width_variant_kanji_small_ke_and_long_vowel_fold(reader):
    taka, kasumi, server = _cases(("来訪者名簿", "髙橋様の名簿を送った。"),
                                  ("庁舎への案内", "霞ヶ関の庁舎宛ての案内。"),
                                  ("設定変更", "メールサーバーの設定を変えた。"))
    assert _ids(reader, "高橋") == [taka] and _ids(reader, "髙橋") == [taka]
    assert _ids(reader, "霞ケ関") == [kasumi] and _ids(reader, "霞ヶ関") == [kasumi]
    assert _ids(reader, "サーバ") == [server] and _ids(reader, "ｻｰﾊﾞｰ") == [server]
    assert search_index.fold("ＢＣＣ ﾒｰﾙ") == "bcc メール"


def test_ranked_title_matches_first_then_newest(reader):
    old_title, body_only, new_title, newer_body = _cases(
        ("添付ファイルの取り違え", "別の顧客の請求書を送った。"),
        ("請求書の誤送付", "添付ファイルを取り違えた。"),
        ("添付ファイルを確認せず送信", "急いでいた。"),
        ("見積書の誤送付", "添付を間違えた。"))
    assert _ids(reader, "添付ファイル") == [new_title, old_title, newer_body, body_only]
    # pages cut across the two ranks without losing or repeating a case
    pages = [_ids(reader, "添付ファイル", per_page=3, page=p) for p in (1, 2)]
    assert pages == [[new_title, old_title, newer_body], [body_only]]
    pages = [_ids(reader, "添付ファイル", per_page=1, page=p) for p in (1, 2, 3, 4, 5)]
    assert pages == [[new_title], [old_title], [newer_body], [body_only], []]


def test_counts_beyond_the_cap_when_asked(reader, client, auth_headers, cli):
    n = COUNT_CAP + 37
    with session_scope() as s:
        s.execute(insert(NearMissCase), [_row(i, f"事例{i}", "共通の語句を含む事例") for i in range(n)]
                  + [_row(n, "取り下げ", "共通の語句", status="withdrawn")])
    with session_scope() as s:
        capped = library.search(s, actor=reader, filters=LibraryFilter(q="共通の語句"))
        exact = library.search(s, actor=reader, filters=LibraryFilter(q="共通の語句"), exact_count=True)
        everything = library.search(s, actor=reader, exact_count=True)
    assert (capped.total, capped.total_is_lower_bound) == (COUNT_CAP, True)
    assert (exact.total, exact.total_is_lower_bound, exact.pages) == (n, False, -(-n // 20))
    assert everything.total == n
    r = client.get("/api/v1/nearmiss/cases", params={"q": "共通の語句", "count": "exact"}, headers=auth_headers(reader))
    assert r.status_code == 200 and r.json()["total"] == n and r.json()["total_is_lower_bound"] is False
    r = client.get("/api/v1/nearmiss/cases", params={"q": "共通の語句", "count": "all"}, headers=auth_headers(reader))
    assert r.status_code == 422 and "error" in r.json()
    code, out, err = cli("nearmiss", "search", "共通の語句", "--count", "--as", reader.email, "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == n
    code, out, err = cli("nearmiss", "search", "共通の語句", "--as", reader.email)
    assert code == 0 and f"{COUNT_CAP}+" in out


def test_publication_indexes_and_withdrawal_unindexes(reader, make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    inc = make_incident(reporter, message={"subject": "見積書", "summary": "Excelの見積書を宛先間違いで送った。",
                                           "attachments": []})
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id)
    assert _ids(reader, "エクセル") == [case.id]
    assert _ids(reader, "誤送信") == [case.id]
    with session_scope() as s:
        service.withdraw(s, actor=manager, incident_id=inc.id, reason="見直し")
    assert _ids(reader, "エクセル") == []
