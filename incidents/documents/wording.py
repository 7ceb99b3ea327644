"""The words a letter may use beyond the recorded facts, written for outside readers.

A letter states what the record shows (the mistake, the mail, the data, what was done as counts).
Where the organisation wants to say more — the cause in a sentence, what it did, what it will
change — a manager or officer writes it here, with the decision on the response, in each language;
the documents page shows it for review before the first letter goes out. Internal notes (step
notes, the decision note) never stand in for it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import Session

from incidents.audit import service as audit
from incidents.cases.access import can_manage, visible_incident
from incidents.documents.models import LetterWording
from incidents.errors import Forbidden
from incidents.people.models import User
from incidents.types import utcnow

FIELDS = ("cause_ja", "cause_en", "actions_ja", "actions_en", "measures_ja", "measures_en")
MAX_CHARS = 1200  # a few sentences: a letter is one page


class WordingIn(BaseModel):
    """Only the fields given change; an empty string clears one."""

    cause_ja: str | None = Field(default=None, max_length=MAX_CHARS)
    cause_en: str | None = Field(default=None, max_length=MAX_CHARS)
    actions_ja: str | None = Field(default=None, max_length=MAX_CHARS)
    actions_en: str | None = Field(default=None, max_length=MAX_CHARS)
    measures_ja: str | None = Field(default=None, max_length=MAX_CHARS)
    measures_en: str | None = Field(default=None, max_length=MAX_CHARS)


class WordingPublic(BaseModel):
    incident_id: int
    cause_ja: str = ""
    cause_en: str = ""
    actions_ja: str = ""
    actions_en: str = ""
    measures_ja: str = ""
    measures_en: str = ""
    updated_at: str | None = None


def _clean(text: str) -> str:
    """One paragraph of plain text: no control characters, line breaks folded into spaces."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else "" for ch in text)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def for_letters(session: Session, incident_id: int, lang: str) -> dict[str, str]:
    row = session.get(LetterWording, incident_id)
    if row is None:
        return {}
    suffix = "en" if lang == "en" else "ja"
    return {k: getattr(row, f"{k}_{suffix}") for k in ("cause", "actions", "measures")}


def get(session: Session, *, actor: User, incident_id: int) -> WordingPublic:
    visible_incident(session, actor, incident_id)
    row = session.get(LetterWording, incident_id)
    if row is None:
        return WordingPublic(incident_id=incident_id)
    return WordingPublic(incident_id=incident_id, **{f: getattr(row, f) for f in FIELDS},
                         updated_at=row.updated_at.isoformat())


def set_wording(session: Session, *, actor: User, incident_id: int, data: WordingIn) -> WordingPublic:
    incident = visible_incident(session, actor, incident_id)
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or an officer sets what letters say")
    row = session.get(LetterWording, incident_id) or LetterWording(incident_id=incident_id)
    before = {f: getattr(row, f) or "" for f in FIELDS}
    for f in FIELDS:
        value = getattr(data, f)
        if value is not None:
            setattr(row, f, _clean(value))
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    session.add(row)
    session.flush()
    after = {f: getattr(row, f) for f in FIELDS}
    audit.record(session, actor=actor, action="letters.wording_set", incident_id=incident_id, entity="letter_wording",
                 entity_id=incident_id, before={k: v for k, v in before.items() if v != after[k]},
                 after={k: v for k, v in after.items() if v != before[k]})
    return get(session, actor=actor, incident_id=incident_id)
