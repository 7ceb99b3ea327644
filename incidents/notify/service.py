"""Queueing notifications (in the caller's transaction) and delivering them (scheduler process).

    enqueue(session, users=[...], notice_for=lambda user: Notice(...), key="first-report:12", ...)

writes one in-app row per user, one mail delivery per user with an address (when SMTP is
configured) and one webhook delivery per configured URL, each under a unique dedupe key, so
queueing the same notification twice is harmless. `deliver_due` claims due deliveries under a
lease (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on SQLite), sends them, and records
success or the error with the next attempt (back-off). Every delivery is isolated: whatever goes wrong with
one (a message that cannot be built, a relevance check that raises, an unexpected error) fails that one,
visibly (status failed, the reason in last_error), and the others of the batch go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from incidents.notify.mail import DeliveryError, MailConfig, Mailer, header_text, subject_text
from incidents.notify.models import Channel, Delivery, DeliveryStatus, InAppNotification
from incidents.notify.retry import Backoff
from incidents.notify.webhook import Notice, post
from incidents.types import utcnow

log = logging.getLogger("incidents.notify")


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]], returning: Any = None) -> list[Any]:
    """INSERT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite), executemany with one cached statement;
    returns the inserted rows' `returning` columns (rows that hit the unique key are not returned)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = mod.insert(model.__table__).on_conflict_do_nothing()
    conn = session.connection()
    if returning is not None:
        stmt = stmt.returning(*(model.__table__.c[c.key] for c in returning))
        return list(conn.execute(stmt, rows).all())
    conn.execute(stmt, rows)
    return []


def _notice_dict(notice: Notice) -> dict[str, Any]:
    d = asdict(notice)
    d["facts"] = [list(f) for f in notice.facts]
    return d


