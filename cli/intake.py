"""`incidents import mail FILE`: read the sent mail, show what went wrong, create the incident on yes.
`incidents intake domains|addressbook`: what the detectors know about the organisation."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.cases import what_happens_next
from cli.common import AsUser, CliError, JsonOut, ask_yes_no, command_session, fact, fail, print_json, say, table
from incidents.cases import service as cases
from incidents.cases.labels import DATA_ITEMS, FIELDS, MISTAKE_TYPES, PROTECTION
from incidents.counts import parse_count
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.intake.labels import CONTACT_KINDS, DOMAIN_KINDS, FINDING_KINDS
from incidents.times import format_datetime, parse_datetime
from incidents.cases.models import DiscoveryMethod
from incidents.intake import service
from incidents.intake.parse import read_limited

import_app = typer.Typer(help="Import an incident from a file.", no_args_is_help=True)
intake_app = typer.Typer(help="What mail intake knows about the organisation: domains, address book.",
                         no_args_is_help=True)
domains_app = typer.Typer(help="Own and partner domains (look-alikes of these are flagged).", no_args_is_help=True)
book_app = typer.Typer(help="The address book (CSV import).", no_args_is_help=True)

def _read_file(path: str, limit: int) -> bytes:
    p = Path(path)
    if not p.is_file():
        fail("no such file: %(path)s", path=path)
    with p.open("rb") as fh:
        return read_limited(fh, limit)


def _when(value: Any) -> str:
    if not value:
        return _("unknown")
    try:
        return format_datetime(parse_datetime(value), zone=True)
    except ValueError:
        return str(value)


def _show(draft: dict[str, Any]) -> None:
    inc, src = draft["incident"], draft["source"]
    msg = inc["message"]
    fact(_("Subject"), msg["subject"])
    fact(_("From"), f"{src.get('sender_name') or ''} <{msg['sender'] or ''}>")
    fact(_("Sent"), _when(inc["sent_at"]))
    counts: dict[str, int] = {}
    for r in inc["recipients"]:
        counts[r["field"]] = counts.get(r["field"], 0) + 1
    fact(_("Recipients"), ", ".join(f"{FIELDS.label(f)} {n:,}" for f, n in counts.items()) or "0")
    rows = [[FIELDS.label(r["field"]), r["address"], r["name"] or "", r["organization"] or ""]
            for r in inc["recipients"][:10]]
    if rows:
        table(None, [_("Field"), _("Address"), _("Name"), _("Organisation")], rows)
        if len(inc["recipients"]) > 10:
            say(_("… and %(n)s more", n=f"{len(inc['recipients']) - 10:,}"))
    if msg["attachments"]:
        table(_("Attachments"), [_("File"), _("Size"), _("Type"), "SHA-256"],
              [[a["filename"], f"{a['size_bytes']:,}", a["content_type"], a["sha256"][:16] + "…"]
               for a in msg["attachments"]])
    if msg["summary"]:
        fact(_("Summary (draft)"), msg["summary"])
    ja = get_locale() == "ja"
    for w in draft["warnings"]:
        say("! " + (w["message_ja"] if ja else w["message_en"]), style="yellow")
    findings = draft["findings"]
    if not findings:
        say(_("No mistake could be identified automatically."))
        return
    key = "evidence_ja" if ja else "evidence_en"
    table(_("Findings (proposals)"), [_("Type"), _("Confidence"), _("Evidence")],
          [[_type_label(f["type"]), f"{f['confidence']:.0%}", f[key]] for f in findings])
    mistake = draft["suggested_mistake_type"]
    suggested = [
        (_("Mistake type"), MISTAKE_TYPES.label(mistake) if mistake else None),
        (_("Data items"), DATA_ITEMS.join(draft["suggested_data_items"])),
        (_("Affected people"), draft["suggested_affected_persons"]),
        (_("Protection"), PROTECTION.label(draft["suggested_protection"]) if draft["suggested_protection"] else None),
    ]
    for label, value in suggested:
        if value:
            fact(label, value)


def _type_label(code: str) -> str:
    if code in MISTAKE_TYPES:
        return MISTAKE_TYPES.label(code)
    return FINDING_KINDS.label(code)


def _parse_sets(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            fail("--set needs KEY=VALUE, got %(item)s", item=item)
        if key in ("data_items", "jurisdictions"):
            out[key] = [v for v in value.split(",") if v]
        elif key == "affected_persons":
            try:
                out[key] = parse_count(value)
            except ValueError as exc:
                raise CliError("--set affected_persons: " + exc.message()) from None
        elif key in ("key_exposed", "improper_purpose"):
            out[key] = value.lower() in ("1", "true", "yes")
        else:
            out[key] = value
    return out


def import_mail(
    file: Annotated[str, typer.Argument(help="The sent mail: .eml or Outlook .msg")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what was read and found")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Create without asking (scripts)")] = False,
    discovery: Annotated[str | None, typer.Option("--discovery", help="How it was found (default self_noticed)")] = None,
    discovered_at: Annotated[str | None, typer.Option("--discovered-at", help="When it was noticed, e.g. 2026/11/28 15:20; default now")] = None,
    recipients_csv: Annotated[str | None, typer.Option("--recipients-csv", help="CSV export of the list used")] = None,
    recipients_field: Annotated[str, typer.Option("--recipients-field", help="to | cc | bcc for the CSV rows")] = "bcc",
    no_suggestions: Annotated[bool, typer.Option("--no-suggestions", help="Do not apply the proposals")] = False,
    include_body: Annotated[bool, typer.Option("--include-body", help="Show the body too (with --json)")] = False,
    keep_body: Annotated[bool, typer.Option("--keep-body", help="Store the body as the summary")] = False,
    sets: Annotated[list[str] | None, typer.Option("--set", help="Override a field: KEY=VALUE (repeatable)")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Read a sent mail, show the findings, and create the incident after asking."""
    data = _read_file(file, service.limits().max_bytes)
    csv_data = _read_file(recipients_csv, 25 * 1024 * 1024) if recipients_csv else None
    if discovery and discovery not in DiscoveryMethod.__members__:
        fail("--discovery must be one of: %(codes)s", codes=", ".join(DiscoveryMethod.__members__))
    try:  # checked before anything is shown or asked: a bad time never costs the user their answers
        when = parse_datetime(discovered_at) if discovered_at else \
            datetime.now(service.get_settings().tz).replace(microsecond=0)
    except ValueError as exc:
        raise CliError("--discovered-at: " + exc.message()) from None
    overrides = _parse_sets(sets or [])
    with command_session(as_user) as (session, actor):
        draft = service.preview(session, actor=actor, data=data, filename=Path(file).name, recipients_csv=csv_data,
                                recipients_field=recipients_field, include_body=include_body or keep_body)
    if keep_body and not dry_run:
        draft["incident"]["message"]["summary"] = (draft.get("body") or "")[: service.SUMMARY_MAX] \
            or draft["incident"]["message"]["summary"]
    if not include_body:
        draft.pop("body", None)
    if dry_run:
        print_json(draft) if as_json else _show(draft)
        return
    if not as_json:
        _show(draft)
    if not yes:
        if not sys.stdin.isatty():
            fail("not a terminal: pass --yes to create the incident, or --dry-run to only look")
        question = _("Create the incident with these proposals?") if draft["findings"] and not no_suggestions \
            else _("Create the incident?")
        if not ask_yes_no(question, default=True):
            say(_("Nothing was created."))
            raise typer.Exit(0)
    with command_session(as_user) as (session, actor):
        incident = service.create_from_draft(
            session, actor=actor, draft=draft, discovery_method=discovery or "self_noticed",
            discovered_at=when.isoformat(),
            accept_findings=not no_suggestions, overrides=overrides,
        )
        public = cases.to_public(session, incident)
        if as_json:
            print_json(public)
        else:
            what_happens_next(session, actor, public.id)


