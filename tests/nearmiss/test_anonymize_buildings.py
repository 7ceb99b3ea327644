"""Buildings and facilities: a named one never stays in a near-miss text, whether in an address, in brackets
after it, or alone in a sentence; a kind of building (オフィスビル, 駅ビル, an office building) is an ordinary
word and stays."""

from __future__ import annotations

import pytest

from incidents.nearmiss.anonymize.engine import anonymize

NAMED = [
    ("虎ノ門ヒルズ森タワーの会議室で資料を渡した。", ["虎ノ門", "ヒルズ", "森タワー"]),
    ("打合せは六本木ヒルズ森タワー21階で行った。", ["六本木", "ヒルズ", "森タワー", "21階"]),
    ("東京ミッドタウン日比谷の受付に届いた。", ["ミッドタウン", "日比谷"]),
    ("会場はパシフィコ横浜の展示ホールだった。", ["パシフィコ", "横浜"]),
    ("グランフロント大阪北館のテナント宛てに送った。", ["グラン", "フロント", "大阪"]),
    ("渋谷スクランブルスクエアの店舗に誤って送った。", ["渋谷", "スクランブル"]),
    ("丸の内ビルディングに入居する取引先へ送った。", ["丸の内"]),
    ("品川インターシティA棟の受付へ。", ["品川", "インターシティ"]),
    ("ホテルニューオータニの宴会場の件。", ["ニュー", "オータニ"]),
    ("横浜アリーナでのイベント参加者に一斉送信した。", ["横浜アリーナ"]),
    ("幕張メッセの展示会の来場者リスト。", ["幕張", "メッセ"]),
    ("東京ビッグサイトの出展者一覧を送った。", ["ビッグサイト"]),
    ("送付先は東京都港区六本木6-10-1 六本木ヒルズ森タワー 38F です。", ["ヒルズ", "森タワー", "38F"]),
    ("東京都千代田区丸の内2-4-1（丸ビル）宛てに送った。", ["丸ビル", "丸の内"]),
    ("住所：神奈川県横浜市西区みなとみらい2-2-1　横浜ランドマークタワー　10階", ["ランドマーク", "10階"]),
    ("品川区大崎1-11-2 ゲートシティ大崎 イーストタワー 5F", ["ゲートシティ", "イーストタワー", "5F"]),
    ("名古屋市中村区名駅1-1-4 JRセントラルタワーズ 15階", ["セントラル", "15階"]),
    ("The package went to Salesforce Tower reception.", ["Salesforce", "Tower"]),
    ("We met at the Empire State Building on Tuesday.", ["Empire", "State"]),
    ("Files for Harborview Tower tenants were sent to the wrong list.", ["Harborview"]),
    ("A patient at Riverside Medical Centre got the wrong letter.", ["Riverside"]),
    ("Deliver to Level 40, Chifley Tower, 2 Chifley Square, Sydney NSW 2000.", ["Chifley", "Level 40"]),
]

KINDS = [
    "オフィスビルの受付で封筒を渡した。",
    "新しいオフィスビルに移転した。",
    "駅ビルの店舗で発生した。",
    "雑居ビルの2階の事務所。",
    "商業ビルのテナント向け案内。",
    "テナントビルに入る取引先。",
    "本社ビルの会議室で説明した。",
    "高層マンションの住民向け。",
    "マンションの管理組合に送った。",
    "The office building was closed.",
    "He works in an apartment block.",
]


@pytest.mark.parametrize("text,pieces", NAMED, ids=[t for t, _ in NAMED])
def test_a_named_building_or_facility_never_stays(text, pieces):
    out = anonymize(text).text
    assert [p for p in pieces if p in out] == [], out


@pytest.mark.parametrize("text", KINDS)
def test_a_kind_of_building_is_an_ordinary_word(text):
    assert anonymize(text).text == text
