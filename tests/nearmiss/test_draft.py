"""The near-miss draft from a plain incident dict (the record's JSON contract) and its analysis."""

from __future__ import annotations

import json

from incidents.nearmiss.draft import SECTION_KEYS, generate

INCIDENT = {
    "id": 7, "title": "見積書の誤送信（東邦商事 佐藤様）", "mistake_type": "wrong_recipient",
    "discovery_method": "recipient_reported", "sent_at": "2024-05-13T14:05:00+09:00",
    "discovered_at": "2024-05-13T14:12:00+09:00", "reported_at": "2024-05-13T14:40:00+09:00",
    "message": {"subject": "【東邦商事様】お見積りの件", "sender": "k.yamamoto@ourco.example.jp",
                "summary": "株式会社東邦商事の佐藤花子様宛ての見積書を、北斗物産の佐藤様（h.sato@hokuto-bussan.co.jp）に"
                           "送信した。先方から電話（03-5555-1234）で指摘を受けた。",
                "attachments": [{"filename": "見積書_東邦商事_202405.xlsx", "size_bytes": 1000}]},
    "recipients": [
        {"address": "h.sato@hokuto-bussan.co.jp", "name": "佐藤 次郎", "organization": "北斗物産株式会社",
         "field": "to", "kind": "unintended"},
        {"address": "hanako.sato@toho-shoji.co.jp", "name": "佐藤 花子", "organization": "株式会社東邦商事",
         "field": "to", "kind": "intended"}],
    "data_items": ["name", "postal_address", "health_checkup"], "affected_persons": 2500,
    "protection": "password_zip", "key_exposed": True, "jurisdictions": ["jp"], "status": "open",
    "reporter": "k.yamamoto@ourco.example.jp", "department": "営業一部",
}
ANALYSIS = {
    "whys": ["宛先を間違えた", "オートコンプリートで北斗物産の佐藤様が先頭に表示された", "同姓の宛先を区別する表示がない"],
    "factors": ["autocomplete", "similar_names"],
    "causes": [{"text": "東邦商事向けの送付に承認の仕組みがなかった", "four_m": "management"}],
    "countermeasures": [{"title": "送信保留を5分に設定", "four_e": "engineering", "status": "done"},
                        {"title": "東邦商事向けの送付は上長承認", "four_e": "enforcement", "status": "planned"},
                        {"title": "取りやめた案", "four_e": "education", "status": "dropped"}],
}
SECRETS = ["東邦", "北斗", "佐藤", "花子", "hokuto", "5555", "yamamoto", "13日", "14:05", "2500", "2,500", "営業一部"]


def test_japanese_draft_has_every_section_and_names_no_one():
    draft = generate(INCIDENT, ANALYSIS, locale="ja")
    assert [s.key for s in draft.sections] == list(SECTION_KEYS)
    everything = draft.title.text + draft.body
    for secret in SECRETS:
        assert secret not in everything, secret
    assert draft.title.text == "【ヒヤリハット】宛先の誤り（2024年5月）"
    assert "1,001〜5,000名" in draft.section("could_have_led_to").text
    assert "要配慮個人情報" in draft.section("could_have_led_to").text
    assert "パスワード付きZIP" in draft.section("could_have_led_to").text
    assert "送信から10分以内に受信者からの指摘で分かりました" in draft.section("what_happened").text
    assert "宛先のオートコンプリート" in draft.section("causes").text
    assert "取りやめた案" not in draft.section("what_changed").text
    assert draft.period == "2024-05" and draft.persons_range == (1001, 5000)
    assert draft.four_m == ["machine", "management", "media"]
    assert draft.four_e == ["enforcement", "engineering"]
    assert draft.hours_to_report == 0.47


def test_every_replacement_is_recorded_with_its_span_and_the_same_label_across_sections():
    draft = generate(INCIDENT, ANALYSIS, locale="ja")
    for section in [draft.title, *draft.sections]:
        for r in section.replacements:
            assert section.text[r.start:r.end] == r.text
    happened = draft.section("what_happened")
    kinds = {r.kind.value for r in happened.replacements}
    assert {"date", "count", "organization", "person", "email", "phone"} <= kinds
    org_label = next(r.text for r in happened.replacements if r.original == "株式会社東邦商事")
    assert org_label in draft.section("what_changed").text  # 東邦商事 again, the same label


def test_public_form_hides_originals_unless_asked():
    draft = generate(INCIDENT, ANALYSIS, locale="en")
    public = json.dumps(draft.public(), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in public, secret
    review = json.dumps(draft.public(with_original=True), ensure_ascii=False)
    assert "東邦" in review
    assert draft.title.text == "Near miss: wrong recipient (May 2024)"
    assert "Address autocomplete (Machine)" in draft.section("causes").text


def test_draft_without_analysis_or_data():
    bare = dict(INCIDENT, data_items=[], affected_persons=0, message={"summary": ""}, recipients=[])
    draft = generate(bare, None, locale="ja")
    assert "原因分析はまだ記録されていません" in draft.section("causes").text
    assert "対策はまだ記録されていません" in draft.section("what_changed").text
    assert "個人情報は含まれていませんでした" in draft.section("could_have_led_to").text