def domains_list(as_user: AsUser = None, as_json: JsonOut = False):
    """List the own and partner domains kept in the database."""
    with command_session(as_user) as (session, actor):
        rows = [{"domain": d.domain, "kind": d.kind, "organization": d.organization}
                for d in service.list_domains(session, actor=actor)]
    if as_json:
        print_json(rows)
    else:
        table(None, [_("Domain"), _("Kind"), _("Organisation")],
              [[r["domain"], DOMAIN_KINDS.label(r["kind"]), r["organization"]] for r in rows])


def domains_add(
    domain: Annotated[str, typer.Argument()],
    internal: Annotated[bool, typer.Option("--internal", help="One of our own domains (default: a partner)")] = False,
    organization: Annotated[str, typer.Option("--org", help="Organisation name")] = "",
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Add an own (--internal) or partner domain."""
    with command_session(as_user) as (session, actor):
        row = service.add_domain(session, actor=actor, domain=domain, kind="internal" if internal else "partner",
                                 organization=organization)
        out = {"domain": row.domain, "kind": row.kind, "organization": row.organization}
    print_json(out) if as_json else print(out["domain"])


def domains_remove(domain: Annotated[str, typer.Argument()], as_user: AsUser = None):
    """Remove a known domain."""
    with command_session(as_user) as (session, actor):
        service.remove_domain(session, actor=actor, domain=domain)


def book_import(
    file: Annotated[str, typer.Argument(help="CSV: address or domain, name, organization, kind")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace the whole address book")] = False,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Import a CSV address book (UTF-8 or Shift_JIS, Japanese or English headers)."""
    data = _read_file(file, 25 * 1024 * 1024)
    with command_session(as_user) as (session, actor):
        summary = service.import_address_book(session, actor=actor, data=data, replace=replace)
    if as_json:
        print_json(summary)
    else:
        say(_("%(added)s added, %(updated)s updated, %(removed)s removed, %(skipped)s skipped",
              **{k: f"{summary[k]:,}" for k in ("added", "updated", "removed", "skipped")}))


def book_list(
    q: Annotated[str, typer.Option("--q", help="Search text")] = "",
    page: Annotated[int, typer.Option(min=1)] = 1,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """List the address book."""
    with command_session(as_user) as (session, actor):
        result = service.list_contacts(session, actor=actor, q=q, page=page)
    if as_json:
        print_json(result)
    else:
        table(_("%(n)s address(es)", n=f"{result['total']:,}"),
              [_("Address"), _("Domain"), _("Name"), _("Organisation"), _("Kind")],
              [[r["address"], r["domain"], r["name"], r["organization"], CONTACT_KINDS.label(r["kind"])]
               for r in result["items"]])


def register(app: typer.Typer) -> None:
    import_app.command("mail")(import_mail)
    app.add_typer(import_app, name="import")
    domains_app.command("list")(domains_list)
    domains_app.command("add")(domains_add)
    domains_app.command("remove")(domains_remove)
    book_app.command("import")(book_import)
    book_app.command("list")(book_list)
    intake_app.add_typer(domains_app, name="domains")
    intake_app.add_typer(book_app, name="addressbook")
    app.add_typer(intake_app, name="intake")
