"""Regimes commands: obligations, per-incident overrides, the correspondence log, the regulator forms, the register.

    incidents obligations ID [--all] [--json]
    incidents regimes show ID | incidents regimes set ID [--add fsa] [--remove gdpr] [--entrustment ...]
    incidents correspondence add ID KEY --kind submitted [--at ...] [--reference ...] [--text ...]
    incidents correspondence list ID [KEY]
    incidents regulator export ID --phase preliminary|final [--form ppc|pmark] [--json]
    incidents export --format xlsx|csv --out FILE [--from DATE] [--to DATE] [--department D] [--regime R]
    incidents rollup quarterly-batch|half-yearly|yearly --period P --format xlsx|pdf --out FILE
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.common import AsUser, JsonOut, command_session, console, fail, print_json, table
from incidents.config import get_settings
from incidents.i18n import get_locale
from incidents.i18n import gettext as _
from incidents.regimes import correspondence, service
from incidents.regimes import register as ledger
from incidents.regimes import rollups
from incidents.regimes.catalogue import Entrustment, To
from incidents.regimes.forms import RegulatorForm
from incidents.regimes.models import LogKind
from incidents.regimes.ppc_form import build_form
from incidents.times import format_datetime, parse_date, parse_datetime

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
ObligationKey = Annotated[str, typer.Argument(help="Obligation key, e.g. appi:preliminary, pmark:final")]

regimes_app = typer.Typer(help="Which regimes apply to an incident (overrides of the organisation's profile).",
                          no_args_is_help=True)
correspondence_app = typer.Typer(help="The correspondence log of an obligation (submissions, questions, answers).",
                                 no_args_is_help=True)
regulator_app = typer.Typer(help="The regulator forms, ready to paste.", no_args_is_help=True)


def _local(dt) -> str:
    return format_datetime(dt)


def obligations(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False,
                all_: Annotated[bool, typer.Option("--all", help="Include obligations that no longer apply")] = False):
    """Every duty the incident gives rise to: regime, report, to whom, by when, status."""
    with command_session(as_user) as (session, actor):
        rows = service.list_obligations(session, actor=actor, incident_id=incident_id, locale=get_locale(),
                                        include_withdrawn=all_)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(_("No obligations: no duty to report arises from the facts recorded."))
        return
    table(None, [_("Regime"), _("Report"), _("To"), _("Due"), _("Status"), _("Key")],
          [[r.regime_label, r.kind_label, r.to_label, _local(r.due) + (" !" if r.overdue else ""), r.status_label, r.key]
           for r in rows])


@regimes_app.command("show")
def regimes_show(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """The regimes in force for the incident and its overrides (entrustment, delegated industry...)."""
    with command_session(as_user) as (session, actor):
        out = service.get_overrides(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json(out)
        return
    for k, v in out.model_dump().items():
        console.print(f"{k}: {v}", markup=False)


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("yes", "true", "1"):
        return True
    if v in ("no", "false", "0"):
        return False
    fail("%(name)s: answer yes or no", name=name)


@regimes_app.command("set")
def regimes_set(
    incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False,
    add: Annotated[list[str] | None, typer.Option("--add", help="Add a regime for this incident (e.g. gdpr for an EU person)")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="Remove a regime for this incident")] = None,
    entrustment: Annotated[Entrustment | None, typer.Option(help="none | principal (委託元) | contractor (委託先)")] = None,
    counterpart: Annotated[str | None, typer.Option(help="The other party of the entrustment")] = None,
    joint: Annotated[str | None, typer.Option("--joint", help="yes | no: report jointly (連名)")] = None,
    delegated_to: Annotated[str | None, typer.Option(help="A delegated industry's ministry: fsa | mic | meti, or none")] = None,
    customer_data: Annotated[str | None, typer.Option(help="yes | no: individual customers' data (FSA)")] = None,
    serious_violation: Annotated[str | None, typer.Option(help="yes | no: a serious violation (P-mark 速報)")] = None,
    telecom_secrecy: Annotated[str | None, typer.Option(help="yes | no: secrecy of communications (MIC)")] = None,
):
    """Change which regimes apply to one incident (privacy officers)."""
    delegated, clear = None, False
    if delegated_to is not None:
        if delegated_to.strip().lower() == "none":
            clear = True
        else:
            try:
                delegated = To(delegated_to.strip().lower())
            except ValueError:
                fail("unknown ministry %(name)s (fsa, mic, meti or none)", name=delegated_to)
    data = service.OverridesIn(
        add_regimes=add, remove_regimes=remove, entrustment=entrustment, counterpart=counterpart,
        joint_report=_flag(joint, "--joint"), delegated_to=delegated, clear_delegated_to=clear,
        customer_data=_flag(customer_data, "--customer-data"),
        serious_violation=_flag(serious_violation, "--serious-violation"),
        telecom_secrecy=_flag(telecom_secrecy, "--telecom-secrecy"),
    )
    with command_session(as_user) as (session, actor):
        out = service.set_overrides(session, actor=actor, incident_id=incident_id, data=data)
    if as_json:
        print_json(out)
        return
    console.print(_("Regimes for incident %(id)s: %(regimes)s", id=incident_id, regimes=", ".join(out.regimes)),
                  markup=False)


def _parse_at(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


@correspondence_app.command("add")
def correspondence_add(
    incident_id: IncidentId, key: ObligationKey,
    kind: Annotated[LogKind, typer.Option("--kind", help="submitted | reference | question | answer | resubmitted | delay_reason | note")],
    as_user: AsUser = None, as_json: JsonOut = False,
    at: Annotated[str | None, typer.Option("--at", help="When (ISO 8601; default now)")] = None,
    reference: Annotated[str, typer.Option("--reference", help="Reference / receipt number")] = "",
    text: Annotated[str, typer.Option("--text", help="The question, answer, reason or note")] = "",
):
    """Record a submission, a reference number, a question, an answer, a resubmission or a reason for delay."""
    entry = correspondence.EntryIn(kind=kind, at=_parse_at(at), reference=reference, text=text)
    with command_session(as_user) as (session, actor):
        out = correspondence.add_entry(session, actor=actor, incident_id=incident_id, key=key, data=entry)
    if as_json:
        print_json(out)
        return
    console.print(f"{out.obligation_key}: {out.kind_label} {_local(out.at)}", markup=False)


@correspondence_app.command("list")
def correspondence_list(incident_id: IncidentId, key: Annotated[str | None, typer.Argument(help="One obligation")] = None,
                        as_user: AsUser = None, as_json: JsonOut = False):
    """The correspondence log of the incident's obligations."""
    with command_session(as_user) as (session, actor):
        rows = correspondence.list_entries(session, actor=actor, incident_id=incident_id, key=key, locale=get_locale())
    if as_json:
        print_json(rows)
        return
    table(None, [_("Obligation"), _("When"), _("Entry"), _("Reference"), _("By"), _("Text")],
          [[r.obligation_key, _local(r.at), r.kind_label, r.reference, r.actor, r.text] for r in rows])


