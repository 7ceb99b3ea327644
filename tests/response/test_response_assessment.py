"""The legal assessment against the APPI and GDPR rules, at their boundaries (pure facts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidents.response.assessment import assess
from incidents.response.deadlines import ResponseDurations
from incidents.response.facts import IncidentFacts, RecipientFacts
from incidents.response.rules import FINANCIAL_DATA_ITEMS, SENSITIVE_DATA_ITEMS

T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def facts(**kw) -> IncidentFacts:
    base = dict(discovered_at=T0, data_items=("name", "address"), affected_persons=10,
                recipients=(RecipientFacts("wrong@other.example"),))
    base.update(kw)
    return IncidentFacts(**base)


def appi(**kw):
    return assess(facts(**kw)).appi


def test_contract_shape_exactly_as_issue_3():
    out = assess(facts(data_items=("medical",))).model_dump(mode="json")
    assert set(out) == {"appi", "gdpr", "exposure_estimate_jpy"}
    assert {"leak", "reportable", "grounds", "exemption", "preliminary_report_due", "final_report_due",
            "notify_individuals", "preliminary_report_limit"} <= set(out["appi"])
    assert {"applicable", "authority_notification_due", "notify_individuals"} <= set(out["gdpr"])
    assert {"low", "high", "basis"} <= set(out["exposure_estimate_jpy"])
    assert out["appi"]["preliminary_report_due"] == "2026-04-04T09:30:00Z"
    assert out["appi"]["preliminary_report_limit"] == "2026-04-06T09:30:00Z"
    assert out["appi"]["final_report_due"] == "2026-05-01T09:30:00Z"


def test_plain_contact_data_of_few_people_is_a_leak_but_not_reportable():
    a = appi()
    assert (a.leak, a.reportable, a.grounds, a.exemption) == (True, False, [], None)
    assert a.preliminary_report_due is a.final_report_due is a.preliminary_report_limit is None
    assert a.notify_individuals is False


def test_no_personal_data_is_no_leak():
    a = appi(data_items=("business_confidential",), affected_persons=0)
    assert (a.leak, a.reportable) == (False, False)


@pytest.mark.parametrize("item", sorted(SENSITIVE_DATA_ITEMS))
def test_each_sensitive_item_is_reportable_from_one_person(item):
    a = appi(data_items=("name", item), affected_persons=1)
    assert a.reportable and a.grounds == ["sensitive_data"]
    assert a.ground_details[0].rule.startswith("APPI enforcement rules art. 7(1)")


@pytest.mark.parametrize("item", sorted(FINANCIAL_DATA_ITEMS))
def test_financial_items_are_reportable(item):
    a = appi(data_items=(item,), affected_persons=1)
    assert a.reportable and a.grounds == ["financial_damage"]


def test_bank_account_alone_is_not_financial_damage():
    assert appi(data_items=("name", "bank_account")).grounds == []


@pytest.mark.parametrize("persons,expected", [(999, False), (1000, False), (1001, True), (4500, True)])
def test_over_1000_persons_boundary(persons, expected):
    a = appi(affected_persons=persons)
    assert ("over_1000_persons" in a.grounds) is expected
    assert a.reportable is expected


def test_improper_purpose_gives_60_days():
    a = appi(improper_purpose=True)
    assert a.grounds == ["improper_purpose"]
    assert a.final_report_due == T0 + timedelta(days=60)
    assert appi(data_items=("medical",)).final_report_due == T0 + timedelta(days=30)


def test_grounds_in_stable_order():
    a = appi(data_items=("credit_card", "medical"), improper_purpose=True, affected_persons=2000)
    assert a.grounds == ["sensitive_data", "financial_damage", "improper_purpose", "over_1000_persons"]


@pytest.mark.parametrize("protection,key_exposed,exempt", [
    ("strong_encryption", False, True),
    ("strong_encryption", True, False),
    ("password_zip", False, False),
    ("password_zip", True, False),
    ("none", False, False),
])
def test_encryption_exemption(protection, key_exposed, exempt):
    a = appi(data_items=("medical",), protection=protection, key_exposed=key_exposed)
    assert (a.exemption == "strong_encryption") is exempt
    assert a.reportable is (not exempt)
    assert a.leak is True


def _wrong(n: int, *opened: str | None) -> tuple[RecipientFacts, ...]:
    out = []
    for i in range(n):
        o = opened[i] if i < len(opened) else "no"
        out.append(RecipientFacts(f"w{i}@other.example", deletion_confirmed=o is not None, opened=o))
    return tuple(out)


def test_deleted_unread_by_all_is_no_leak():
    recipients = _wrong(3) + (RecipientFacts("right@ours.example", kind="intended"),)
    a = appi(data_items=("medical",), recipients=recipients)
    assert (a.exemption, a.leak, a.reportable) == ("deleted_unread", False, False)


@pytest.mark.parametrize("last", ["yes", "unknown", None])
def test_deleted_unread_by_all_but_one_is_still_reportable(last):
    a = appi(data_items=("medical",), recipients=_wrong(3, "no", "no", last))
    assert a.exemption is None and a.reportable and a.leak


def test_deleted_unread_needs_at_least_one_wrong_recipient():
    a = appi(data_items=("medical",), recipients=(RecipientFacts("r@ours.example", kind="intended"),))
    assert a.exemption is None


def test_gdpr_applies_with_eu_jurisdiction():
    g = assess(facts(jurisdictions=("jp", "eu"), data_items=("medical",))).gdpr
    assert g.applicable and g.authority_notification_due == T0 + timedelta(hours=72)
    assert g.notify_individuals
    g = assess(facts(jurisdictions=("jp",))).gdpr
    assert (g.applicable, g.authority_notification_due, g.notify_individuals) == (False, None, False)


def test_gdpr_encrypted_data_needs_no_individual_notice():
    g = assess(facts(jurisdictions=("eu",), data_items=("medical",), protection="strong_encryption")).gdpr
    assert g.authority_notification_due is not None and g.notify_individuals is False


def test_durations_are_configurable():
    d = ResponseDurations()
    d.durations["preliminary_report_target"] = timedelta(days=2)
    assert assess(facts(data_items=("medical",)), d).appi.preliminary_report_due == T0 + timedelta(days=2)


def test_exposure_estimate_uses_reference_figures():
    e = assess(facts(data_items=("medical",), affected_persons=10)).exposure_estimate_jpy
    assert (e.low, e.high) == (300_000, 350_000) and "court awards" in e.basis and "esthetic" in e.basis
    e = assess(facts(data_items=("email_address",), affected_persons=43)).exposure_estimate_jpy
    assert e.low == 0 and e.high == 43 * 500 and "2009" in e.basis
    e = assess(facts(data_items=("name", "address"), affected_persons=2)).exposure_estimate_jpy
    assert (e.low, e.high) == (1_000, 30_000)
    e = assess(facts(data_items=("credit_card",), affected_persons=1)).exposure_estimate_jpy
    assert e.high == 29_768 and "JNSA" in e.basis
    e = assess(facts(data_items=("medical",), protection="strong_encryption")).exposure_estimate_jpy
    assert (e.low, e.high) == (0, 0)


def test_naive_discovery_time_is_taken_as_utc():
    f = IncidentFacts(discovered_at=datetime(2026, 4, 1, 9, 30), data_items=("medical",), affected_persons=1)
    assert assess(f).appi.preliminary_report_due == T0 + timedelta(days=3)
