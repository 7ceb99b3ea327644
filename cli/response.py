"""Response commands: steps, step done/waive, decide, deletion, apology, assess, overdue, calendar,
notifications. Thin wrappers over incidents.response / incidents.notify services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import AsUser, JsonOut, command_session, fact, fail, heading, print_json, say, table
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.response.labels import APOLOGY_CHANNELS, EXEMPTIONS, OPENED, STEP_ROLES, STEP_STATUSES
from incidents.times import format_datetime
from incidents.notify import service as notify
from incidents.response import actions, service
from incidents.response.ics import calendar_for

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
StepKey = Annotated[str, typer.Argument(help="The step: its number in `incidents steps ID`, or its key "
                                                "(e.g. decision, containment, apology:a@b.example)")]
Recipient = Annotated[str, typer.Option("--recipient", help="Recipient address")]
Note = Annotated[str, typer.Option("--note", help="A note kept with the step")]

step_app = typer.Typer(help="Complete or waive a step of the playbook.", no_args_is_help=True)
deletion_app = typer.Typer(help="Deletion requests and written confirmations (削除確認書).", no_args_is_help=True)
apology_app = typer.Typer(help="Apologies: phone first, then letter or email.", no_args_is_help=True)


def _local(dt) -> str:
    return format_datetime(dt)


def _step_line(step) -> str:
    """«削除依頼と削除確認書の受領：a@b.example — 完了»."""
    return f"{step.title} — {STEP_STATUSES.label(step.status)}"


def steps(
    incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False,
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. deletion")] = None,
    status: Annotated[str | None, typer.Option(help="pending | done | waived | not_applicable")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include steps that no longer apply")] = False,
):
    """The playbook: every step with its role, due time and status."""
    with command_session(as_user) as (session, actor):
        rows = service.list_steps(session, actor=actor, incident_id=incident_id, kind=kind, status=status,
                                  include_not_applicable=all_)
        out = [service.to_public(s, locale=get_locale()) for s in rows]
    if as_json:
        print_json(out)
        return
    # the number is what `step done ID N` takes: a person never needs to read or type a key
    table(None, ["#", _("Step"), _("Who acts"), _("Due"), _("Status"), _("Note")],
          [[s.id, s.title, STEP_ROLES.label(s.role), _local(s.due_at) + (" " + _("overdue") if s.overdue else ""),
            STEP_STATUSES.label(s.status), s.note or s.waive_reason] for s in out])


def _key(session, actor, incident_id: int, given: str) -> str:
    """The step's key from its number in `incidents steps` (or the key itself)."""
    if not given.strip().isdigit():
        return given
    number = int(given)
    for s in service.list_steps(session, actor=actor, incident_id=incident_id, include_not_applicable=True):
        if s.id == number:
            return s.key
    fail("incident %(id)s has no step number %(n)s (see incidents steps %(id)s)", id=incident_id, n=number)


@step_app.command("done")
def step_done(incident_id: IncidentId, key: StepKey, as_user: AsUser = None, note: Note = "",
              as_json: JsonOut = False):
    """Mark a step done."""
    with command_session(as_user) as (session, actor):
        key = _key(session, actor, incident_id, key)
        step = service.to_public(actions.complete_step(session, actor=actor, incident_id=incident_id, key=key, note=note),
                                 locale=get_locale())
    print_json(step) if as_json else say(_step_line(step))


@step_app.command("waive")
def step_waive(incident_id: IncidentId, key: StepKey,
               reason: Annotated[str, typer.Option("--reason", help="Why this step is not needed")],
               as_user: AsUser = None, as_json: JsonOut = False):
    """Waive a step, with a reason (managers; officers for the decision and officer steps)."""
    with command_session(as_user) as (session, actor):
        key = _key(session, actor, incident_id, key)
        step = service.to_public(actions.waive_step(session, actor=actor, incident_id=incident_id, key=key, reason=reason),
                                 locale=get_locale())
    print_json(step) if as_json else say(f"{_step_line(step)} ({step.waive_reason})")