def render_form(form: RegulatorForm) -> str:
    """The form as text to paste, in Japanese, in the form's order."""
    out = [f"{form.title}　事案番号 {form.incident_id}", ""]
    if form.routing:
        out.append("【報告フォームへの案内】")
        for f in form.routing:
            out += [f.label, f"  {f.display('ja')}"]
        out.append("")
    for section in form.sections:
        out.append(f"【{section.title}】")
        for f in section.fields:
            out.append(f"■ {f.label}{'　※速報から変更' if f.changed else ''}")
            out += [f"  {line}" for line in f.display("ja").splitlines() or [""]]
        out.append("")
    if form.phase == "final":
        out.append("【速報からの変更点】")
        if form.compared_with is None:
            out.append("  速報の提出が記録されていないため、比較できません。")
        elif not form.changes:
            out.append("  変更なし")
        for c in form.changes:
            out.append(f"■ {c.label}")
            out.append(f"  速報：{(c.previous or '調査中').replace(chr(10), ' / ')}")
            out.append(f"  確報：{(c.value or '調査中').replace(chr(10), ' / ')}")
        out.append("")
    if form.missing:
        out.append("【未確定の項目】" + "、".join(form.missing))
    out.append("出典：" + "／".join(form.sources))
    return "\n".join(out)


@regulator_app.command("export")
def regulator_export(
    incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False,
    phase: Annotated[str, typer.Option("--phase", help="preliminary (速報) | final (確報)")] = "preliminary",
    form: Annotated[str, typer.Option("--form", help="ppc (個人情報保護委員会) | pmark (Pマークポータル)")] = "ppc",
):
    """Every field of the regulator's online form, in its order, ready to paste (確報: what changed)."""
    with command_session(as_user) as (session, actor):
        result = build_form(session, actor=actor, incident_id=incident_id, phase=phase, form=form)
    if as_json:
        print_json(result)
        return
    typer.echo(render_form(result))


def export(
    fmt: Annotated[str, typer.Option("--format", help="xlsx | csv")],
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    as_user: AsUser = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Discovered on or after (e.g. 2026-04-01)")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Discovered on or before")] = None,
    department: Annotated[str | None, typer.Option("--department", help="Department name or number")] = None,
    regime: Annotated[str | None, typer.Option("--regime", help="Only incidents with duties under this regime")] = None,
):
    """The register: one row per incident with its facts and its obligations (XLSX or CSV)."""
    if fmt not in ledger.FORMATS:
        fail("--format is xlsx or csv")
    filters = ledger.RegisterFilter(date_from=parse_date(date_from) if date_from else None,
                                      date_to=parse_date(date_to) if date_to else None,
                                      department=department, regime=regime)
    if out.exists() and out.is_dir():
        fail("%(path)s is a directory", path=str(out))
    tmp = out.with_name(f".{out.name}.part")
    try:
        with command_session(as_user) as (session, actor), tmp.open("wb") as fh:
            reg = ledger.export(session, actor=actor, filters=filters, fmt=fmt, target=fh)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    console.print(_("%(n)s incidents written to %(file)s", n=len(reg.incidents), file=str(out)), markup=False)


def rollup(
    kind: Annotated[str, typer.Argument(help="quarterly-batch | half-yearly | yearly")],
    period: Annotated[str, typer.Option("--period", help="2026Q2 (quarter), 2026H1 (fiscal half), 2026 (fiscal year)")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx | pdf")],
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    as_user: AsUser = None,
):
    """A periodic report: the quarterly batch for a finance association, a local government's half-yearly
    publication list, or the yearly statistics for management."""
    if kind not in rollups.KINDS:
        fail("the roll-up is quarterly-batch, half-yearly or yearly")
    if fmt not in rollups.FORMATS:
        fail("--format is xlsx or pdf")
    tmp = out.with_name(f".{out.name}.part")
    try:
        with command_session(as_user) as (session, actor), tmp.open("wb") as fh:
            result = rollups.export(session, actor=actor, kind=kind, period=period, fmt=fmt, target=fh)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    console.print(_("%(title)s (%(period)s) written to %(file)s", title=result.title, period=result.period.label,
                    file=str(out)), markup=False)


def register(app: typer.Typer) -> None:
    app.command("obligations")(obligations)
    app.add_typer(regimes_app, name="regimes")
    app.add_typer(correspondence_app, name="correspondence")
    app.add_typer(regulator_app, name="regulator")
    app.command("export")(export)
    app.command("rollup")(rollup)
