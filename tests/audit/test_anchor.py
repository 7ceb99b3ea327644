"""A keyed, anchored audit trail: someone who can write the database (but holds neither the audit key nor the
anchor files) cannot change the past unseen. Each tampering below is found by `incidents audit verify --anchor`,
on SQLite and on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from incidents.audit import anchor as anchors
from incidents.audit import service as audit
from incidents.audit.chain import GENESIS, body_hash, keyed_hash, legacy_hash
from incidents.audit.keys import AuditKey, current_key
from incidents.audit.models import AuditEvent
from incidents.db import session_scope

EN = {"INCIDENTS_LANG": "en"}
WRONG_KEY = AuditKey(id=current_key().id, secret=b"a guess at the key")  # the attacker copies the key id


def _seed(make_user, make_incident):
    user = make_user()
    for i in range(4):
        make_incident(user, title=f"case {i}")


def _events(s):
    return s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()


def _rechain(s, key: AuditKey):
    """Recompute every hash in order, as an attacker would after a change."""
    prev = GENESIS
    for ev in _events(s):
        ev.body_hash = body_hash(ev.before, ev.after)
        ev.prev_hash = prev
        ev.key_id = key.id
        ev.hash = keyed_hash(ev, key)
        prev = ev.hash
    s.flush()


def _swap_seq(s, a, b):
    (a_id, a_seq), (b_id, b_seq) = (a.id, a.seq), (b.id, b.seq)
    s.execute(update(AuditEvent).where(AuditEvent.id == a_id).values(seq=-1))
    s.execute(update(AuditEvent).where(AuditEvent.id == b_id).values(seq=a_seq))
    s.execute(update(AuditEvent).where(AuditEvent.id == a_id).values(seq=b_seq))


def delete_newest(s):
    s.execute(delete(AuditEvent).where(AuditEvent.seq == _events(s)[-1].seq))


def delete_middle(s):
    s.execute(delete(AuditEvent).where(AuditEvent.seq == _events(s)[3].seq))


def edit_event(s):
    ev = _events(s)[2]
    s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(after={"affected_persons": 0}))


def edit_and_recompute(s):
    ev = _events(s)[2]
    ev.after = {"title": "nothing happened"}
    s.flush()
    _rechain(s, WRONG_KEY)


def rebuild_with_the_key(s):
    """An insider who holds the key deletes an event and rebuilds the chain: only the anchor finds it."""
    s.execute(delete(AuditEvent).where(AuditEvent.seq == _events(s)[1].seq))
    for ev_id, seq in [(ev.id, ev.seq) for ev in _events(s)[1:]]:
        s.execute(update(AuditEvent).where(AuditEvent.id == ev_id).values(seq=seq - 1))
    s.expire_all()
    _rechain(s, current_key())


def reorder(s):
    evs = _events(s)
    _swap_seq(s, evs[2], evs[3])


def insert(s):
    evs = _events(s)
    last = evs[-1]
    forged = AuditEvent(seq=last.seq + 1, at=last.at, actor="officer@example.co.jp", action="incident.closed",
                        incident_id=last.incident_id, prev_hash=last.hash, key_id=WRONG_KEY.id)
    forged.body_hash = body_hash(None, None)
    forged.hash = keyed_hash(forged, WRONG_KEY)
    s.add(forged)


def truncate_all(s):
    s.execute(delete(AuditEvent))


def change_timestamp(s):
    ev = _events(s)[1]
    s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(at=ev.at - timedelta(days=3)))


def change_actor(s):
    ev = _events(s)[2]
    s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(actor="someone-else@example.co.jp"))


def swap_contents(s):
    a, b = _events(s)[1], _events(s)[3]
    (a_id, a_after, a_action), (b_id, b_after, b_action) = (a.id, a.after, a.action), (b.id, b.after, b.action)
    s.execute(update(AuditEvent).where(AuditEvent.id == a_id).values(after=b_after, action=b_action))
    s.execute(update(AuditEvent).where(AuditEvent.id == b_id).values(after=a_after, action=a_action))


def erase_unrecorded(s):
    ev = _events(s)[1]
    s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(after={}, redacted_at=ev.at))


def unkeyed_recompute(s):
    """Rebuild the whole chain the way it was hashed before it had a key."""
    prev = GENESIS
    for ev in _events(s):
        ev.prev_hash, ev.key_id, ev.body_hash = prev, None, None
        ev.after = {"title": "rewritten"} if ev.seq == 2 else ev.after
        ev.hash = legacy_hash(ev)
        prev = ev.hash
    s.flush()


TAMPERINGS = [delete_newest, delete_middle, edit_event, edit_and_recompute, rebuild_with_the_key, reorder, insert,
              truncate_all, change_timestamp, change_actor, swap_contents, erase_unrecorded, unkeyed_recompute]


@pytest.fixture
def anchored(make_user, make_incident, cli, tmp_path):
    _seed(make_user, make_incident)
    path = tmp_path / "anchor.json"
    code, out, err = cli("audit", "anchor", "--out", str(path), env=EN)
    assert code == 0, err
    return path


def test_an_intact_chain_matches_its_anchor(anchored, cli, make_user):
    make_user()  # events after the anchor are fine
    code, out, err = cli("audit", "verify", "--anchor", str(anchored), env=EN)
    assert code == 0 and "intact" in out, err
    data = json.loads(anchored.read_text())
    assert data["seq"] > 5 and len(data["hash"]) == 64 and data["signature"]
    assert stat.S_IMODE(os.stat(anchored).st_mode) == 0o600


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__)
def test_each_tampering_is_found_with_the_anchor(anchored, cli, tamper):
    with session_scope() as s:
        tamper(s)
    code, out, err = cli("audit", "verify", "--anchor", str(anchored), env=EN)
    assert code == 1, (out, err)
    assert err.startswith("error: audit ") and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("tamper", [t for t in TAMPERINGS if t not in (delete_newest, truncate_all,
                                                                         rebuild_with_the_key)],
                         ids=lambda f: f.__name__)
def test_the_key_alone_finds_every_rewrite_it_can(anchored, tamper):
    """Without an anchor the keyed chain still finds all but the deletion of the newest events and a rebuild by
    someone holding the key: those are what the anchor is for."""
    with session_scope() as s:
        tamper(s)
    with session_scope(write=False) as s:
        assert not audit.verify(s).ok


def test_a_forged_or_edited_anchor_is_refused(anchored, cli, tmp_path):
    data = json.loads(anchored.read_text())
    data["seq"] -= 2  # hide the two newest events
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    code, _, err = cli("audit", "verify", "--anchor", str(forged), env=EN)
    assert code == 1 and "not signed" in err
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    code, _, err = cli("audit", "verify", "--anchor", str(junk), env=EN)
    assert code == 1 and "not an audit anchor" in err and "Traceback" not in err


def test_an_older_anchor_proves_less_than_the_newest(anchored, cli, make_user, tmp_path):
    """Replaying an old anchor hides what came after it; the newest anchor (the scheduler's daily one) does not."""
    make_user()
    make_user()
    newest = tmp_path / "newest.json"
    assert cli("audit", "anchor", "--out", str(newest))[0] == 0
    with session_scope() as s:
        delete_newest(s)
    assert cli("audit", "verify", "--anchor", str(anchored))[0] == 0  # the old anchor still holds
    code, _, err = cli("audit", "verify", "--anchor", str(newest), env=EN)
    assert code == 1 and "newest events were deleted" in err


def test_the_scheduler_anchors_every_day(make_user, make_incident, cli):
    from apscheduler.schedulers.background import BackgroundScheduler

    from incidents.audit import scheduled

    _seed(make_user, make_incident)
    sched = BackgroundScheduler(timezone="UTC")
    scheduled.register(sched)
    assert "cron" in str(sched.get_job("audit.anchor").trigger)
    name = scheduled.anchor()
    folder = anchors.anchors_dir()
    assert (folder / name).exists() and (folder / "latest.json").exists()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600
    assert cli("audit", "verify", "--anchor", str(folder / "latest.json"))[0] == 0


def test_a_chain_from_before_the_key_is_rekeyed(make_user, make_incident, cli, monkeypatch):
    """Chains written before the key are named unkeyed; `audit rekey` checks them as they stand and moves them
    to the key (the migration does the same for existing installations)."""
    _seed(make_user, make_incident)
    with session_scope() as s:
        prev = GENESIS
        for ev in _events(s):
            ev.prev_hash, ev.key_id, ev.body_hash = prev, None, None
            ev.hash = legacy_hash(ev)
            prev = ev.hash
    code, _, err = cli("audit", "verify", env=EN)
    assert code == 1 and "not keyed" in err
    code, out, err = cli("audit", "rekey", env=EN)
    assert code == 0 and "rekeyed" in out, err
    assert cli("audit", "verify")[0] == 0
    # rotation: a new key, the old one kept as the previous key
    monkeypatch.setenv("INCIDENTS_AUDIT_KEY", "a-new-dedicated-audit-key-0123456789")
    monkeypatch.setenv("INCIDENTS_AUDIT_PREVIOUS_KEY", "")
    from incidents.config import get_settings

    get_settings.cache_clear()
    try:
        assert cli("audit", "verify")[0] == 0  # the derived key stays readable after a dedicated one is set
        assert cli("audit", "rekey")[0] == 0
        with session_scope(write=False) as s:
            assert {ev.key_id for ev in _events(s)} == {current_key().id}
        assert cli("audit", "verify")[0] == 0
    finally:
        get_settings.cache_clear()


def test_a_broken_legacy_chain_is_not_laundered_by_rekey(make_user, make_incident, cli):
    _seed(make_user, make_incident)
    with session_scope() as s:
        edit_event(s)
    code, _, err = cli("audit", "rekey", env=EN)
    assert code == 1 and "does not verify" in err
