from __future__ import annotations

import pytest

from incidents.analysis.blame import check_answer, check_chain
from incidents.analysis.vocab import FACTORS, TRANSITIONS, CountermeasureStatus, FourE, FourM, factor_label


@pytest.mark.parametrize("answer", [
    "不注意", "担当者の確認不足", "確認不足だった。", "うっかりしていた", "ヒューマンエラー", "本人のミス",
    "急いでいて確認不足", "careless", "Human error.", "He did not check the address", "Carelessness of the sender",
])
def test_blame_alone_is_flagged(answer):
    warning = check_answer(answer)
    assert warning is not None
    assert "不注意" in warning.message_ja or "確認不足" in warning.message_ja
    assert "result, not a cause" in warning.message_en


@pytest.mark.parametrize("answer", [
    "送信前の確認手順がなかった", "オートコンプリートで同姓の候補が先頭に表示された", "不注意ではなく、候補表示の仕組みの問題",
    "確認不足：一斉送信のチェックリストがなかった", "There was no second check for mass mail",
    "not carelessness but the autocomplete suggested the wrong person", "", "   ",
])
def test_system_causes_are_not_flagged(answer):
    assert check_answer(answer) is None


def test_only_the_last_answer_of_the_chain_counts():
    assert check_chain(["確認不足", "送信保留の設定がなかった"]) is None
    assert check_chain(["宛先を誤選択", "確認不足", ""]).term == "確認不足"
    assert check_chain([]) is None


def test_vocabularies():
    assert {m.value for m in FourM} == {"man", "machine", "media", "management"}
    assert {e.value for e in FourE} == {"education", "engineering", "enforcement", "example"}
    assert len({f.code for f in FACTORS}) == len(FACTORS) >= 12
    assert factor_label("autocomplete", "en") == "Address autocomplete"
    assert CountermeasureStatus.effective in TRANSITIONS[CountermeasureStatus.done]
    assert not TRANSITIONS[CountermeasureStatus.effective]
