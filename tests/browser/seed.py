"""A small, realistic department for the control room: incidents over several months, some overdue,
one reportable to the regulator (sensitive data), made through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from incidents.cases.models import Incident
from incidents.db import session_scope

JST = timezone(timedelta(hours=9))

CASES = [
    # (days ago discovered, title, mistake type, data items, persons, minutes to report)
    (0.05, "健康診断結果を別の社員に送付", "wrong_recipient", ["name", "health_checkup"], 1, 20),
    (2, "セミナー案内をToで一斉送信", "bcc_exposure", ["name", "email_address"], 320, 45),
    (9, "見積書を別の顧客に誤送信", "wrong_recipient", ["name", "confidential_business"], 3, 90),
    (40, "請求書の添付ファイル誤り", "wrong_attachment", ["name", "bank_account"], 12, 30),
    (75, "類似ドメインへの送信", "lookalike_domain", ["name", "email_address"], 5, 240),
    (110, "社内コメントを残したまま送信", "inappropriate_content", ["confidential_business"], 0, 15),
    (140, "メーリングリストの選択誤り", "distribution_list", ["name", "email_address"], 60, 120),
]


def seed_department(make_user, make_incident, *, department: str = "Sales", locale: str = "ja"):
    """(manager, employee, incidents) of one department."""
    manager = make_user(role="manager", department=department, locale=locale,
                        name="上長 花子" if locale == "ja" else "Hanako Jocho")
    employee = make_user(department=department, manager=manager, locale=locale,
                         name="山田 太郎" if locale == "ja" else "Taro Yamada")
    now = datetime.now(JST)
    made = []
    for days, title, kind, items, persons, minutes in CASES:
        found = now - timedelta(days=days)
        made.append(make_incident(
            employee, title=title, mistake_type=kind, data_items=items, affected_persons=persons,
            sent_at=(found - timedelta(hours=1)).isoformat(), discovered_at=found.isoformat(),
        ))
    # As if each had been reported when it was found (the service stamps "now"): the delay chart's data.
    with session_scope() as s:
        for incident, (days, *_rest, minutes) in zip(made, CASES):
            row = s.get(Incident, incident.id)
            row.reported_at = row.discovered_at + timedelta(minutes=minutes)
    return manager, employee, made
