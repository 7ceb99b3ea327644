"""What people do with the playbook: done, waive, decide, deletion, apology, bulk, close.

Guards: a gated step (deletion letter, apology) cannot be recorded before the manager's
decision, unless an officer waived the decision with a reason; an incident closes only when every
required step is done, not applicable, or waived with a reason. Keyword-only, flush never commit,
every change audited in the same transaction.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases.models import Incident, IncidentStatus
from incidents.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from incidents.i18n import gettext as _
from incidents.cases.access import can_manage, visible_incident
from incidents.people.models import User
from incidents.response.models import ApologyChannel, Step, StepStatus
from incidents.response.playbook import closable, step_key
from incidents.response.rules import Opened
from incidents.response.service import sync_playbook
from incidents.times import parse_datetime
from incidents.types import utcnow

CLOSED_STATES = (StepStatus.done, StepStatus.waived)


def _step(session: Session, incident_id: int, key: str) -> Step:
    key = key.strip()
    if ":" in key:
        key = step_key(*key.split(":", 1))
    step = session.execute(select(Step).where(Step.incident_id == incident_id, Step.key == key)).scalar_one_or_none()
    if step is None:
        raise NotFound("incident %(id)s has no step %(key)s", id=incident_id, key=repr(key))
    return step


def _may_act(session: Session, actor: User, incident: Incident, role: str) -> None:
    if role == "officer" and not actor.is_officer:
        raise Forbidden("only a privacy officer may do this step")
    if role == "manager" and not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or an officer may do this step")
    if role == "employee" and incident.reporter_id != actor.id and not can_manage(session, actor, incident):
        raise Forbidden("only the reporter, their manager or an officer may do this step")


def _open_incident(session: Session, actor: User, incident_id: int) -> Incident:
    incident = visible_incident(session, actor, incident_id, for_update=True)
    if incident.status != IncidentStatus.open:
        raise InvalidTransition("incident %(id)s is closed; it must be reopened first", id=incident_id)
    return incident


def decided(session: Session, incident_id: int) -> bool:
    status = session.execute(
        select(Step.status).where(Step.incident_id == incident_id, Step.key == "decision")
    ).scalar_one_or_none()
    return status in CLOSED_STATES


def _require_decision(session: Session, incident_id: int, what: str) -> None:
    if not decided(session, incident_id):
        raise InvalidTransition(
            "this cannot be recorded before the manager records the organisation's decision "
            "(an officer may waive the decision with a reason)"
        )


def _snapshot(step: Step) -> dict[str, Any]:
    return {k: getattr(step, k) for k in ("status", "note", "waive_reason", "opened", "request_sent_at",
                                          "confirmed_at", "phone_at", "written_at", "written_channel")}


def _finish(session: Session, *, actor: User, step: Step, status: str, note: str = "", reason: str = "",
            action: str, now: datetime | None = None, **changes: Any) -> Step:
    now = now or utcnow()
    before = _snapshot(step)
    for k, v in changes.items():
        setattr(step, k, v)
    step.status = status
    if note:
        step.note = note
    if reason:
        step.waive_reason = reason
    if status in CLOSED_STATES:
        step.done_by_id, step.done_at, step.next_notify_at = actor.id, now, None
    step.updated_at = now
    session.add(step)
    session.flush()
    record(session, actor=actor, action=action, incident_id=step.incident_id, entity="response_step",
           entity_id=step.id, before=before, after={"key": step.key, **_snapshot(step)})
    return step


def complete_step(session: Session, *, actor: User, incident_id: int, key: str, note: str = "") -> Step:
    if key == "decision":
        return decide(session, actor=actor, incident_id=incident_id, note=note)
    if key == "first_report":
        return acknowledge(session, actor=actor, incident_id=incident_id, note=note)
    if key == "close":
        close(session, actor=actor, incident_id=incident_id, reason=note)
        return _step(session, incident_id, "close")
    if key.startswith("deletion:"):
        raise InvalidInput("a deletion is recorded with the recipient's written confirmation: who it is and whether they "
                           "opened the mail (yes, no or unknown)")
    incident = _open_incident(session, actor, incident_id)
    step = _step(session, incident_id, key)
    _may_act(session, actor, incident, step.role)
    if step.status != StepStatus.pending:
        raise InvalidTransition("this step is no longer open: it was already done or waived")
    if step.gated:
        _require_decision(session, incident_id, "an apology")
    return _finish(session, actor=actor, step=step, status=StepStatus.done, note=note, action="step.done")


def waive_step(session: Session, *, actor: User, incident_id: int, key: str, reason: str) -> Step:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a waived step needs a reason")
    incident = _open_incident(session, actor, incident_id)
    step = _step(session, incident_id, key)
    if not can_manage(session, actor, incident):
        raise Forbidden("only a manager of the incident's department or an officer may waive a step")
    if step.key == "decision" and not actor.is_officer:
        raise Forbidden("only a privacy officer may waive the organisation's decision")
    if step.role == "officer" and not actor.is_officer:
        raise Forbidden("only a privacy officer may waive this step")
    if step.status != StepStatus.pending:
        raise InvalidTransition("this step is no longer open: it was already done or waived")
    return _finish(session, actor=actor, step=step, status=StepStatus.waived, reason=reason, action="step.waived")


def acknowledge(session: Session, *, actor: User, incident_id: int, note: str = "") -> Step:
    """The manager acknowledges the first report (the step records when)."""
    incident = _open_incident(session, actor, incident_id)
    step = _step(session, incident_id, "first_report")
    _may_act(session, actor, incident, "manager")
    if step.status != StepStatus.pending:
        return step
    return _finish(session, actor=actor, step=step, status=StepStatus.done, note=note, action="step.acknowledged")


def decide(session: Session, *, actor: User, incident_id: int, note: str) -> Step:
    """The organisation's decision on the response (manager); it also acknowledges the first report."""
    if not (note or "").strip():
        raise InvalidInput("record the decision itself in the note (wording, who calls whom, reportable or not)")
    incident = _open_incident(session, actor, incident_id)
    _may_act(session, actor, incident, "manager")
    step = _step(session, incident_id, "decision")
    if step.status != StepStatus.pending:
        raise InvalidTransition("the decision has already been recorded or waived")
    acknowledge(session, actor=actor, incident_id=incident_id)
    return _finish(session, actor=actor, step=step, status=StepStatus.done, note=note.strip(), action="step.decided")


