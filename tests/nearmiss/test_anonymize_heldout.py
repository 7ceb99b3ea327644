"""The held-out set (heldout_set.json): addresses with buildings and rooms, facilities, in Japanese and
English, written before the address rules were tuned and never used to tune them. Every marked piece is
removed: an address goes as a whole unit, no building or facility name stays."""

from __future__ import annotations

from tests.nearmiss.labelled import HELD_OUT_PATH, load, missed, run


def test_held_out_set_is_separate_and_sizeable():
    held_out = load(HELD_OUT_PATH)
    tuning = {c.text for c in load()}
    assert len(held_out) >= 20 and not tuning & {c.text for c in held_out}
    assert sum(g.kind.value == "address" for c in held_out for g in c.gold) >= 20


def test_held_out_recall_is_100_percent():
    problems: list[str] = []
    for case in load(HELD_OUT_PATH):
        problems += missed(case, run(case))
    assert not problems, "\n".join(problems)
