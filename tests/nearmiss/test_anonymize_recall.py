"""The labelled set: the anonymiser must remove or coarsen every marked piece (recall 100%), and the
story must stay readable: the share of words kept is printed (and must stay above a floor)."""

from __future__ import annotations

from incidents.nearmiss.anonymize import kept_share

from tests.nearmiss.labelled import load, missed, run


def test_labelled_set_has_at_least_30_texts_in_both_languages():
    cases = load()
    assert len(cases) >= 30
    assert sum(c.id.startswith("ja") for c in cases) >= 15
    assert sum(c.id.startswith("en") for c in cases) >= 15
    assert sum(len(c.gold) for c in cases) >= 190


def test_recall_is_100_percent_and_words_are_kept():
    problems: list[str] = []
    gold = kept = total = kinds_right = 0
    for case in load():
        result = run(case)
        problems += missed(case, result)
        gold += len(case.gold)
        k, t = kept_share(result)
        kept += k
        total += t
        for g in case.gold:
            hit = [r for r in result.replacements if r.source_start <= g.start < r.source_end]
            kinds_right += bool(hit and hit[0].kind == g.kind)
    recall = 1 - len(problems) / gold
    print(f"\nlabelled set: {gold} marked pieces, recall {recall:.1%}, kind right {kinds_right / gold:.1%}, "
          f"words kept {kept}/{total} = {kept / total:.1%}")
    assert not problems, "\n".join(problems)
    assert kept / total > 0.55


def test_replacement_spans_point_at_the_replacement_text():
    for case in load():
        result = run(case)
        for r in result.replacements:
            assert result.text[r.start:r.end] == r.text
            assert case.text[r.source_start:r.source_end] == r.original
