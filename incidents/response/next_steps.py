"""What happens now, for the person who has just reported: who was actually told, what they must (and must
not) do, their next steps. True to the case: a mass Bcc mistake is not handled by the sender calling
eighty people, and nobody apologises before the organisation has decided. For the CLI's and the web's
final screens alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.cases.access import visible_incident
from incidents.cases.models import Recipient
from incidents.i18n import N_, translate
from incidents.people.models import User
from incidents.response.hooks import managers_of
from incidents.response.labels import step_title
from incidents.response.models import Step, StepStatus

# At most this many wrong recipients: the reporter may be the one to ask them to delete the mail (if the
# organisation's decision does not say otherwise); beyond it, the manager organises who contacts whom.
FEW_RECIPIENTS = 3
MASS_MISTAKES = frozenset({"bcc_exposure", "distribution_list"})

DO_NOT_APOLOGISE = N_("Do not apologise or explain anything to the recipients yet: the organisation first "
                      "decides the wording and who contacts whom.")
STAY_REACHABLE = N_("Stay reachable, keep the sent mail, and tell the person handling it anything new you learn.")
RECALL = N_("If the mail can still be recalled, or a shared link or file revoked, do it now.")
ASK_DELETION = N_("If you know the recipient, you may ask them by phone to delete the mail without opening it "
                  "(also from the trash and any saved attachments) and not to forward it. Nothing more yet.")
DO_NOT_CONTACT = N_("Do not contact the recipients yourself: with this many people, your manager decides how they "
                    "are informed.")
LOOKALIKE = N_("The look-alike domain may belong to a third party: send nothing more to it.")


@dataclass(frozen=True)
class Told:
    name: str
    role: str  # "manager" | "officer"


@dataclass(frozen=True)
class NextStep:
    title: str
    due_at: datetime | None


@dataclass(frozen=True)
class WhatNow:
    incident_id: int
    told: tuple[Told, ...]
    advice: tuple[str, ...]  # in the reader's language, in order
    steps: tuple[NextStep, ...]


def what_now(session: Session, *, actor: User, incident_id: int, locale: str) -> WhatNow:
    incident = visible_incident(session, actor, incident_id)
    told = tuple(Told(u.display_name, "manager" if u.is_manager and not u.is_officer else "officer")
                 for u in managers_of(session, incident))
    unintended = session.execute(select(func.count()).select_from(Recipient).where(
        Recipient.incident_id == incident_id, Recipient.kind == "unintended")).scalar_one()
    mass = incident.mistake_type in MASS_MISTAKES or unintended > FEW_RECIPIENTS
    advice = [DO_NOT_APOLOGISE, RECALL, DO_NOT_CONTACT if mass else ASK_DELETION]
    if incident.mistake_type == "lookalike_domain":
        advice.append(LOOKALIKE)
    advice.append(STAY_REACHABLE)
    mine = session.execute(select(Step).where(
        Step.incident_id == incident_id, Step.status == StepStatus.pending, Step.role == "employee",
        Step.recipient_address.is_(None)).order_by(Step.position)).scalars().all()
    return WhatNow(incident_id=incident_id, told=told, advice=tuple(translate(a, locale) for a in advice),
                   steps=tuple(NextStep(step_title(s.kind, None, locale), s.due_at) for s in mine))
