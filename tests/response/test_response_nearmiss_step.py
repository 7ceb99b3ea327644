"""Publishing the anonymised near-miss case ticks the playbook's near-miss step."""

from __future__ import annotations

from sqlalchemy import select

from incidents.db import session_scope
from incidents.nearmiss import service as nearmiss
from incidents.response.models import Step


def test_publication_completes_the_nearmiss_step(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    incident = make_incident(reporter)
    with session_scope() as s:
        step = s.execute(select(Step).where(Step.incident_id == incident.id, Step.key == "nearmiss")).scalar_one()
        assert step.status == "pending"
    with session_scope() as s:
        case = nearmiss.publish(s, actor=manager, incident_id=incident.id)
    with session_scope() as s:
        step = s.execute(select(Step).where(Step.incident_id == incident.id, Step.key == "nearmiss")).scalar_one()
        assert step.status == "done" and step.done_by_id == manager.id
        assert f"case {case.id}" in step.note
