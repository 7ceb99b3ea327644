"""整理番号: one reference number per recipient, printed on its letter and its deletion form.

Format `<incident id>-<seq, at least 4 digits>-<check digit>`, e.g. `42-0017-3`. The check digit
(Damm's algorithm) catches every single wrong digit and every swap of two neighbouring digits, the
usual mistakes when a number is typed back from a returned paper form. Numbers are assigned lazily
and stably: the first call numbers the recipients in their recorded order; a recipient added later
gets the next number; a number never changes or moves to another recipient.

    refs = ensure(session, incident_id=42)          # {recipient_id: "42-0001-7", ...}
    recipient = resolve(session, reference="４２ー０００１ー７")   # full-width and dashes are fine

Services flush, callers commit. Access is the caller's concern (these are building blocks of the
documents and response services, which check the actor first).
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, insert, select
from sqlmodel import Session

from incidents.cases.models import Incident, Recipient
from incidents.documents.models import LetterReference
from incidents.errors import InvalidInput, NotFound

# Damm's quasigroup of order 10 (totally anti-symmetric): detects all single-digit errors and all
# adjacent transpositions.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3), (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6), (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7), (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SHAPE = re.compile(r"^(\d{1,12})-(\d{4,9})-(\d)$")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff0d\u2043\ufe63_/]")
_SPACES = re.compile(r"[\s\u3000]+")
_PREFIX = re.compile(r"^(?:no\.?|整理番号[:：]?|ref\.?:?)", re.I)


def check_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def format_reference(incident_id: int, seq: int) -> str:
    body = f"{incident_id}{seq:04d}"
    return f"{incident_id}-{seq:04d}-{check_digit(body)}"


def normalise(text: str) -> str:
    """What a person typed back (全角, ー, spaces, «No.») as the canonical form; not yet validated."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = _SPACES.sub("", value)
    value = _PREFIX.sub("", value)
    return _DASHES.sub("-", value).strip("-")


def parse(text: str) -> tuple[int, int]:
    """(incident id, seq) of a reference; InvalidInput when it is malformed or its check digit is wrong."""
    value = normalise(text)
    match = _SHAPE.match(value)
    if match is None:
        raise InvalidInput(f"{str(text)[:40]!r} is not a reference number (like 42-0017-3)")
    incident, seq, check = match.groups()
    if check_digit(incident + seq) != int(check):
        raise InvalidInput(f"reference number {value} is mistyped (its check digit does not match)")
    return int(incident), int(seq)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidInput:
        return False
    return True


def ensure(session: Session, *, incident_id: int) -> dict[int, str]:
    """Every recipient of the incident with its reference number (assigning the missing ones)."""
    existing = dict(session.execute(select(LetterReference.recipient_id, LetterReference.reference).where(
        LetterReference.incident_id == incident_id)).all())
    missing = session.execute(
        select(Recipient.id).where(Recipient.incident_id == incident_id, Recipient.id.not_in(
            select(LetterReference.recipient_id).where(LetterReference.incident_id == incident_id)))
        .order_by(Recipient.position, Recipient.id)).scalars().all()
    if not missing:
        return existing
    # Serialise numbering per incident (PostgreSQL; SQLite writes are serialised already).
    session.execute(select(Incident.id).where(Incident.id == incident_id).with_for_update())
    top = session.execute(select(func.max(LetterReference.seq)).where(
        LetterReference.incident_id == incident_id)).scalar() or 0
    rows = []
    for offset, recipient_id in enumerate(missing, start=1):
        reference = format_reference(incident_id, top + offset)
        rows.append({"incident_id": incident_id, "recipient_id": recipient_id, "seq": top + offset,
                     "reference": reference})
        existing[recipient_id] = reference
    conn = session.connection()
    for i in range(0, len(rows), 1000):
        conn.execute(insert(LetterReference.__table__), rows[i:i + 1000])
    session.flush()
    return existing


def of_recipient(session: Session, *, recipient_id: int) -> str:
    recipient = session.get(Recipient, recipient_id)
    if recipient is None:
        raise NotFound(f"no recipient {recipient_id}")
    return ensure(session, incident_id=recipient.incident_id)[recipient_id]


def by_address(session: Session, *, incident_id: int) -> dict[str, str]:
    """Lower-cased address → reference, for every recipient of the incident."""
    refs = ensure(session, incident_id=incident_id)
    rows = session.execute(select(Recipient.id, Recipient.address).where(Recipient.incident_id == incident_id)).all()
    return {address.lower(): refs[rid] for rid, address in rows if rid in refs}


def resolve(session: Session, *, reference: str, incident_id: int | None = None) -> Recipient:
    """The recipient a reference number was printed for."""
    ref_incident, _ = parse(reference)
    canonical = normalise(reference)
    row = session.execute(select(LetterReference).where(LetterReference.reference == canonical)).scalar_one_or_none()
    if row is None or (incident_id is not None and (row.incident_id != incident_id or ref_incident != incident_id)):
        where = f" in incident {incident_id}" if incident_id is not None else ""
        raise NotFound(f"no recipient has reference number {canonical}{where}")
    recipient = session.get(Recipient, row.recipient_id)
    if recipient is None:  # pragma: no cover - the foreign key cascades
        raise NotFound(f"no recipient has reference number {canonical}")
    return recipient
