"""Deletion requests by mail: plan (a count and one sample), send (through the outbox, exactly once),
revoke a link, and the progress of the answers.

Only the incident's manager or a privacy officer sends, and only after the organisation's decision.
Keyword-only functions, `session` first; they flush, never commit; every change is audited.

    plan = preview(session, actor=user, incident_id=42, everyone=True)       # count + one sample mail
    result = send(session, actor=user, incident_id=42, everyone=True)        # queued in the outbox
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, literal, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.access import can_manage, visible_incident
from incidents.cases.models import Incident, IncidentStatus, Recipient
from incidents.config import get_settings
from incidents.confirmations import tokens
from incidents.confirmations.mails import MailFacts, compose, language_of
from incidents.confirmations.models import (ConfirmationToken, DeletionRequest, DeletionSending, RequestStatus)
from incidents.documents import references
from incidents.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from incidents.notify.service import insert_rows
from incidents.people.models import User
from incidents.response.actions import decided
from incidents.response.models import Step, StepStatus
from incidents.response.playbook import step_key
from incidents.types import utcnow

EVENT = "deletion.request"
LANGS = ("ja", "en")


def link_for(token: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/c/{token}"


def delivery_key(request_id: int, reminder: int) -> str:
    return f"deletion-request:{request_id}:{reminder}"


def _guard(session: Session, actor: User, incident_id: int, *, lock: bool = False) -> Incident:
    incident = visible_incident(session, actor, incident_id, for_update=lock)
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or a privacy officer may send deletion requests")
    if incident.status != IncidentStatus.open:
        raise InvalidTransition("the incident is closed")
    if not decided(session, incident_id):
        raise InvalidTransition("deletion requests go out only after the organisation's decision on the response "
                                "(a manager records it; an officer may waive it with a reason)")
    return incident


@dataclass
class Target:
    recipient: Recipient
    step: Step


def _targets(session: Session, incident_id: int, *, address: str | None, everyone: bool) -> list[Target]:
    if bool(address) == everyone:
        raise InvalidInput("choose one wrong recipient or all of them")
    # joined on the step's unique key (incident, "deletion:<address>"): one index look-up per recipient
    q = (select(Recipient, Step)
         .join(Step, (Step.incident_id == Recipient.incident_id)
               & (Step.key == literal("deletion:").concat(func.lower(func.trim(Recipient.address)))))
         .where(Recipient.incident_id == incident_id, Recipient.kind == "unintended",
                Step.status != StepStatus.not_applicable)
         .order_by(Recipient.position, Recipient.id))
    if address:
        q = q.where(Step.key == step_key("deletion", address))
        rows = session.execute(q).all()
        if not rows:
            raise NotFound("%(address)s is not a wrong recipient of this incident", address=address)
        return [Target(r, s) for r, s in rows[:1]]
    q = _not_asked(q, incident_id)
    seen, out = set(), []
    for r, s in session.execute(q).all():
        if s.id not in seen:  # one request per address, even when it was recorded twice
            seen.add(s.id)
            out.append(Target(r, s))
    return out


def _not_asked(q, incident_id: int):
    asked = select(DeletionRequest.recipient_id).where(DeletionRequest.incident_id == incident_id)
    return q.where(Step.confirmed_at.is_(None), Recipient.id.not_in(asked))


def _pending_all(session: Session, incident_id: int) -> tuple[int, Recipient | None]:
    """(how many `send(everyone=True)` would mail, the first of them): one count and one row, whatever the
    number of recipients (the incident page opens this)."""
    join = (Step.incident_id == Recipient.incident_id) & (
        Step.key == literal("deletion:").concat(func.lower(func.trim(Recipient.address))))
    where = (Recipient.incident_id == incident_id, Recipient.kind == "unintended",
             Step.status != StepStatus.not_applicable)
    count = session.execute(_not_asked(select(func.count(func.distinct(Step.id))).select_from(Recipient)
                                       .join(Step, join).where(*where), incident_id)).scalar() or 0
    first = None
    if count:
        first = session.execute(_not_asked(select(Recipient).join(Step, join).where(*where), incident_id)
                                .order_by(Recipient.position, Recipient.id).limit(1)).scalars().first()
    return count, first


@dataclass
class Plan:
    count: int
    languages: dict[str, int] = field(default_factory=dict)
    sample_address: str = ""
    sample_subject: str = ""
    sample_body: str = ""


def _lang(recipient: Recipient, forced: str | None) -> str:
    return forced or language_of(name=recipient.name, organization=recipient.organization,
                                 address=recipient.address, default=get_settings().default_locale)


def _facts(incident: Incident, recipient: Recipient, reference: str, link: str, expires: datetime) -> MailFacts:
    return MailFacts(name=recipient.name, organization=recipient.organization, address=recipient.address,
                     reference=reference, link=link, mail_subject=incident.subject, mail_sent_at=incident.sent_at,
                     expires_at=expires)


def _check_lang(lang: str | None) -> str | None:
    if lang and lang not in LANGS:
        raise InvalidInput("unknown language %(lang)s; ja or en", lang=str(lang)[:10])
    return lang or None


def preview(session: Session, *, actor: User, incident_id: int, address: str | None = None,
            everyone: bool = False, lang: str | None = None, languages: bool = True) -> Plan:
    """What `send` would do: how many mails, in which languages, and the first one as it will read
    (with a placeholder instead of the personal link). `languages=False` (the incident page) skips the
    per-language counts: then a count and one sample, a fixed number of queries."""
    lang = _check_lang(lang)
    incident = _guard(session, actor, incident_id)
    if everyone and not address and not languages:
        count, first = _pending_all(session, incident_id)
        plan = Plan(count=count)
    else:
        targets = _targets(session, incident_id, address=address, everyone=everyone)
        plan = Plan(count=len(targets))
        for t in targets:
            code = _lang(t.recipient, lang)
            plan.languages[code] = plan.languages.get(code, 0) + 1
        first = targets[0].recipient if targets else None
    if first is not None:
        ref = references.ensure(session, incident_id=incident_id)[first.id]
        expires = utcnow() + timedelta(days=get_settings().confirm_link_days)
        plan.sample_address = first.address
        plan.sample_subject, plan.sample_body = compose(
            _facts(incident, first, ref, link_for("…"), expires), lang=_lang(first, lang))
    return plan


@dataclass
class SendResult:
    sending_id: int
    queued: int


def send(session: Session, *, actor: User, incident_id: int, address: str | None = None, everyone: bool = False,
         lang: str | None = None, now: datetime | None = None) -> SendResult:
    """Queue one personal request per wrong recipient in the outbox (delivered by the scheduler). A new
    request to one recipient replaces their earlier links."""
    lang = _check_lang(lang)
    settings = get_settings()
    if not settings.smtp_host:
        raise Conflict("no outgoing mail server is configured, so requests cannot be mailed")
    now = now or utcnow()
    incident = _guard(session, actor, incident_id, lock=True)
    targets = _targets(session, incident_id, address=address, everyone=everyone)
    if not targets:
        raise InvalidTransition("every wrong recipient has already been asked or has confirmed")
    refs = references.ensure(session, incident_id=incident_id)
    sending = DeletionSending(incident_id=incident_id, lang=lang or "", count=len(targets), created_by_id=actor.id,
                              created_at=now)
    session.add(sending)
    session.flush()
    if address:
        _revoke_recipient(session, incident_id, targets[0].recipient.id, now)
    expires = now + timedelta(days=settings.confirm_link_days)
    reminder_at = now + timedelta(days=settings.confirm_reminder_days) if settings.confirm_reminders_max > 0 else None
    rows = [dict(sending_id=sending.id, incident_id=incident_id, recipient_id=t.recipient.id,
                 address=t.recipient.address.strip().lower(), reference=refs[t.recipient.id],
                 lang=_lang(t.recipient, lang), subject="", status=RequestStatus.queued, delivery_key="",
                 reminders=0, queued_at=now, last_mailed_at=now, next_reminder_at=reminder_at,
                 created_by_id=actor.id) for t in targets]
    ids: list[int] = []
    table = DeletionRequest.__table__
    for i in range(0, len(rows), 500):
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows[i:i + 500])
        ids += [r[0] for r in result]
    token_rows, deliveries, request_updates = [], [], []
    for request_id, row, t in zip(ids, rows, targets):
        token, digest, nonce = tokens.new_token(request_id)
        token_rows.append(dict(request_id=request_id, token_hash=digest, nonce=nonce, expires_at=expires,
                               created_at=now))
        subject, body = compose(_facts(incident, t.recipient, row["reference"], link_for(token), expires),
                                lang=row["lang"])
        key = delivery_key(request_id, 0)
        deliveries.append(_delivery(key, incident_id, t.recipient, subject, body, now))
        request_updates.append({"b_id": request_id, "b_subject": subject, "b_key": key})
    for i in range(0, len(token_rows), 1000):
        session.execute(insert(ConfirmationToken.__table__), token_rows[i:i + 1000])
    _set_keys(session, request_updates)
    insert_rows(session, [], deliveries)
    step_ids = [t.step.id for t in targets]
    for i in range(0, len(step_ids), 500):
        session.execute(update(Step).where(Step.id.in_(step_ids[i:i + 500])).values(request_sent_at=now, updated_at=now)
                        .execution_options(synchronize_session=False))
    session.flush()
    record(session, actor=actor, action="deletion.requests_mailed", incident_id=incident_id, entity="deletion_sending",
           entity_id=sending.id, after={"count": len(targets), "lang": lang or "reader",
                                        "recipient": targets[0].recipient.address if address else None})
    return SendResult(sending_id=sending.id, queued=len(targets))


def _delivery(key: str, incident_id: int, recipient: Recipient, subject: str, body: str, now: datetime) -> dict:
    return dict(dedupe_key=key, channel="mail", target=recipient.address.strip(), user_id=None,
                incident_id=incident_id, event=EVENT, subject=subject, body=body,
                payload={"to_name": recipient.name or None}, status="pending", attempts=0, next_attempt_at=now,
                last_error="", created_at=now)


def _set_keys(session: Session, updates: list[dict]) -> None:
    from sqlalchemy import bindparam

    t = DeletionRequest.__table__
    stmt = t.update().where(t.c.id == bindparam("b_id")).values(subject=bindparam("b_subject"),
                                                                delivery_key=bindparam("b_key"))
    conn = session.connection()
    for i in range(0, len(updates), 1000):
        conn.execute(stmt, updates[i:i + 1000])


def _revoke_recipient(session: Session, incident_id: int, recipient_id: int, now: datetime) -> int:
    earlier = select(DeletionRequest.id).where(DeletionRequest.incident_id == incident_id,
                                               DeletionRequest.recipient_id == recipient_id)
    result = session.execute(update(ConfirmationToken).where(ConfirmationToken.request_id.in_(earlier),
                                                             ConfirmationToken.revoked_at.is_(None))
                             .values(revoked_at=now).execution_options(synchronize_session=False))
    session.execute(update(DeletionRequest).where(DeletionRequest.id.in_(earlier))
                    .values(next_reminder_at=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


def revoke(session: Session, *, actor: User, incident_id: int, address: str, now: datetime | None = None) -> int:
    """Make every confirmation link of one wrong recipient unusable (e.g. a link reached the wrong person)."""
    incident = visible_incident(session, actor, incident_id)
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or a privacy officer may revoke a link")
    rid = session.execute(select(Recipient.id).where(Recipient.incident_id == incident_id,
                                                     func.lower(Recipient.address) == address.strip().lower())
                          ).scalars().first()
    if rid is None:
        raise NotFound("%(address)s is not a recipient of this incident", address=address)
    n = _revoke_recipient(session, incident_id, rid, now or utcnow())
    session.flush()
    record(session, actor=actor, action="deletion.link_revoked", incident_id=incident_id, entity="recipient",
           entity_id=rid, after={"recipient": address.strip().lower(), "links": n})
    return n
