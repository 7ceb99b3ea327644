"""The incident page's deletion-confirmations section does a fixed amount of work, whatever the number of
wrong recipients: counted in SQL statements (50 vs 500 recipients), never timed."""

from __future__ import annotations

from sqlalchemy import event

from incidents.cases.models import Incident
from incidents.confirmations.pages import confirmations_section
from incidents.db import get_engine, session_scope


def _statements(incident_id: int, user) -> tuple[int, dict]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope() as s:
            section = confirmations_section(session=s, user=s.merge(user), incident=s.get(Incident, incident_id))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), section


def test_section_statements_do_not_grow_with_recipients(world):
    manager, employee, make = world
    small, large = make(50), make(500)
    _statements(small.id, manager)  # first open assigns the reference numbers (one batch)
    _statements(large.id, manager)
    n_small, s_small = _statements(small.id, manager)
    n_large, s_large = _statements(large.id, manager)
    assert s_small["plan"].count == 50 and s_large["plan"].count == 500
    assert s_large["plan"].sample_address == "gakusei0000@univ.example.jp" and "整理番号" in s_large["plan"].sample_body
    assert n_small == n_large
