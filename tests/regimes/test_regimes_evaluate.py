"""Each regime at its boundaries (pure facts → obligations)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidents.regimes.catalogue import CATALOGUE, Catalogue, Entrustment, Kind, Regime, RuleVersion, To, parse_regimes
from incidents.regimes.evaluate import RegimeContext, evaluate
from incidents.response.facts import IncidentFacts, RecipientFacts

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 5, 10, 1, 0, tzinfo=UTC)  # 10:00 JST
DAY = timedelta(days=1)


def facts(**kw) -> IncidentFacts:
    base = dict(discovered_at=T0, data_items=("name", "email_address"), affected_persons=1,
                recipients=(RecipientFacts("wrong@other.example"),))
    base.update(kw)
    return IncidentFacts(**base)


def obligations(regimes=("appi",), f=None, **ctx):
    context = RegimeContext(regimes=frozenset(Regime(r) for r in regimes), **ctx)
    return {o.key: o for o in evaluate(f or facts(), context)}


def test_regimes_setting_is_parsed_and_unknown_codes_named():
    assert parse_regimes(" appi, GDPR,pmark ,,appi") == [Regime.appi, Regime.gdpr, Regime.pmark]
    with pytest.raises(ValueError, match="unknown regime 'ppc'.*appi, gdpr, pmark"):
        parse_regimes("appi,ppc")


def test_pmark_final_for_a_one_person_misdelivery_that_appi_does_not_make_reportable():
    out = obligations(("appi", "pmark"))
    assert list(out) == ["pmark:final"]
    final = out["pmark:final"]
    assert final.to is To.jipdec and final.kind is Kind.final
    assert final.due_at == T0 + 30 * DAY
    assert final.rule.version == "pmark/2024-10-31" and "Pマークポータル" in " ".join(final.rule.sources)


def test_pmark_counts_encrypted_and_improper_purpose_gets_60_days_and_a_preliminary():
    encrypted = obligations(("appi", "pmark"), facts(data_items=("medical",), protection="strong_encryption"))
    assert list(encrypted) == ["pmark:preliminary", "pmark:final"]  # APPI exempt, P-mark not
    improper = obligations(("pmark",), facts(improper_purpose=True))
    assert improper["pmark:final"].due_at == T0 + 60 * DAY
    assert improper["pmark:preliminary"].limit_at == T0 + 5 * DAY
    serious = obligations(("pmark",), serious_violation=True)
    assert serious["pmark:preliminary"].basis == ("serious_violation",)


@pytest.mark.parametrize("persons,preliminary", [(1000, False), (1001, True)])
def test_pmark_preliminary_above_1000_persons(persons, preliminary):
    assert ("pmark:preliminary" in obligations(("pmark",), facts(affected_persons=persons))) is preliminary


def test_fsa_reports_any_customer_data_leak():
    out = obligations(("appi", "fsa"))
    assert list(out) == ["fsa:preliminary", "fsa:final"]
    assert out["fsa:preliminary"].to is To.fsa
    assert out["fsa:preliminary"].due_at == T0 + 3 * DAY and out["fsa:preliminary"].limit_at == T0 + 5 * DAY
    assert obligations(("appi", "fsa"), customer_data=False) == {}
    # deleted unread (PPC Q&A 6-1) is no leak at all
    unread = facts(recipients=(RecipientFacts("w@x.example", deletion_confirmed=True, opened="no"),))
    assert obligations(("fsa",), unread) == {}


def test_fsa_delegation_routes_the_appi_report_and_does_not_double_it():
    out = obligations(("appi", "fsa"), facts(data_items=("name", "medical")))
    assert list(out) == ["appi:preliminary", "appi:final", "appi:notice"]
    assert out["appi:preliminary"].to is To.fsa and out["appi:notice"].to is To.individuals


def test_fsa_quarterly_batch_for_minor_misdeliveries():
    out = obligations(("appi", "fsa"), fsa_batch=True)
    assert list(out) == ["fsa:batch"]
    batch = out["fsa:batch"]
    assert batch.to is To.association
    # discovered 2026-05-10: quarter ends 2026-06-30 23:59:59 JST, report within 30 days after
    assert batch.due_at == datetime(2026, 7, 30, 23, 59, 59, tzinfo=JST)
    # a reportable one is not batched
    assert "fsa:batch" not in obligations(("fsa",), facts(data_items=("credit_card",)), fsa_batch=True)


@pytest.mark.parametrize("persons,reportable", [(100, False), (101, True)])
def test_public_body_reports_above_100_persons(persons, reportable):
    f = facts(affected_persons=persons, public_body=True)
    out = obligations(("appi",), f, public_body=True)
    assert ("appi:preliminary" in out) is reportable
    if reportable:
        assert out["appi:preliminary"].basis == ("over_100_persons",)
        assert out["appi:preliminary"].rule.version == "appi-public/2023-04-01"
        assert "第43条" in " ".join(out["appi:preliminary"].rule.sources)
    # a business with the same number of people does not report
    assert obligations(("appi",), facts(affected_persons=persons)) == {}


def test_private_1000_vs_1001():
    assert obligations(("appi",), facts(affected_persons=1000)) == {}
    out = obligations(("appi",), facts(affected_persons=1001))
    assert out["appi:preliminary"].basis == ("over_1000_persons",) and out["appi:preliminary"].to is To.ppc


def test_local_government_publication_individual_or_half_yearly():
    f = facts(affected_persons=101, public_body=True)
    serious = obligations(("appi", "local_gov"), f, public_body=True)["local_gov:publication"]
    assert serious.due_at == T0 + 3 * DAY and serious.to is To.public
    minor = obligations(("appi", "local_gov"), facts(affected_persons=100, public_body=True), public_body=True)
    assert list(minor) == ["local_gov:publication"]
    # April–September half ends 2026-09-30; the list within 30 days after
    assert minor["local_gov:publication"].due_at == datetime(2026, 10, 30, 23, 59, 59, tzinfo=JST)
    assert minor["local_gov:publication"].basis == ("half_yearly_list",)


def test_entrustment_contractor_tells_the_principal_and_is_then_released():
    f = facts(data_items=("medical",))
    before = obligations(("appi",), f, entrustment=Entrustment.contractor, counterpart="A社")
    assert list(before) == ["appi:principal", "appi:preliminary", "appi:final", "appi:notice"]
    assert before["appi:principal"].to is To.principal and before["appi:principal"].due_at == T0 + 3 * DAY
    assert not any(o.released for o in before.values())
    after = obligations(("appi",), f, entrustment=Entrustment.contractor, counterpart="A社", principal_notified=True)
    assert [k for k, o in after.items() if o.released] == ["appi:preliminary", "appi:final", "appi:notice"]
    assert not after["appi:principal"].released


def test_entrustment_joint_report_and_principal():
    f = facts(data_items=("medical",))
    joint = obligations(("appi",), f, entrustment=Entrustment.contractor, counterpart="A社", joint_report=True)
    assert "appi:principal" not in joint and joint["appi:preliminary"].joint
    principal = obligations(("appi",), f, entrustment=Entrustment.principal, counterpart="B社")
    assert list(principal) == ["appi:preliminary", "appi:final", "appi:notice"]


def test_gdpr_only_with_an_eu_person_and_the_regime():
    eu = facts(jurisdictions=("jp", "eu"), data_items=("name", "medical"))
    out = obligations(("appi", "gdpr"), eu)
    assert out["gdpr:report"].due_at == T0 + timedelta(hours=72)
    assert out["gdpr:notice"].basis == ("sensitive_data",)
    assert "gdpr:report" not in obligations(("appi",), eu)
    assert "gdpr:report" not in obligations(("gdpr",), facts())


def test_my_number_has_its_own_report_above_100_persons():
    assert "mynumber:preliminary" not in obligations(("appi",), facts(data_items=("my_number",), affected_persons=100))
    out = obligations(("appi",), facts(data_items=("my_number",), affected_persons=101))
    assert out["mynumber:preliminary"].rule.version == "mynumber/2022-04-01"


def test_meti_mic_and_accredited_body():
    card = obligations(("meti",), facts(data_items=("credit_card",)))
    assert card["meti:preliminary"].to is To.meti
    assert obligations(("meti",)) == {}
    assert obligations(("mic",)) == {}
    assert obligations(("mic",), telecom_secrecy=True)["mic:final"].due_at == T0 + 30 * DAY
    assert obligations(("accredited",))["accredited:report"].to is To.accredited_body


def test_no_personal_data_no_obligation_anywhere():
    f = facts(data_items=("confidential_business",), affected_persons=0)
    assert obligations(tuple(r.value for r in Regime), f) == {}


def test_a_rule_change_after_an_obligation_arose_leaves_it_unchanged():
    old = CATALOGUE.in_force(Regime.appi, T0, "private")
    new = RuleVersion(Regime.appi, "appi-private/2027-01-01", date(2027, 1, 1), ("an amendment",),
                      {**old.params, "persons_over": 500, "final": 45 * DAY}, variant="private")
    amended = Catalogue(CATALOGUE.versions + (new,))
    f = facts(data_items=("medical",))
    before = {o.key: o for o in evaluate(f, RegimeContext(regimes=frozenset({Regime.appi})), catalogue=amended)}
    assert before["appi:final"].due_at == T0 + 30 * DAY and before["appi:final"].rule.version == old.version
    # an incident known after the change follows the new rule
    later = replace(f, discovered_at=datetime(2027, 2, 1, tzinfo=UTC))
    after = {o.key: o for o in evaluate(later, RegimeContext(regimes=frozenset({Regime.appi})), catalogue=amended)}
    assert after["appi:final"].rule.version == new.version
    assert after["appi:final"].due_at == later.discovered_at + 45 * DAY
    # …but one whose obligations arose under the old rule keeps it, even re-evaluated later (pinned)
    pinned = amended.pinned([RuleVersion.from_snapshot(old.snapshot())])
    again = {o.key: o for o in evaluate(later, RegimeContext(regimes=frozenset({Regime.appi})), catalogue=pinned)}
    assert again["appi:final"].rule.version == old.version
    assert again["appi:final"].due_at == later.discovered_at + 30 * DAY


def test_versions_by_effective_date():
    assert CATALOGUE.in_force(Regime.appi, datetime(2024, 3, 31, 14, 59, tzinfo=UTC), "private").version \
        == "appi-private/2022-04-01"
    # 2024-04-01 00:00 in Japan is 2024-03-31 15:00 UTC
    assert CATALOGUE.in_force(Regime.appi, datetime(2024, 3, 31, 15, 0, tzinfo=UTC), "private").version \
        == "appi-private/2024-04-01"
    assert CATALOGUE.in_force(Regime.pmark, datetime(2024, 10, 30, tzinfo=UTC)).version == "pmark/2022-04-01"
    snap = CATALOGUE.in_force(Regime.fsa, T0).snapshot()
    assert RuleVersion.from_snapshot(snap) == CATALOGUE.in_force(Regime.fsa, T0)
