"""The audit trail: every change leaves an event; tampering is found and named."""

from __future__ import annotations

from sqlalchemy import text

from incidents.audit import service as audit
from incidents.db import session_scope


def _events(session):
    return session.execute(text("SELECT id, seq, action FROM audit_events ORDER BY seq")).all()


def _seed(make_user, make_incident):
    user = make_user()
    for i in range(3):
        make_incident(user, title=f"case {i}")
    return user


def test_intact_chain_verifies(cli, make_user, make_incident):
    _seed(make_user, make_incident)
    code, out, err = cli("audit", "verify", env={"INCIDENTS_LANG": "en"})
    assert code == 0 and "intact" in out, err
    code, out, _ = cli("audit", "verify", "--json")
    assert code == 0 and '"ok": true' in out


def test_edited_event_is_named(cli, make_user, make_incident, session):
    _seed(make_user, make_incident)
    target = _events(session)[2]
    session.execute(text("UPDATE audit_events SET actor = 'someone-else@example.co.jp' WHERE id = :i"), {"i": target.id})
    session.commit()
    code, out, err = cli("audit", "verify", env={"INCIDENTS_LANG": "en"})
    assert code == 1
    assert f"seq {target.seq} (id {target.id})" in err and "edited" in err
    assert len(err.strip().splitlines()) == 1


def test_edited_payload_is_named(make_user, make_incident, session):
    _seed(make_user, make_incident)
    target = _events(session)[-1]
    session.execute(text("UPDATE audit_events SET after = :a WHERE id = :i"), {"a": '{"affected_persons": 0}',
                                                                            "i": target.id})
    session.commit()
    with session_scope(write=False) as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_id == target.id


def test_removed_event_is_named(cli, make_user, make_incident, session):
    _seed(make_user, make_incident)
    events = _events(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": events[3].id})
    session.commit()
    code, _, err = cli("audit", "verify", env={"INCIDENTS_LANG": "en"})
    assert code == 1 and f"seq {events[4].seq}" in err and "removed" in err


def test_reordered_events_are_named(make_user, make_incident, session):
    _seed(make_user, make_incident)
    events = _events(session)
    a, b = events[2], events[3]
    # swap the positions of two events (seq is unique: go through a free number)
    session.execute(text("UPDATE audit_events SET seq = -1 WHERE id = :i"), {"i": a.id})
    session.execute(text("UPDATE audit_events SET seq = :s WHERE id = :i"), {"s": a.seq, "i": b.id})
    session.execute(text("UPDATE audit_events SET seq = :s WHERE id = :i"), {"s": b.seq, "i": a.id})
    session.commit()
    with session_scope(write=False) as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == a.seq and result.first_bad_id == b.id


def test_every_change_is_in_the_timeline(client, make_user, auth_headers, incident_payload):
    user = make_user()
    h = auth_headers(user)
    incident_id = client.post("/api/v1/incidents", json=incident_payload(), headers=h).json()["id"]
    client.patch(f"/api/v1/incidents/{incident_id}", json={"title": "訂正後の件名"}, headers=h)
    client.post(f"/api/v1/incidents/{incident_id}/recipients", json=[{"address": "x@y.example"}], headers=h)
    actions = [e["action"] for e in client.get(f"/api/v1/incidents/{incident_id}/timeline", headers=h).json()]
    for expected in ("incident.reported", "incident.corrected", "recipients.added"):
        assert expected in actions


def test_a_failed_change_leaves_no_event(client, make_user, auth_headers, incident_payload, session):
    user = make_user()
    h = auth_headers(user)
    incident_id = client.post("/api/v1/incidents", json=incident_payload(), headers=h).json()["id"]
    before = len(_events(session))
    session.rollback()
    r = client.post(f"/api/v1/incidents/{incident_id}/recipients", json=[{"address": "ok@y.example"},
                                                                       {"address": "bad"}], headers=h)
    assert r.status_code == 422
    assert len(_events(session)) == before
