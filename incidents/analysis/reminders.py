"""Reminders for countermeasures: to the owner when the due date comes near or has passed, to the
reviewer (or the owner) when the effectiveness review is due. Queued through the notify outbox with
keys that make each reminder go out once (overdue ones once a week)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from incidents.analysis.models import Countermeasure
from incidents.analysis.vocab import OPEN_STATUSES, CountermeasureStatus
from incidents.config import get_settings
from incidents.notify.service import enqueue
from incidents.notify.webhook import Notice
from incidents.people.models import User

SOON_DAYS = 3
TEXTS = {
    "soon": ("【対策の期限が近づいています】{title}", "Countermeasure due soon: {title}",
             "事案 #{incident} の再発防止策の期限は {due} です。", "The countermeasure for incident #{incident} is due on {due}."),
    "overdue": ("【対策が期限を過ぎています】{title}", "Countermeasure overdue: {title}",
                "事案 #{incident} の再発防止策の期限（{due}）を過ぎています。実施状況を更新してください。",
                "The countermeasure for incident #{incident} was due on {due}. Please update its status."),
    "review": ("【対策の効果確認の時期です】{title}", "Effectiveness review due: {title}",
               "事案 #{incident} の再発防止策の効果確認日（{due}）になりました。効果の有無を記録してください。",
               "The effectiveness review of the countermeasure for incident #{incident} is due ({due}). "
               "Please record whether it worked."),
}


def _notice(kind: str, cm: Countermeasure, user: User, due: date) -> Notice:
    ja_title, en_title, ja_text, en_text = TEXTS[kind]
    en = user.locale == "en"
    base = get_settings().base_url.rstrip("/")
    return Notice(title=(en_title if en else ja_title).format(title=cm.title[:80]),
                  text=(en_text if en else ja_text).format(incident=cm.incident_id, due=due.isoformat()),
                  link=f"{base}/incidents/{cm.incident_id}", event=f"countermeasure.{kind}", incident_id=cm.incident_id)


def remind(session: Session, *, on: date) -> int:
    """Queue the reminders due on `on` (a calendar day in the organisation's zone); returns rows queued."""
    queued = 0
    open_rows = session.execute(select(Countermeasure).where(
        Countermeasure.status.in_([s.value for s in OPEN_STATUSES]),
        Countermeasure.due_on <= on + timedelta(days=SOON_DAYS))).scalars()
    for cm in open_rows:
        owner = session.get(User, cm.owner_id)
        if cm.due_on < on:
            week = on.isocalendar()
            kind, key = "overdue", f"cm:{cm.id}:overdue:{cm.due_on}:{week.year}-{week.week}"
        else:
            kind, key = "soon", f"cm:{cm.id}:soon:{cm.due_on}"
        queued += enqueue(session, users=[owner], notice_for=lambda u, k=kind, c=cm: _notice(k, c, u, c.due_on),
                          key=key, incident_id=cm.incident_id)
    review_rows = session.execute(select(Countermeasure).where(
        Countermeasure.status == CountermeasureStatus.done, Countermeasure.review_on.is_not(None),
        Countermeasure.review_on <= on)).scalars()
    for cm in review_rows:
        who = session.get(User, cm.reviewer_id or cm.owner_id)
        queued += enqueue(session, users=[who], notice_for=lambda u, c=cm: _notice("review", c, u, c.review_on),
                          key=f"cm:{cm.id}:review:{cm.review_on}", incident_id=cm.incident_id)
    return queued