def _recipient_step(session: Session, incident_id: int, kind: str, address: str) -> Step:
    step = session.execute(
        select(Step).where(Step.incident_id == incident_id, Step.key == step_key(kind, address))
    ).scalar_one_or_none()
    if step is None or step.status == StepStatus.not_applicable:
        raise NotFound("%(address)s is not a recipient of incident %(id)s with this step", address=address, id=incident_id,
                       field="recipient")
    return step


def send_deletion_request(session: Session, *, actor: User, incident_id: int, address: str, note: str = "") -> Step:
    incident = _open_incident(session, actor, incident_id)
    step = _recipient_step(session, incident_id, "deletion", address)
    _may_act(session, actor, incident, step.role)
    _require_decision(session, incident_id, "a deletion request letter")
    return _finish(session, actor=actor, step=step, status=step.status, note=note, action="deletion.requested",
                   request_sent_at=utcnow())


def confirm_deletion(session: Session, *, actor: User, incident_id: int, address: str, opened: str,
                     note: str = "", confirmed_at: datetime | None = None, resync: bool = True) -> Step:
    """The wrong recipient's written confirmation came back; `opened` decides the exemption."""
    if opened not in Opened.__members__:
        raise InvalidInput("say whether the recipient opened the mail: yes, no or unknown", field="opened")
    incident = _open_incident(session, actor, incident_id)
    step = _recipient_step(session, incident_id, "deletion", address)
    _may_act(session, actor, incident, step.role)
    status = step.status if step.status == StepStatus.waived else StepStatus.done
    _finish(session, actor=actor, step=step, status=status, note=note, action="deletion.confirmed",
            confirmed_at=confirmed_at or utcnow(), opened=opened)
    if resync:
        sync_playbook(session, incident=incident, actor=actor)  # the assessment may change
    return step


def record_apology(session: Session, *, actor: User, incident_id: int, address: str, channel: str,
                   note: str = "") -> Step:
    """Phone first, then letter or email: both are recorded; the written one completes the step."""
    if channel not in ApologyChannel.__members__:
        raise InvalidInput("choose how the apology was made: by phone, by letter or by email", field="channel")
    incident = _open_incident(session, actor, incident_id)
    step = _recipient_step(session, incident_id, "apology", address)
    _may_act(session, actor, incident, step.role)
    _require_decision(session, incident_id, "an apology")
    now = utcnow()
    if channel == ApologyChannel.phone:
        return _finish(session, actor=actor, step=step, status=step.status, note=note, action="apology.phoned",
                       phone_at=now)
    status = StepStatus.done if step.status == StepStatus.pending else step.status
    return _finish(session, actor=actor, step=step, status=status, note=note, action="apology.written",
                   written_at=now, written_channel=channel)


class BulkResult(BaseModel):
    updated: int
    skipped: int = 0
    errors: list[str] = []


def mark_all_sent(session: Session, *, actor: User, incident_id: int, kind: str, channel: str = "email") -> BulkResult:
    """Bulk: every pending deletion request as sent, or every pending apology as written (letter/email)."""
    if kind not in ("deletion", "apology"):
        raise InvalidInput("kind must be deletion or apology")
    if kind == "apology" and channel not in ("letter", "email"):
        raise InvalidInput("a bulk apology is a letter or an email")
    incident = _open_incident(session, actor, incident_id)
    _may_act(session, actor, incident, "employee")
    _require_decision(session, incident_id, "a deletion request letter" if kind == "deletion" else "an apology")
    now = utcnow()
    q = update(Step).where(Step.incident_id == incident_id, Step.kind == kind, Step.status == StepStatus.pending)
    if kind == "deletion":
        q = q.where(Step.request_sent_at.is_(None)).values(request_sent_at=now, updated_at=now)
    else:
        q = q.values(written_at=now, written_channel=channel, status=StepStatus.done, done_by_id=actor.id,
                     done_at=now, next_notify_at=None, updated_at=now)
    n = session.execute(q.execution_options(synchronize_session=False)).rowcount or 0
    session.flush()
    record(session, actor=actor, action=f"{kind}.bulk_sent", incident_id=incident_id, entity="playbook",
           entity_id=incident_id, after={"count": n, "channel": channel if kind == "apology" else "letter"})
    return BulkResult(updated=n)


