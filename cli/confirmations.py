"""`incidents deletion send|progress|revoke|bounces`: deletion requests by mail with a personal
confirmation link, and what came back. Thin wrappers over incidents.confirmations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.common import AsUser, JsonOut, ask_yes_no, command_session, fact, fail, heading, print_json, say, table
from cli.response import deletion_app
from incidents.confirmations import bounces as bounce_service
from incidents.confirmations import progress as progress_service
from incidents.confirmations import service
from incidents.confirmations.labels import BOUNCE_KINDS, MATCHED_BY
from incidents.i18n import gettext as _

IncidentId = Annotated[int, typer.Argument(help="Incident number")]


def send(
    incident_id: IncidentId, as_user: AsUser = None,
    recipient: Annotated[str | None, typer.Option("--recipient", help="One wrong recipient's address")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every wrong recipient not yet asked")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja | en (default: each reader's language)")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking")] = False,
    as_json: JsonOut = False,
):
    """Mail the deletion request with a personal confirmation link (after the decision)."""
    if bool(recipient) == all_:
        fail("give either --recipient ADDRESS or --all")
    with command_session(as_user) as (session, actor):
        plan = service.preview(session, actor=actor, incident_id=incident_id, address=recipient, everyone=all_,
                               lang=lang)
        if plan.count == 0:
            fail("every wrong recipient has already been asked or has confirmed")  # the same words as the service
        if not yes and sys.stdin.isatty() and not as_json:
            say(_("%(n)s mail(s) will be sent.", n=f"{plan.count:,}"))
            say(_("Sample, to %(address)s:", address=plan.sample_address))
            say(plan.sample_subject, style="bold")
            say(plan.sample_body)
            if not ask_yes_no(_("Send them now?"), default=False):
                fail("nothing was sent")
        result = service.send(session, actor=actor, incident_id=incident_id, address=recipient, everyone=all_,
                              lang=lang)
    if as_json:
        print_json({"sending_id": result.sending_id, "queued": result.queued})
    else:
        say(_("%(n)s deletion request(s) queued; the scheduler mails them.", n=f"{result.queued:,}"))


def progress(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """How many were asked, delivered, bounced, confirmed; what it means for the assessment."""
    with command_session(as_user) as (session, actor):
        p = progress_service.progress(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json({**p.__dict__, "confirmed": p.confirmed, "not_a_leak": p.not_a_leak, "meaning": p.meaning()})
        return
    heading(_("Deletion confirmations"))
    for label, value in ((_("Wrong recipients"), p.wrong), (_("Requests mailed"), p.requested),
                         (_("Delivered"), p.delivered), (_("Bounced"), p.bounced),
                         (_("Confirmed: not opened"), p.confirmed_no), (_("Confirmed: opened"), p.confirmed_yes),
                         (_("Confirmed: does not know"), p.confirmed_unknown), (_("Not answered"), p.not_answered)):
        fact(label, f"{value:,}")
    if p.meaning():
        say(p.meaning())


def revoke(incident_id: IncidentId,
           recipient: Annotated[str, typer.Option("--recipient", help="The wrong recipient's address")],
           as_user: AsUser = None):
    """Make a recipient's confirmation links unusable."""
    with command_session(as_user) as (session, actor):
        n = service.revoke(session, actor=actor, incident_id=incident_id, address=recipient)
    say(_("%(n)s link(s) revoked", n=n))


def bounces(incident_id: IncidentId,
            files: Annotated[list[Path], typer.Argument(help="Bounces or automatic replies (.eml files)")],
            as_user: AsUser = None, as_json: JsonOut = False):
    """Record bounces and automatic replies to the requests, matched to their recipients."""
    data = []
    for f in files:
        if not f.is_file():
            fail("no such file: %(path)s", path=str(f))
        data.append(f.read_bytes())
    with command_session(as_user) as (session, actor):
        kept = bounce_service.record_messages(session, actor=actor, incident_id=incident_id, messages=data)
        rows = bounce_service.list_bounces(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json([{"kind": m.kind, "request_id": m.request_id, "matched_by": m.matched_by} for m in kept])
        return
    say(_("%(n)s bounce(s) or automatic reply(ies) recorded", n=len(kept)))
    table(None, [_("Kind"), _("Recipient"), _("Matched by"), _("Subject")],
          [[BOUNCE_KINDS.label(b.kind), address or "-", MATCHED_BY.label(b.matched_by) if b.matched_by else "-",
            b.subject] for b, address in rows[:50]])


def register(app: typer.Typer) -> None:
    deletion_app.command("send")(send)
    deletion_app.command("progress")(progress)
    deletion_app.command("revoke")(revoke)
    deletion_app.command("bounces")(bounces)