def decide(incident_id: IncidentId, note: Annotated[str, typer.Option("--note", help="The decision")],
           as_user: AsUser = None, as_json: JsonOut = False):
    """Record the organisation's decision on the response (manager)."""
    with command_session(as_user) as (session, actor):
        step = service.to_public(actions.decide(session, actor=actor, incident_id=incident_id, note=note),
                                 locale=get_locale())
    print_json(step) if as_json else say(_("Decision recorded: %(note)s", note=step.note))


@deletion_app.command("confirm")
def deletion_confirm(
    incident_id: IncidentId, recipient: Recipient,
    opened: Annotated[str, typer.Option("--opened", help="yes | no | unknown")],
    as_user: AsUser = None, note: Note = "", as_json: JsonOut = False,
):
    """Record a wrong recipient's written confirmation of deletion."""
    with command_session(as_user) as (session, actor):
        step = service.to_public(actions.confirm_deletion(session, actor=actor, incident_id=incident_id,
                                                          address=recipient, opened=opened, note=note),
                                 locale=get_locale())
    print_json(step) if as_json else say(f"{_step_line(step)} ({OPENED.label(step.opened)})")


@deletion_app.command("request")
def deletion_request(
    incident_id: IncidentId, as_user: AsUser = None,
    recipient: Annotated[str | None, typer.Option("--recipient", help="One recipient")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Mark every pending request as sent")] = False,
    note: Note = "",
):
    """Record that the deletion request letter was sent (after the decision)."""
    if bool(recipient) == all_:
        fail("give either --recipient ADDRESS or --all")
    with command_session(as_user) as (session, actor):
        if all_:
            n = actions.mark_all_sent(session, actor=actor, incident_id=incident_id, kind="deletion").updated
        else:
            actions.send_deletion_request(session, actor=actor, incident_id=incident_id, address=recipient, note=note)
            n = 1
    say(_("%(n)s deletion request(s) marked sent", n=f"{n:,}"))


@deletion_app.command("import")
def deletion_import(incident_id: IncidentId, file: Annotated[Path, typer.Argument(help="CSV: address,opened[,confirmed_at,note]")],
                    as_user: AsUser = None, as_json: JsonOut = False):
    """Import written confirmations from a CSV file."""
    if not file.is_file():
        fail("no such file: %(path)s", path=str(file))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail("%(path)s is not UTF-8 text", path=str(file))
    with command_session(as_user) as (session, actor):
        result = actions.import_confirmations(session, actor=actor, incident_id=incident_id, csv_text=text)
    nothing = result.updated == 0 and result.skipped > 0
    if as_json:
        print_json(result)
    else:
        say(_("%(done)s confirmation(s) recorded, %(rejected)s line(s) rejected", done=f"{result.updated:,}",
              rejected=f"{result.skipped:,}"))
        for e in result.errors:
            say(f"  {e}", err=True)
    if nothing:
        raise typer.Exit(1)  # every line was rejected: nothing was recorded


@apology_app.command("record")
def apology_record(
    incident_id: IncidentId, recipient: Recipient,
    channel: Annotated[str, typer.Option("--channel", help="phone | letter | email")],
    as_user: AsUser = None, note: Note = "", as_json: JsonOut = False,
):
    """Record an apology to one recipient (after the decision)."""
    with command_session(as_user) as (session, actor):
        step = service.to_public(actions.record_apology(session, actor=actor, incident_id=incident_id,
                                                        address=recipient, channel=channel, note=note),
                                 locale=get_locale())
    print_json(step) if as_json else say(f"{_step_line(step)} ({APOLOGY_CHANNELS.label(channel)})")


@apology_app.command("all")
def apology_all(incident_id: IncidentId,
                channel: Annotated[str, typer.Option("--channel", help="letter | email")] = "email",
                as_user: AsUser = None):
    """Mark every pending apology as sent in writing (bulk)."""
    with command_session(as_user) as (session, actor):
        n = actions.mark_all_sent(session, actor=actor, incident_id=incident_id, kind="apology", channel=channel).updated
    say(_("%(n)s apolog(ies) marked sent", n=f"{n:,}"))


def assess(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """Show the legal assessment, its grounds with their rules, and its deadlines."""
    with command_session(as_user) as (session, actor):
        result = service.get_assessment(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json(result)
        return
    a, g, e = result.appi, result.gdpr, result.exposure_estimate_jpy
    heading(_("Japan: Act on the Protection of Personal Information"))
    if a.reportable:
        say(_("Reportable to the PPC, and the people concerned must be notified."), style="bold red")
    elif a.exemption:
        say(_("Not reportable: %(why)s", why=EXEMPTIONS.label(a.exemption)) +
            (f" ({a.exemption_rule})" if a.exemption_rule else ""))
    elif a.leak:
        say(_("A leak, but no reporting ground applies."))
    else:
        say(_("No leak of personal data."))
    for d in a.ground_details:
        say(f"  - {d.label_ja if get_locale() == 'ja' else d.label_en} ({d.rule})")
    if a.reportable:
        fact(_("Preliminary report due"), _("%(target)s (limit %(limit)s)", target=_local(a.preliminary_report_due),
                                             limit=_local(a.preliminary_report_limit)))
        fact(_("Final report due"), _local(a.final_report_due))
    heading(_("EU: GDPR"))
    if g.applicable:
        fact(_("Notify the supervisory authority by"), _local(g.authority_notification_due) or "-")
    else:
        say(_("Not applicable (no people in the EU concerned)."))
    heading(_("Exposure estimate"))
    say(f"¥{e.low:,}–¥{e.high:,}: {e.basis_ja if get_locale() == 'ja' else e.basis}")
    if result.obligations:
        table(_("Obligations"), [_("Regime"), _("Report"), _("To"), _("Due"), _("Status")],
              [[o.regime_label, o.kind_label, o.to_label, _local(o.due) + (" " + _("overdue") if o.overdue else ""),
                o.status_label] for o in result.obligations])


def overdue(as_user: AsUser = None, as_json: JsonOut = False):
    """Pending steps past their due time, in the incidents you may see."""
    with command_session(as_user) as (session, actor):
        rows = [(service.to_public(s, locale=get_locale()), i.id, i.title)
                for s, i in service.overdue(session, actor=actor)]
    if as_json:
        print_json([{"incident_id": iid, "incident_title": t, **s.model_dump(mode="json")} for s, iid, t in rows])
        return
    table(_("Overdue steps"), [_("Incident"), _("Step"), _("Who acts"), _("Due")],
          [[f"#{iid} {t}", s.title, STEP_ROLES.label(s.role), _local(s.due_at)] for s, iid, t in rows])


def calendar(incident_id: Annotated[int | None, typer.Argument(help="One incident, or all open ones")] = None,
             output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the .ics here")] = None,
             as_user: AsUser = None):
    """An iCalendar (.ics) feed of the open deadlines."""
    with command_session(as_user) as (session, actor):
        data = calendar_for(session, actor=actor, incident_id=incident_id)
    if output:
        output.write_bytes(data)
        say(_("Written to %(path)s", path=str(output)))
    else:
        typer.echo(data.decode())


def notifications(as_user: AsUser = None, unread: Annotated[bool, typer.Option("--unread")] = False,
                  mark_read: Annotated[bool, typer.Option("--mark-read")] = False, as_json: JsonOut = False):
    """Your in-app notifications."""
    with command_session(as_user) as (session, actor):
        rows = notify.inbox(session, user_id=actor.id, unread_only=unread)
        out = [{"id": n.id, "at": n.created_at.isoformat(), "title": n.title, "incident_id": n.incident_id,
                "read": n.read_at is not None} for n in rows]
        shown = [[n.id, _local(n.created_at), n.title, n.read_at is not None] for n in rows]
        if mark_read:
            notify.mark_read(session, user_id=actor.id)
    if as_json:
        print_json(out)
        return
    table(_("Notifications"), ["#", _("When"), _("Title"), _("Read")],
          shown)


def register(app: typer.Typer) -> None:
    app.command("steps")(steps)
    app.add_typer(step_app, name="step")
    app.command("decide")(decide)
    app.add_typer(deletion_app, name="deletion")
    app.add_typer(apology_app, name="apology")
    app.command("assess")(assess)
    app.command("overdue")(overdue)
    app.command("calendar")(calendar)
    app.command("notifications")(notifications)
