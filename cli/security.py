"""Operator commands of the audit trail's key and anchors (`incidents audit anchor|rekey`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import JsonOut, operator_session, print_json, say
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
