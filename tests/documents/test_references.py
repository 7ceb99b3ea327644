"""整理番号: assignment, stability, typed-back forms, matching returned forms in the CSV import."""

from __future__ import annotations

import pytest

from incidents.cases import service as cases
from incidents.cases.schemas import RecipientIn
from incidents.db import session_scope
from incidents.documents import references
from incidents.errors import InvalidInput, NotFound
from incidents.response import actions
from incidents.response import service as response


def test_check_digit_catches_single_errors_and_swaps():
    ref = references.format_reference(42, 17)
    assert references.is_valid(ref)
    incident, seq, check = ref.split("-")
    digits = incident + seq
    for i in range(len(digits)):
        for d in "0123456789":
            if d != digits[i]:
                typo = digits[:i] + d + digits[i + 1:]
                assert not references.is_valid(f"{typo[:len(incident)]}-{typo[len(incident):]}-{check}")
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
            assert not references.is_valid(f"{swapped[:len(incident)]}-{swapped[len(incident):]}-{check}")


def test_typed_back_forms_are_normalised():
    ref = references.format_reference(42, 17)
    wide = ref.translate(str.maketrans("0123456789-", "０１２３４５６７８９ー"))
    assert references.normalise(wide) == ref
    assert references.normalise(f"No. {ref}") == ref and references.normalise(f"整理番号：{ref.replace('-', '－')}") == ref
    with pytest.raises(InvalidInput):
        references.parse("42-17")
    with pytest.raises(InvalidInput):
        references.parse("<script>")


def test_assigned_once_in_order_and_stable(make_user, make_incident):
    manager = make_user("manager")
    incident = make_incident(manager)
    with session_scope() as s:
        first = references.ensure(s, incident_id=incident.id)
    assert len(first) == 2 and len(set(first.values())) == 2
    with session_scope() as s:
        cases.add_recipients(s, actor=manager, incident_id=incident.id,
                             recipients=[RecipientIn(address="late@c-corp.example", name="高橋 様")])
        again = references.ensure(s, incident_id=incident.id)
    assert {k: again[k] for k in first} == first  # nothing renumbered
    new = set(again.values()) - set(first.values())
    assert len(new) == 1 and references.parse(new.pop())[1] == 3
    with session_scope() as s:
        r = references.resolve(s, reference=first[min(first)].replace("-", "ー"), incident_id=incident.id)
        assert r.id == min(first)
        with pytest.raises(NotFound):
            references.resolve(s, reference=first[min(first)], incident_id=incident.id + 1)
        with pytest.raises(NotFound):
            references.resolve(s, reference=references.format_reference(incident.id, 99))


def test_csv_import_matches_returned_forms_by_reference(make_user, make_incident):
    manager = make_user("manager")
    many = [{"address": f"p{i}@x.example", "kind": "unintended", "field": "to"} for i in range(5)]
    incident = make_incident(manager, recipients=many, affected_persons=5)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=incident.id, note="書面で削除を依頼")
        refs = references.by_address(s, incident_id=incident.id)
    wide = refs["p1@x.example"].translate(str.maketrans("0123456789-", "０１２３４５６７８９ー"))
    bad = refs["p2@x.example"][:-1] + str((int(refs["p2@x.example"][-1]) + 1) % 10)
    csv_text = ("整理番号,opened\n" + f"{refs['p0@x.example']},no\n{wide},yes\n{bad},no\n"
                + f"{references.format_reference(incident.id, 77)},no\n")
    with session_scope() as s:
        result = actions.import_confirmations(s, actor=manager, incident_id=incident.id, csv_text=csv_text)
    assert (result.updated, result.skipped) == (2, 2)
    assert "4行目" in result.errors[0] and "整理番号として正しくありません" in result.errors[0]  # the reader's language (ja)
    assert "5行目" in result.errors[1]
    with session_scope() as s:
        opened = {st.recipient_address: st.opened for st in response.list_steps(s, actor=manager, incident_id=incident.id)
                  if st.kind == "deletion"}
    assert opened["p0@x.example"] == "no" and opened["p1@x.example"] == "yes" and opened["p2@x.example"] is None
