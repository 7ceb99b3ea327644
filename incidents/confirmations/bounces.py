"""Bounces and automatic replies to deletion requests, uploaded as .eml files (or read from a mailbox),
matched to the request they answer: by our Message-ID quoted in the bounce, by the personal link, by the
reference number (整理番号), or by the address that bounced or replied. A bounce stops the reminders to
that address and shows on the incident page; an automatic reply is only shown.

    results = record_messages(session, actor=user, incident_id=42, messages=[raw_bytes, ...])
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.message import Message
from email.policy import default as default_policy
from email.utils import getaddresses

from sqlalchemy import func, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.access import can_manage, visible_incident
from incidents.confirmations import tokens
from incidents.confirmations.models import BounceKind, DeletionBounce, DeletionRequest, RequestStatus
from incidents.documents import references
from incidents.errors import Forbidden, InvalidInput
from incidents.people.models import User
from incidents.types import utcnow

MAX_MESSAGES = 5000
MAX_BYTES = 5 * 1024 * 1024
_OUR_ID = re.compile(r"<?deletion-request\.(\d{1,12})\.(\d{1,4})@incidents\.invalid>?")
_LINK = re.compile(r"/c/([0-9a-f]{40})\b")
_REFERENCE = re.compile(r"\b(\d{1,12}-\d{4,9}-\d)\b")
_AUTO_SUBJECT = re.compile(r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesen|自動応答|自動返信|不在)",
                           re.I)
_RECIPIENT_FIELD = re.compile(r"^(final|original)-recipient:\s*(?:rfc822;)?\s*<?([^>\s]+@[^>\s]+)>?", re.I | re.M)


@dataclass
class Match:
    kind: str
    request_id: int | None
    matched_by: str
    subject: str
    summary: str
    message_id: str


def _text_of(msg: Message) -> str:
    """Every text part and every embedded header block, as text (for the searches)."""
    out = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype.startswith("text/") or ctype in ("message/delivery-status", "message/rfc822-headers"):
            payload = part.get_payload(decode=True)
            if payload is None and isinstance(part.get_payload(), list):
                payload = "\n".join(str(p) for p in part.get_payload()).encode()
            if payload:
                out.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        elif ctype == "message/rfc822":
            for inner in part.get_payload() if isinstance(part.get_payload(), list) else []:
                out.append("\n".join(f"{k}: {v}" for k, v in inner.items()))
    return "\n".join(out)[:500_000]


def classify(msg: Message) -> str | None:
    ctype = msg.get_content_type()
    report = (msg.get_param("report-type") or "").lower() if ctype == "multipart/report" else ""
    sender = str(msg.get("From", "")).lower()
    if report == "delivery-status" or "mailer-daemon" in sender or "postmaster" in sender:
        return BounceKind.bounce
    auto = str(msg.get("Auto-Submitted", "")).lower()
    if auto.startswith("auto-") or msg.get("X-Autoreply") or msg.get("X-Autorespond") \
            or _AUTO_SUBJECT.search(str(msg.get("Subject", ""))):
        return BounceKind.auto_reply
    return None


def match(session: Session, incident_id: int, raw: bytes) -> Match | None:
    msg = email.message_from_bytes(raw, policy=default_policy)
    kind = classify(msg)
    if kind is None:
        return None
    text = _text_of(msg)
    headers = " ".join(str(msg.get(h, "")) for h in ("In-Reply-To", "References"))
    subject = str(msg.get("Subject", ""))[:500]
    summary = _summary(text)
    message_id = str(msg.get("Message-ID", ""))[:400]
    requests = select(DeletionRequest.id).where(DeletionRequest.incident_id == incident_id)

    def found(request_id: int | None, how: str) -> Match | None:
        if request_id is None:
            return None
        return Match(kind, request_id, how, subject, summary, message_id)

    for m in _OUR_ID.finditer(headers + "\n" + text):
        rid = session.execute(requests.where(DeletionRequest.id == int(m.group(1)))).scalar()
        if rid:
            return found(rid, "message")
    for m in _LINK.finditer(text):
        hit = tokens.find(session, m.group(1))
        if hit and hit[1].incident_id == incident_id:
            return found(hit[1].id, "token")
    for m in _REFERENCE.finditer(subject + "\n" + text):
        rid = session.execute(requests.where(DeletionRequest.reference == references.normalise(m.group(1)))
                              .order_by(DeletionRequest.id.desc()).limit(1)).scalar()
        if rid:
            return found(rid, "reference")
    candidates = [a for _, a in _RECIPIENT_FIELD.findall(text)]
    if kind == BounceKind.auto_reply:
        candidates += [a for _, a in getaddresses([str(msg.get("From", "")), str(msg.get("Reply-To", ""))])]
    for address in candidates:
        rid = session.execute(requests.where(DeletionRequest.address == address.strip().lower())
                              .order_by(DeletionRequest.id.desc()).limit(1)).scalar()
        if rid:
            return found(rid, "address")
    return Match(kind, None, "", subject, summary, message_id)


def _summary(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if re.match(r"^(diagnostic-code|status):", line, re.I):
            return line[:300]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return " ".join(lines[:3])[:300]


def record_messages(session: Session, *, actor: User, incident_id: int, messages: list[bytes]) -> list[Match]:
    """Match and keep each bounce or automatic reply; other messages are ignored. Returns what was kept."""
    incident = visible_incident(session, actor, incident_id)
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or a privacy officer may record bounces")
    if len(messages) > MAX_MESSAGES:
        raise InvalidInput("at most %(n)s messages at once", n=f"{MAX_MESSAGES:,}")
    now, kept = utcnow(), []
    for raw in messages:
        if len(raw) > MAX_BYTES:
            raise InvalidInput("a message is larger than 5 MiB")
        m = match(session, incident_id, raw)
        if m is None:
            continue
        if m.message_id and session.execute(select(func.count()).select_from(DeletionBounce).where(
                DeletionBounce.incident_id == incident_id, DeletionBounce.message_id == m.message_id)).scalar():
            continue  # uploaded before
        session.add(DeletionBounce(incident_id=incident_id, request_id=m.request_id, kind=m.kind,
                                   matched_by=m.matched_by, subject=m.subject, summary=m.summary,
                                   message_id=m.message_id, received_at=now, created_by_id=actor.id))
        if m.kind == BounceKind.bounce and m.request_id:
            session.execute(update(DeletionRequest).where(DeletionRequest.id == m.request_id,
                                                          DeletionRequest.answered_at.is_(None))
                            .values(status=RequestStatus.bounced, bounced_at=now, next_reminder_at=None))
        kept.append(m)
    session.flush()
    record(session, actor=actor, action="deletion.bounces_recorded", incident_id=incident_id, entity="deletion_bounces",
           entity_id=incident_id, after={"bounces": sum(m.kind == BounceKind.bounce for m in kept),
                                         "auto_replies": sum(m.kind == BounceKind.auto_reply for m in kept),
                                         "unmatched": sum(m.request_id is None for m in kept)})
    return kept


def list_bounces(session: Session, *, actor: User, incident_id: int, limit: int = 200) -> list[tuple[DeletionBounce, str]]:
    visible_incident(session, actor, incident_id)
    rows = session.execute(
        select(DeletionBounce, DeletionRequest.address).outerjoin(DeletionRequest, DeletionRequest.id == DeletionBounce.request_id)
        .where(DeletionBounce.incident_id == incident_id).order_by(DeletionBounce.id.desc()).limit(limit)).all()
    return [(b, a or "") for b, a in rows]
