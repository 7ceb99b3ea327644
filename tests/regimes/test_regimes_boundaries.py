"""Each regime at its boundaries through the database (the suite runs on SQLite and on PostgreSQL): the
obligations stored with a filed incident, as `incidents assess ID --json` prints them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest


def assess(cli, incident_id, user) -> dict:
    code, out, err = cli("assess", incident_id, "--as", user.email, "--json")
    assert code == 0, err
    body = json.loads(out)
    for o in body["obligations"]:
        # the contract: regime, kind, due as ISO 8601 date-time, status, to
        assert {"regime", "kind", "due", "status", "to"} <= set(o)
        assert datetime.fromisoformat(o["due"].replace("Z", "+00:00")).tzinfo is not None
    return {o["key"]: o for o in body["obligations"]} | {"_appi": body["appi"]}


def test_pmark_final_for_one_person_that_the_appi_does_not_make_reportable(cli, team, make_incident, settings_env):
    settings_env(regimes="appi,pmark")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "email_address"], affected_persons=1)
    obs = assess(cli, inc.id, officer)
    assert obs.pop("_appi")["reportable"] is False
    assert set(obs) == {"pmark:final"}
    final = obs["pmark:final"]
    assert (final["regime"], final["kind"], final["to"], final["status"]) == ("pmark", "final", "jipdec", "pending")
    assert datetime.fromisoformat(final["due"].replace("Z", "+00:00")) == inc.discovered_at + timedelta(days=30)
    # without the P-mark, nothing at all
    settings_env(regimes="appi")
    other = make_incident(employee, data_items=["name", "email_address"], affected_persons=1)
    assert set(assess(cli, other.id, officer)) == {"_appi"}


@pytest.mark.parametrize("persons", [1, 1001])
def test_fsa_for_any_customer_data(cli, team, make_incident, settings_env, persons):
    settings_env(regimes="appi,fsa")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "email_address"], affected_persons=persons)
    obs = assess(cli, inc.id, officer)
    appi = obs.pop("_appi")
    if persons == 1:
        # not reportable under the APPI, yet the FSA wants every customer leak
        assert appi["reportable"] is False
        assert set(obs) == {"fsa:preliminary", "fsa:final"} and obs["fsa:preliminary"]["to"] == "fsa"
        due = datetime.fromisoformat(obs["fsa:preliminary"]["due"].replace("Z", "+00:00"))
        assert due == inc.discovered_at + timedelta(days=3)
    else:
        # reportable: the APPI report goes to the FSA (delegated authority), once, not twice
        assert appi["reportable"] is True
        assert {"appi:preliminary", "appi:final"} <= set(obs) and "fsa:preliminary" not in obs
        assert obs["appi:preliminary"]["to"] == "fsa"
    # not individual customers' data: the officer says so, the FSA duty is withdrawn
    code, _, err = cli("regimes", "set", inc.id, "--as", officer.email, "--customer-data", "no")
    assert code == 0, err
    assert not any(k.startswith("fsa:") for k in assess(cli, inc.id, officer))


@pytest.mark.parametrize("kind", ["municipality", "prefecture"])
def test_public_body_100_vs_101_persons(cli, team, make_incident, settings_env, kind):
    settings_env(org_kind=kind, regimes="appi")
    officer, manager, employee = team
    at_100 = assess(cli, make_incident(employee, affected_persons=100, data_items=["name"]).id, officer)
    at_101 = assess(cli, make_incident(employee, affected_persons=101, data_items=["name"]).id, officer)
    assert at_100.pop("_appi")["reportable"] is False and at_100 == {}
    assert at_101.pop("_appi")["grounds"] == ["over_100_persons"]
    assert {"appi:preliminary", "appi:final", "appi:notice"} == set(at_101)
    assert at_101["appi:preliminary"]["rule_version"].startswith("appi-public/")
    # the same numbers at a company: 1,000 is the line
    settings_env(org_kind="company", regimes="appi")
    assert set(assess(cli, make_incident(employee, affected_persons=101, data_items=["name"]).id, officer)) == {"_appi"}


def test_entrustment_release_through_the_cli(cli, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=3)
    code, _, err = cli("regimes", "set", inc.id, "--as", officer.email, "--entrustment", "contractor",
                       "--counterpart", "株式会社委託元")
    assert code == 0, err
    obs = assess(cli, inc.id, officer)
    assert obs["appi:principal"]["to"] == "principal" and obs["appi:preliminary"]["status"] == "pending"
    code, _, err = cli("correspondence", "add", inc.id, "appi:principal", "--as", officer.email,
                       "--kind", "submitted", "--text", "委託元へ電話とメールで報告")
    assert code == 0, err
    obs = assess(cli, inc.id, officer)
    assert obs["appi:principal"]["status"] == "submitted"
    assert [obs[k]["status"] for k in ("appi:preliminary", "appi:final", "appi:notice")] == ["released"] * 3
    # a joint report (連名) instead: no separate notice to the principal, nothing released
    code, _, err = cli("regimes", "set", inc.id, "--as", officer.email, "--joint", "yes")
    assert code == 0, err
    joint = assess(cli, inc.id, officer)
    assert joint["appi:preliminary"]["joint"] is True


def test_a_rule_change_after_the_obligation_arose_keeps_its_due(cli, team, make_incident, settings_env):
    """Filed, then the catalogue gains an amendment effective from before the discovery: the stored obligation
    keeps the rule it arose under, through every later change of the facts."""
    from incidents.db import session_scope
    from incidents.cases.models import Incident
    from incidents.regimes import service
    from incidents.regimes.catalogue import CATALOGUE, Catalogue, Regime, RuleVersion

    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=1)
    before = assess(cli, inc.id, officer)["appi:final"]
    old = CATALOGUE.in_force(Regime.appi, inc.discovered_at, "private")
    amended = Catalogue(CATALOGUE.versions + (RuleVersion(
        Regime.appi, "appi-private/amended", inc.discovered_at.date() - timedelta(days=10), ("amendment",),
        {**old.params, "final": timedelta(days=90)}, variant="private"),))
    with session_scope() as s:
        service.sync(s, incident=s.get(Incident, inc.id), actor=officer, catalogue=amended)
    after = assess(cli, inc.id, officer)["appi:final"]
    assert (after["due"], after["rule_version"]) == (before["due"], before["rule_version"]) == \
        (after["due"], old.version)
