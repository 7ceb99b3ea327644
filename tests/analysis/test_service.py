"""Root-cause analysis and countermeasures through the services, the API and the CLI (real database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from incidents.analysis import service
from incidents.analysis.reminders import remind
from incidents.analysis.schemas import AnalysisIn, CountermeasureIn
from incidents.audit.models import AuditEvent
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from incidents.notify.models import InAppNotification


@pytest.fixture
def people(make_user):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    other = make_user("employee", department="Support")
    return manager, reporter, other


def test_analysis_is_saved_audited_and_flags_blame(people, make_incident):
    manager, reporter, other = people
    inc = make_incident(reporter)
    with session_scope() as s:
        out = service.save_analysis(s, actor=reporter, incident_id=inc.id, data=AnalysisIn(
            whys=["宛先を誤って選んだ", "候補の先頭に同姓の人が出た", "確認不足"], factors=["autocomplete", "haste"],
            causes=[{"text": "送信前の確認手順がない", "four_m": "management"}]))
    assert out.blame_warning is not None and out.blame_warning.term == "確認不足"
    assert out.four_m == ["machine", "man", "management"]
    with session_scope() as s:
        out = service.save_analysis(s, actor=manager, incident_id=inc.id, data=AnalysisIn(
            whys=["宛先を誤って選んだ", "候補の先頭に同姓の人が出た", "オートコンプリートを止める設定がなかった"]))
        assert out.blame_warning is None
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.incident_id == inc.id)).scalars().all()
    assert actions.count("analysis.saved") == 2
    with session_scope() as s, pytest.raises(NotFound):
        service.get_analysis(s, actor=other, incident_id=inc.id)


def test_unknown_factor_is_refused():
    with pytest.raises(ValueError):
        AnalysisIn(factors=["bad_luck"])


def _cm(owner, due=None, review=None, reviewer=None) -> CountermeasureIn:
    return CountermeasureIn(title="送信保留を5分に設定", four_e="engineering", owner=owner.email,
                            due_on=due or date.today() + timedelta(days=30), review_on=review,
                            reviewer=reviewer.email if reviewer else None)


def test_countermeasure_lifecycle_and_permissions(people, make_incident, make_user):
    manager, reporter, other = people
    owner = make_user("employee", department="IT")
    inc = make_incident(reporter)
    with session_scope() as s:
        cm = service.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=_cm(owner))
        with pytest.raises(InvalidInput):
            service.add_countermeasure(s, actor=reporter, incident_id=inc.id,
                                       data=_cm(owner, due=date(2030, 5, 1), review=date(2030, 4, 1)))
        with pytest.raises(InvalidInput):
            service.add_countermeasure(s, actor=reporter, incident_id=inc.id,
                                       data=CountermeasureIn(title="x", four_e="education", owner="nobody@example.jp",
                                                             due_on=date(2030, 1, 1)))
    assert cm.owner == owner.email and cm.status == "planned"
    # the owner (who cannot see the incident) marks it done; a stranger cannot
    with session_scope() as s:
        with pytest.raises(NotFound):
            service.set_status(s, actor=other, countermeasure_id=cm.id, status="done")
    with session_scope() as s:
        done = service.set_status(s, actor=owner, countermeasure_id=cm.id, status="done", note="設定済み")
    assert done.status == "done" and done.done_at is not None
    with session_scope() as s, pytest.raises(Forbidden):
        service.set_status(s, actor=reporter, countermeasure_id=cm.id, status="effective")
    with session_scope() as s:
        reviewed = service.set_status(s, actor=manager, countermeasure_id=cm.id, status="effective", note="再発なし")
    assert reviewed.status == "effective" and reviewed.review_note == "再発なし"
    with session_scope() as s, pytest.raises(InvalidTransition):
        service.set_status(s, actor=manager, countermeasure_id=cm.id, status="planned")
    with session_scope() as s:
        events = s.execute(select(AuditEvent.action).where(AuditEvent.entity == "countermeasure")).scalars().all()
    assert events == ["countermeasure.added", "countermeasure.done", "countermeasure.effective"]


def test_reminders_go_once_to_owners_and_reviewers(people, make_incident, make_user):
    manager, reporter, _ = people
    owner = make_user("employee", department="IT")
    inc = make_incident(reporter)
    today = date(2031, 3, 10)
    with session_scope() as s:
        soon = service.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=_cm(owner, due=today + timedelta(days=2)))
        late = service.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=_cm(owner, due=today - timedelta(days=1)))
        service.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=_cm(owner, due=today + timedelta(days=20)))
        review = service.add_countermeasure(s, actor=reporter, incident_id=inc.id,
                                            data=_cm(owner, due=today - timedelta(days=9), review=today, reviewer=manager))
        service.set_status(s, actor=owner, countermeasure_id=review.id, status="done")
    with session_scope() as s:
        remind(s, on=today)
    with session_scope() as s:
        remind(s, on=today)  # a second scheduler run the same day queues nothing new
        rows = s.execute(select(InAppNotification.user_id, InAppNotification.event)
                         .where(InAppNotification.event.like("countermeasure.%"))).all()
    assert sorted(rows) == sorted([(owner.id, "countermeasure.soon"), (owner.id, "countermeasure.overdue"),
                                   (manager.id, "countermeasure.review")])
    assert soon.id != late.id


def test_api_and_cli(people, make_incident, client, auth_headers, cli, make_user):
    manager, reporter, other = people
    owner = make_user("employee", department="IT")
    inc = make_incident(reporter)
    h = auth_headers(reporter)
    r = client.put(f"/api/v1/incidents/{inc.id}/analysis", headers=h,
                   json={"whys": ["careless"], "factors": ["haste"]})
    assert r.status_code == 200 and r.json()["blame_warning"]["term"] == "careless"
    assert client.put(f"/api/v1/incidents/{inc.id}/analysis", headers=h, json={"factors": ["luck"]}).status_code == 422
    assert client.get(f"/api/v1/incidents/{inc.id}/analysis", headers=auth_headers(other)).status_code == 404
    r = client.post(f"/api/v1/incidents/{inc.id}/countermeasures", headers=h,
                    json={"title": "Bcc強制変換", "four_e": "engineering", "owner": owner.email, "due_on": "2031-01-31"})
    assert r.status_code == 201
    cm_id = r.json()["id"]
    assert client.get("/api/v1/countermeasures/mine", headers=auth_headers(owner)).json()[0]["id"] == cm_id
    assert client.get("/api/v1/analysis/vocabulary", headers=h).json()["four_e"][0]["code"] == "education"

    code, out, err = cli("countermeasure", "add", inc.id, "--title", "送信前チェックリスト", "--four-e", "enforcement",
                         "--owner", owner.email, "--due", "2031-02-28", "--as", reporter.email, "--json")
    assert code == 0, err
    code, out, err = cli("countermeasure", "done", cm_id, "--as", owner.email)
    assert code == 0, err
    code, out, err = cli("countermeasure", "list", inc.id, "--as", reporter.email, "--json")
    assert code == 0 and '"done"' in out and "送信前チェックリスト" in out
    code, out, err = cli("countermeasure", "done", cm_id, "--as", other.email)
    assert code == 1 and "not found" in err
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.entity == "countermeasure")).scalar_one() == 3


def test_update_countermeasure(people, make_incident, make_user, client, auth_headers):
    manager, reporter, other = people
    owner = make_user("employee", department="IT")
    new_owner = make_user("employee", department="IT")
    inc = make_incident(reporter)
    with session_scope() as s:
        cm = service.add_countermeasure(s, actor=reporter, incident_id=inc.id, data=_cm(owner, due=date(2031, 1, 31)))
    r = client.patch(f"/api/v1/countermeasures/{cm.id}", headers=auth_headers(reporter),
                     json={"due_on": "2031-02-28", "review_on": "2031-05-31", "owner": new_owner.email, "reviewer": manager.email})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["due_on"] == "2031-02-28" and body["owner"] == new_owner.email and body["reviewer"] == manager.email
    bad = client.patch(f"/api/v1/countermeasures/{cm.id}", headers=auth_headers(reporter), json={"review_on": "2031-01-01"})
    assert bad.status_code == 422
    # the owner, who cannot see the incident, may add a note but not move the date
    h = auth_headers(new_owner)
    assert client.patch(f"/api/v1/countermeasures/{cm.id}", headers=h, json={"note": "着手"}).status_code == 200
    assert client.patch(f"/api/v1/countermeasures/{cm.id}", headers=h, json={"due_on": "2032-01-01"}).status_code == 404
    assert client.get(f"/api/v1/countermeasures/{cm.id}", headers=auth_headers(other)).status_code == 404
