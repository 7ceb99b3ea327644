"""Progress at a glance: requests sent, delivered, bounced; confirmations (opened yes / no / don't know);
not answered; and what that means for the assessment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from incidents.cases.access import visible_incident
from incidents.confirmations.models import DeletionBounce, DeletionRequest
from incidents.i18n import gettext as _
from incidents.i18n import ngettext
from incidents.notify.models import Delivery
from incidents.people.models import User
from incidents.response.models import Step, StepStatus


@dataclass
class Progress:
    wrong: int = 0  # wrong recipients who are asked to confirm
    requested: int = 0  # of them, asked by mail
    queued: int = 0
    delivered: int = 0
    bounced: int = 0
    failed: int = 0
    auto_replies: int = 0
    reminders: int = 0
    confirmed_no: int = 0
    confirmed_yes: int = 0
    confirmed_unknown: int = 0
    not_answered: int = 0

    @property
    def confirmed(self) -> int:
        return self.confirmed_no + self.confirmed_yes + self.confirmed_unknown

    @property
    def not_a_leak(self) -> bool:
        return self.wrong > 0 and self.confirmed_no == self.wrong

    def meaning(self) -> str:
        """One sentence in the current language (empty when nobody has to confirm)."""
        if not self.wrong:
            return ""
        opened = self.confirmed_yes + self.confirmed_unknown
        if opened:
            return ngettext("%(num)s wrong recipient opened the mail or does not know: this remains a leak, "
                            "whatever the others answer.",
                            "%(num)s wrong recipients opened the mail or do not know: this remains a leak, "
                            "whatever the others answer.", opened)
        if self.not_a_leak:
            return _("Every wrong recipient confirmed deleting the mail unread: this is not a leak.")
        return ngettext("If the %(num)s who has not answered confirms deleting it unread, this is not a leak.",
                        "If the %(num)s who have not answered confirm deleting it unread, this is not a leak.",
                        self.not_answered)


def of_incident(session: Session, incident_id: int) -> Progress:
    p = Progress()
    for confirmed, opened, n in session.execute(
        select(Step.confirmed_at.is_not(None), Step.opened, func.count()).where(
            Step.incident_id == incident_id, Step.kind == "deletion", Step.status != StepStatus.not_applicable)
        .group_by(Step.confirmed_at.is_not(None), Step.opened)
    ):
        p.wrong += n
        if not confirmed:
            p.not_answered += n
        elif opened == "no":
            p.confirmed_no += n
        elif opened == "yes":
            p.confirmed_yes += n
        else:
            p.confirmed_unknown += n
    latest = (select(func.max(DeletionRequest.id).label("id")).where(DeletionRequest.incident_id == incident_id)
              .group_by(DeletionRequest.recipient_id).subquery())
    rows = session.execute(
        select(DeletionRequest.bounced_at.is_not(None), Delivery.status, func.count(),
               func.sum(DeletionRequest.reminders))
        .join(latest, latest.c.id == DeletionRequest.id)
        .outerjoin(Delivery, Delivery.dedupe_key == DeletionRequest.delivery_key)
        .group_by(DeletionRequest.bounced_at.is_not(None), Delivery.status))
    for bounced, status, n, reminders in rows:
        p.requested += n
        p.reminders += int(reminders or 0)
        if bounced:
            p.bounced += n
        elif status == "sent":
            p.delivered += n
        elif status in ("failed", "cancelled"):
            p.failed += n
        else:
            p.queued += n
    p.auto_replies = session.execute(select(func.count()).select_from(DeletionBounce).where(
        DeletionBounce.incident_id == incident_id, DeletionBounce.kind == "auto_reply")).scalar() or 0
    return p


def progress(session: Session, *, actor: User, incident_id: int) -> Progress:
    visible_incident(session, actor, incident_id)
    return of_incident(session, incident_id)
