"""Commands of the audit trail's key and anchors (`incidents audit anchor|rekey`), retention (`incidents purge`)
and erasure (`incidents recipients erase`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.cases import recipients_app
from cli.common import AsUser, JsonOut, command_session, operator_session, print_json, say
from cli.core import audit_app
from incidents.i18n import gettext as _


@audit_app.command("anchor")
def audit_anchor(
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed anchor (JSON, mode 0600)")],
    as_json: JsonOut = False,
):
    """Record the head of the audit chain (sequence, hash, time) in a file signed with the audit key, to keep
    outside the database; `audit verify --anchor FILE` then finds deleted newest events and rebuilt chains."""
    from incidents.audit import anchor as anchors

    with operator_session() as session:
        anchor = anchors.make(session)
    anchors.write(anchor, out)
    if as_json:
        print_json(anchor)
        return
    say(_("Audit anchor written to %(path)s: event %(seq)s", path=str(out), seq=anchor.seq))


@audit_app.command("rekey")
def audit_rekey():
    """Move the audit chain to the current audit key (INCIDENTS_AUDIT_KEY, or the one derived from the secret
    key), after checking it with the key(s) it was written with (INCIDENTS_AUDIT_PREVIOUS_KEY). Write a new
    anchor afterwards: earlier anchors name the old hashes."""
    from incidents.audit import service as audit

    with operator_session() as session:
        n = audit.rekey(session)
    say(_("Audit chain rekeyed: %(n)s events", n=f"{n:,}"))


@recipients_app.command("erase")
def recipients_erase(
    incident_id: Annotated[int, typer.Argument(help="Incident number")],
    address: Annotated[str, typer.Argument(help="The recipient's e-mail address")],
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Erase one recipient's personal data on their request (privacy officer): address, name and organisation
    become a keyed hash, their letters are deleted, the audit trail keeps the hash, not the address."""
    from incidents.cases import service as cases
    from incidents.system import retention

    with command_session(as_user) as (session, actor):
        row = cases.recipient(session, actor=actor, incident_id=incident_id, address=address)
        report = retention.erase_recipient(session, actor=actor, incident_id=incident_id, recipient_id=row.id)
    if as_json:
        print_json(report)
        return
    say(_("Recipient's data erased (incident %(id)s): %(docs)s letter(s) deleted, %(events)s audit event(s) "
          "now hold a hash instead of the address", id=incident_id, docs=report.documents_removed,
          events=report.audit_events_redacted))


def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted")] = False,
    as_json: JsonOut = False,
):
    """Delete the incidents closed longer ago than the retention period (INCIDENTS_RETENTION_YEARS), with their
    recipients, documents, PDFs and letter files; a tombstone and the audit trail (without content) remain."""
    from incidents.system import retention

    with operator_session() as session:
        report = retention.purge(session, dry_run=dry_run)
    if as_json:
        print_json(report)
        return
    ids = ", ".join(str(c.incident_id) for c in report.incidents) or "-"
    if dry_run:
        say(_("%(n)s incident(s) past the retention period of %(years)s years would be deleted: %(ids)s",
              n=len(report.incidents), years=report.retention_years, ids=ids))
    else:
        say(_("%(n)s incident(s) past the retention period of %(years)s years deleted: %(ids)s "
              "(%(files)s letter file(s) removed)", n=len(report.incidents), years=report.retention_years,
              ids=ids, files=report.files_removed))


def register(app: typer.Typer) -> None:
    app.command("purge")(purge)
