"""Obligations stored with the incident: created with it, in the assessment (API and CLI), overrides,
entrustment release through the correspondence log, a rule change after they arose, public bodies."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.regimes import service
from incidents.regimes.catalogue import CATALOGUE, Catalogue, Regime, RuleVersion
from incidents.regimes.models import Obligation
from incidents.cases.models import Incident


def _by_key(items):
    return {o["key"]: o for o in items}


def test_assessment_lists_obligations_keeping_appi_and_gdpr(client, auth_headers, team, make_incident, settings_env):
    settings_env(regimes="appi,gdpr,pmark")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=1, jurisdictions=["jp", "eu"])
    body = client.get(f"/api/v1/incidents/{inc.id}/assessment", headers=auth_headers(employee)).json()
    assert body["appi"]["reportable"] is True and body["gdpr"]["applicable"] is True
    obs = _by_key(body["obligations"])
    assert set(obs) == {"appi:preliminary", "appi:final", "appi:notice", "gdpr:report", "gdpr:notice",
                        "pmark:preliminary", "pmark:final"}
    pre = obs["appi:preliminary"]
    assert (pre["regime"], pre["kind"], pre["to"], pre["status"]) == ("appi", "preliminary", "ppc", "pending")
    assert datetime.fromisoformat(pre["due"]) == inc.discovered_at + timedelta(days=3)
    assert pre["rule_version"] == "appi-private/2024-04-01" and pre["kind_label"] == "速報"
    assert datetime.fromisoformat(obs["gdpr:report"]["due"]) == inc.discovered_at + timedelta(hours=72)
    assert obs["pmark:final"]["to"] == "jipdec"
    # stored, not recomputed: the same rows on every read
    with session_scope() as s:
        assert s.execute(select(Obligation).where(Obligation.incident_id == inc.id)).scalars().all()


def test_cli_assess_json_has_obligations(cli, team, make_incident, settings_env):
    settings_env(regimes="appi,fsa")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "customer_id"], affected_persons=1)
    code, out, err = cli("assess", inc.id, "--as", employee.email, "--json")
    assert code == 0, err
    body = json.loads(out)
    assert body["appi"]["reportable"] is False
    obs = _by_key(body["obligations"])
    assert set(obs) == {"fsa:preliminary", "fsa:final"}
    assert obs["fsa:preliminary"]["to"] == "fsa" and obs["fsa:preliminary"]["due"].endswith("Z")
    code, out, _ = cli("assess", inc.id, "--as", employee.email)
    assert code == 0 and "金融分野" in out and "速報" in out


def test_public_body_100_vs_101_persons(client, auth_headers, team, make_incident, settings_env):
    settings_env(org_kind="municipality", regimes="appi,local_gov")
    officer, manager, employee = team
    h = auth_headers(employee)
    at_100 = make_incident(employee, affected_persons=100, data_items=["name", "postal_address"])
    at_101 = make_incident(employee, affected_persons=101, data_items=["name", "postal_address"])
    a100 = client.get(f"/api/v1/incidents/{at_100.id}/assessment", headers=h).json()
    a101 = client.get(f"/api/v1/incidents/{at_101.id}/assessment", headers=h).json()
    assert a100["appi"]["reportable"] is False and a101["appi"]["grounds"] == ["over_100_persons"]
    assert set(_by_key(a100["obligations"])) == {"local_gov:publication"}
    obs = _by_key(a101["obligations"])
    assert {"appi:preliminary", "appi:final", "appi:notice", "local_gov:publication"} == set(obs)
    assert obs["appi:preliminary"]["rule_version"] == "appi-public/2023-04-01"
    steps = {s["key"] for s in client.get(f"/api/v1/incidents/{at_101.id}/steps", headers=h).json()}
    assert "preliminary_report" in steps  # the playbook follows the public-sector threshold too


def test_overrides_are_for_officers_audited_and_resync(client, auth_headers, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, jurisdictions=["jp", "eu"])
    url = f"/api/v1/incidents/{inc.id}/regimes"
    assert client.put(url, headers=auth_headers(manager), json={"add_regimes": ["gdpr"]}).status_code == 403
    r = client.put(url, headers=auth_headers(officer), json={"add_regimes": ["gdpr"]})
    assert r.status_code == 200 and r.json()["regimes"] == ["appi", "gdpr"]
    obs = _by_key(client.get(f"/api/v1/incidents/{inc.id}/obligations", headers=auth_headers(officer)).json())
    assert set(obs) == {"gdpr:report"}
    bad = client.put(url, headers=auth_headers(officer), json={"add_regimes": ["nope"]})
    assert bad.status_code == 422 and "unknown regime" in bad.json()["detail"]
    bad = client.put(url, headers=auth_headers(officer), json={"entrustment": "contractor"})
    assert bad.status_code == 422 and "委託" in bad.json()["detail"]
    with session_scope() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "regimes.overridden")).first()


def test_entrustment_release_after_telling_the_principal(client, auth_headers, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=2)
    h = auth_headers(officer)
    r = client.put(f"/api/v1/incidents/{inc.id}/regimes", headers=h,
                   json={"entrustment": "contractor", "counterpart": "株式会社委託元"})
    assert r.status_code == 200
    obs = _by_key(client.get(f"/api/v1/incidents/{inc.id}/obligations", headers=h).json())
    assert obs["appi:principal"]["to"] == "principal" and obs["appi:preliminary"]["status"] == "pending"
    r = client.post(f"/api/v1/incidents/{inc.id}/obligations/appi:principal/correspondence", headers=h,
                    json={"kind": "submitted", "text": "委託元の担当者へ電話及びメールで通知"})
    assert r.status_code == 201, r.text
    obs = _by_key(client.get(f"/api/v1/incidents/{inc.id}/obligations", headers=h).json())
    assert obs["appi:principal"]["status"] == "submitted"
    assert {k: obs[k]["status"] for k in ("appi:preliminary", "appi:final", "appi:notice")} == \
        {"appi:preliminary": "released", "appi:final": "released", "appi:notice": "released"}


def test_a_rule_change_after_the_obligation_arose_leaves_it_unchanged(team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=1)
    with session_scope() as s:
        before = {o.key: (o.due_at, o.rule_version) for o in service._stored(s, inc.id)}
    old = CATALOGUE.in_force(Regime.appi, inc.discovered_at, "private")
    # an amendment in force from the day the incident was discovered: a longer final report, another threshold
    new = RuleVersion(Regime.appi, "appi-private/amended", inc.discovered_at.date() - timedelta(days=1),
                      ("an amendment",), {**old.params, "final": timedelta(days=45), "persons_over": 0},
                      variant="private")
    amended = Catalogue(CATALOGUE.versions + (new,))
    with session_scope() as s:
        incident = s.get(Incident, inc.id)
        service.sync(s, incident=incident, actor=officer, catalogue=amended)
        after = {o.key: (o.due_at, o.rule_version) for o in service._stored(s, inc.id)}
    assert after == before and before["appi:final"][1] == old.version
    # a new incident under the amended catalogue follows the new rule
    other = make_incident(employee, data_items=["name", "medical"], affected_persons=1)
    with session_scope() as s:
        incident = s.get(Incident, other.id)
        for o in service._stored(s, other.id):
            s.delete(o)
        s.flush()
        service.sync(s, incident=incident, actor=officer, catalogue=amended)
        fresh = {o.key: o for o in service._stored(s, other.id)}
        assert fresh["appi:final"].rule_version == "appi-private/amended"
        assert fresh["appi:final"].due_at == other.discovered_at + timedelta(days=45)


def test_facts_change_withdraws_and_a_submitted_one_stays(client, auth_headers, team, make_incident, settings_env):
    settings_env(regimes="appi")
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=1)
    h = auth_headers(officer)
    assert client.post(f"/api/v1/incidents/{inc.id}/obligations/appi:preliminary/correspondence", headers=h,
                       json={"kind": "submitted", "reference": "R-1"}).status_code == 201
    r = client.patch(f"/api/v1/incidents/{inc.id}", headers=auth_headers(manager),
                     json={"data_items": ["name", "email_address"]})
    assert r.status_code == 200, r.text
    obs = _by_key(client.get(f"/api/v1/incidents/{inc.id}/obligations?all=true", headers=h).json())
    assert obs["appi:preliminary"]["status"] == "submitted" and obs["appi:preliminary"]["reference"] == "R-1"
    assert obs["appi:final"]["status"] == "withdrawn"
    assert "appi:final" not in _by_key(client.get(f"/api/v1/incidents/{inc.id}/obligations", headers=h).json())