def rows_for(
    *,
    users: Iterable[Any],
    notice_for: Callable[[Any], Notice],
    key: str,
    incident_id: int | None,
    webhook_notice: Notice | None,
    settings: Any,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The in-app rows and the delivery rows of one notification (not yet inserted); `extra` is
    kept in the mail deliveries' payload (e.g. what a relevance check needs)."""
    mail_on = bool(settings.smtp_host)
    inapp, deliveries = [], []
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not getattr(user, "active", True):
            continue
        seen.add(user.id)
        notice = notice_for(user)
        inapp.append(dict(dedupe_key=f"{key}:inapp:{user.id}", user_id=user.id, incident_id=incident_id,
                          event=notice.event, title=notice.title[:500], body=notice.text, link=notice.link,
                          created_at=now))
        if mail_on and user.email:
            deliveries.append(dict(
                dedupe_key=f"{key}:mail:{user.id}", channel=Channel.mail, target=user.email, user_id=user.id,
                incident_id=incident_id, event=notice.event, subject=subject_text(notice.title), body=notice.text,
                payload={"to_name": header_text(user.display_name), **(extra or {})}, status=DeliveryStatus.pending, attempts=0,
                next_attempt_at=now, last_error="", created_at=now,
            ))
    if webhook_notice is not None:
        for i, url in enumerate(settings.webhook_urls or ()):
            deliveries.append(dict(
                dedupe_key=f"{key}:hook:{i}", channel=Channel.webhook, target=url, user_id=None,
                incident_id=incident_id, event=webhook_notice.event, subject=webhook_notice.title,
                body=webhook_notice.text, payload=_notice_dict(webhook_notice), status=DeliveryStatus.pending,
                attempts=0, next_attempt_at=now, last_error="", created_at=now,
            ))
    return inapp, deliveries


def insert_rows(session: Session, inapp: list[dict[str, Any]], deliveries: list[dict[str, Any]], chunk: int = 500) -> None:
    for i in range(0, len(inapp), chunk):
        insert_ignore(session, InAppNotification, inapp[i:i + chunk])
    for i in range(0, len(deliveries), chunk):
        insert_ignore(session, Delivery, deliveries[i:i + chunk])
    session.flush()


def enqueue(
    session: Session,
    *,
    users: Iterable[Any],
    notice_for: Callable[[Any], Notice],
    key: str,
    incident_id: int | None = None,
    webhook_notice: Notice | None = None,
    settings: Any = None,
    now: datetime | None = None,
) -> int:
    """Queue a notification for each user (in-app + mail) and the webhooks; returns rows queued."""
    if settings is None:
        from incidents.config import get_settings

        settings = get_settings()
    inapp, deliveries = rows_for(users=users, notice_for=notice_for, key=key, incident_id=incident_id,
                                 webhook_notice=webhook_notice, settings=settings, now=now or utcnow())
    insert_rows(session, inapp, deliveries)
    return len(inapp) + len(deliveries)


# ---- delivery (scheduler process) -------------------------------------------------------------

# event -> fn(session, delivery) -> bool: is this delivery still worth sending? (e.g. a reminder for
# a step done in the meantime is not). Domains register in their hooks.py.
_relevance: dict[str, Callable[[Session, Delivery], bool]] = {}


def register_relevance(event: str, fn: Callable[[Session, Delivery], bool]) -> None:
    _relevance[event] = fn


def claim(session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int = 100) -> list[int]:
    """Claim up to `limit` due deliveries for `owner` until now + lease. The caller commits."""
    due = or_(
        and_(Delivery.status == DeliveryStatus.pending, Delivery.next_attempt_at <= now),
        and_(Delivery.status == DeliveryStatus.sending, Delivery.lease_until < now),  # a crashed sender
    )
    q = select(Delivery.id).where(due).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    ids = list(session.execute(q).scalars())
    if ids:
        session.execute(
            update(Delivery).where(Delivery.id.in_(ids))
            .values(status=DeliveryStatus.sending, lease_owner=owner, lease_until=now + lease)
        )
    return ids


def _send(delivery: Delivery, mailer: Mailer) -> None:
    if delivery.channel == Channel.mail:
        mailer.send(to=delivery.target, subject=delivery.subject, body=delivery.body,
                    message_id=f"<{delivery.dedupe_key.replace(':', '.')}@incidents.invalid>",
                    to_name=(delivery.payload or {}).get("to_name"))
    elif delivery.channel == Channel.webhook:
        p = dict(delivery.payload or {})
        p["facts"] = tuple(tuple(f) for f in p.get("facts", ()))
        post(delivery.target, Notice(**p), idempotency_key=delivery.dedupe_key)
    else:
        raise DeliveryError(f"unknown channel {delivery.channel!r}", permanent=True)


def deliver_due(
    session_factory: Callable[[], Any],
    *,
    owner: str,
    mail: MailConfig,
    lease: timedelta = timedelta(minutes=5),
    backoff: Backoff = Backoff(),
    limit: int = 100,
    now: Callable[[], datetime] = utcnow,
) -> dict[str, int]:
    """One delivery round: claim and load (one transaction), then send and record each (its own
    transaction, right after the send: the window for a repeat after a crash stays milliseconds)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with session_factory() as session:
        ids = claim(session, owner=owner, now=now(), lease=lease, limit=limit)
        todo = []
        for delivery in session.execute(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)).scalars():
            check = _relevance.get(delivery.event)
            try:
                with session.begin_nested():  # a check that breaks fails its delivery alone
                    relevant = check is None or check(session, delivery)
            except Exception as exc:  # noqa: BLE001
                log.warning("delivery %s: relevance check failed: %s", delivery.id, exc)
                delivery.status, delivery.lease_owner, delivery.lease_until = DeliveryStatus.failed, None, None
                delivery.attempts += 1
                delivery.last_error = _reason(exc)
                counts["failed"] += 1
                continue
            if not relevant:
                delivery.status, delivery.lease_owner, delivery.lease_until = DeliveryStatus.cancelled, None, None
                delivery.last_error = "no longer relevant"
                counts["cancelled"] = counts.get("cancelled", 0) + 1
            else:
                todo.append(delivery)
        session.flush()
        for delivery in todo:
            session.expunge(delivery)
    with Mailer(mail) as mailer:
        for delivery in todo:
            _deliver_one(session_factory, delivery, owner=owner, mailer=mailer, backoff=backoff, now=now,
                         counts=counts)
    return counts


def _reason(exc: BaseException) -> str:
    return header_text(f"{type(exc).__name__}: {exc}", 2000)


def _deliver_one(session_factory: Callable[[], Any], delivery: Delivery, *, owner: str, mailer: Mailer,
                 backoff: Backoff, now: Callable[[], datetime], counts: dict[str, int]) -> None:
    """Send one delivery and record the outcome. Never raises: one bad delivery never holds the others."""
    try:
        _send(delivery, mailer)
        values: dict[str, Any] = dict(status=DeliveryStatus.sent, sent_at=now(), last_error="")
        counts["sent"] += 1
    except DeliveryError as exc:
        attempts = delivery.attempts + 1
        retry_at = None if exc.permanent else backoff.next_attempt(attempts, now())
        values = dict(status=DeliveryStatus.pending if retry_at else DeliveryStatus.failed,
                      next_attempt_at=retry_at or now(), last_error=str(exc)[:2000])
        counts["retry" if retry_at else "failed"] += 1
        log.warning("delivery %s (%s) failed: %s", delivery.id, delivery.channel, exc)
    except Exception as exc:  # noqa: BLE001 - anything else about this one message: it fails alone, visibly
        mailer.close()  # the connection may be in any state: the next message starts a fresh one
        values = dict(status=DeliveryStatus.failed, next_attempt_at=now(), last_error=_reason(exc))
        counts["failed"] += 1
        log.warning("delivery %s (%s) failed for good: %s", delivery.id, delivery.channel, _reason(exc))
    try:
        with session_factory() as session:
            session.execute(
                update(Delivery).where(Delivery.id == delivery.id, Delivery.lease_owner == owner)
                .values(attempts=Delivery.attempts + 1, lease_owner=None, lease_until=None, **values)
            )
    except Exception:  # noqa: BLE001 - not recorded: its lease runs out and another round tries it again
        log.exception("delivery %s: the outcome could not be recorded", delivery.id)


# ---- reading -----------------------------------------------------------------------------------


def inbox(session: Session, *, user_id: int, unread_only: bool = False, limit: int = 50) -> list[InAppNotification]:
    q = select(InAppNotification).where(InAppNotification.user_id == user_id)
    if unread_only:
        q = q.where(InAppNotification.read_at.is_(None))
    return list(session.execute(q.order_by(InAppNotification.id.desc()).limit(limit)).scalars())


def mark_read(session: Session, *, user_id: int, ids: list[int] | None = None, now: datetime | None = None) -> int:
    q = update(InAppNotification).where(InAppNotification.user_id == user_id, InAppNotification.read_at.is_(None))
    if ids is not None:
        q = q.where(InAppNotification.id.in_(ids))
    result = session.execute(q.values(read_at=now or utcnow()))
    session.flush()
    return result.rowcount or 0


def deliveries(session: Session, *, incident_id: int | None = None, status: str | None = None,
               limit: int = 100) -> list[Delivery]:
    q = select(Delivery)
    if incident_id is not None:
        q = q.where(Delivery.incident_id == incident_id)
    if status is not None:
        q = q.where(Delivery.status == status)
    return list(session.execute(q.order_by(Delivery.id.desc()).limit(limit)).scalars())