# Column names a returned-forms spreadsheet may use (Japanese headers of the 削除確認書).
_CSV_ALIASES = {"整理番号": "reference", "reference_number": "reference", "ref": "reference",
                "メールアドレス": "address", "開封": "opened"}


def import_confirmations(session: Session, *, actor: User, incident_id: int, csv_text: str) -> BulkResult:
    """CSV with a header: address or reference (整理番号, printed on the letter and the returned form),
    opened (yes/no/unknown), optional confirmed_at (ISO 8601), note."""
    from incidents.documents import references

    incident = _open_incident(session, actor, incident_id)
    _may_act(session, actor, incident, "employee")
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    fields = {_CSV_ALIASES.get((f or "").strip().lower(), (f or "").strip().lower()) for f in reader.fieldnames or ()}
    if "opened" not in fields or not fields & {"address", "reference"}:
        raise InvalidInput("the CSV needs the columns opened and address or reference (整理番号)")
    steps = {
        s.recipient_address: s for s in session.execute(
            select(Step).where(Step.incident_id == incident_id, Step.kind == "deletion",
                               Step.status != StepStatus.not_applicable)
        ).scalars()
    }
    by_reference = ({ref: address for address, ref in references.by_address(session, incident_id=incident_id).items()}
                    if "reference" in fields else {})
    now, rows, errors = utcnow(), [], []
    for line, raw in enumerate(reader, start=2):
        row = {_CSV_ALIASES.get((k or "").strip().lower(), (k or "").strip().lower()): (v or "").strip()
               for k, v in raw.items()}
        address, opened = row.get("address", "").lower(), row.get("opened", "").lower()
        if row.get("reference"):
            if not references.is_valid(row["reference"]):
                errors.append(_("line %(line)s: %(value)s is not a valid reference number", line=line,
                                value=row["reference"][:40]))
                continue
            found = by_reference.get(references.normalise(row["reference"]))
            if found is None or (address and address != found):
                ref = references.normalise(row["reference"])
                errors.append(_("line %(line)s: reference number %(ref)s is not a recipient of this incident",
                                line=line, ref=ref) if found is None else
                              _("line %(line)s: reference number %(ref)s belongs to another address than %(address)s",
                                line=line, ref=ref, address=address))
                continue
            address = found
        step = steps.get(address)
        if step is None:
            errors.append(_("line %(line)s: %(address)s is not an unintended recipient of this incident", line=line,
                            address=address or _("(empty)")))
            continue
        if opened not in Opened.__members__:
            errors.append(_("line %(line)s: opened must be yes, no or unknown, not %(value)s", line=line,
                            value=opened or _("(empty)")))
            continue
        try:
            at = parse_datetime(row["confirmed_at"]) if row.get("confirmed_at") else now
        except ValueError:
            errors.append(_("line %(line)s: confirmed_at is not a date and time (e.g. 2026-11-28 15:20)", line=line))
            continue
        rows.append(dict(b_id=step.id, b_opened=opened, b_confirmed_at=at, b_note=row.get("note") or step.note,
                         b_status=StepStatus.waived if step.status == StepStatus.waived else StepStatus.done))
    if rows:
        t = Step.__table__
        stmt = t.update().where(t.c.id == bindparam("b_id")).values(
            opened=bindparam("b_opened"), confirmed_at=bindparam("b_confirmed_at"), note=bindparam("b_note"),
            status=bindparam("b_status"), done_by_id=actor.id, done_at=now, next_notify_at=None, updated_at=now)
        conn = session.connection()
        for i in range(0, len(rows), 1000):
            conn.execute(stmt, rows[i:i + 1000])
        session.expire_all()
        session.flush()
    record(session, actor=actor, action="deletion.imported", incident_id=incident_id, entity="playbook",
           entity_id=incident_id, after={"confirmed": len(rows), "errors": len(errors)})
    sync_playbook(session, incident=incident, actor=actor)
    return BulkResult(updated=len(rows), skipped=len(errors), errors=errors)  # every rejected line, named


def blocking_steps(session: Session, incident_id: int) -> list[str]:
    rows = session.execute(
        select(Step.key, Step.status, Step.required, Step.waive_reason).where(Step.incident_id == incident_id)
        .order_by(Step.position)
    ).all()
    return closable([(r.key, r.status, r.required, r.waive_reason) for r in rows])


def close(session: Session, *, actor: User, incident_id: int, reason: str = "") -> Incident:
    """Close through the cases service; our `incident.closing` hook vetoes while steps block."""
    from incidents.cases import service as cases

    return cases.set_status(session, actor=actor, incident_id=incident_id, status=IncidentStatus.closed, reason=reason)
