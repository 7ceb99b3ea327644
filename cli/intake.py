"""`incidents import mail FILE`: read the sent mail, show what went wrong, create the incident on yes.
`incidents intake domains|addressbook`: what the detectors know about the organisation."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from cli.common import AsUser, JsonOut, command_session, console, fail, print_json
from incidents import i18n
from incidents.cases import labels
from incidents.cases import service as cases
from incidents.cases.models import DiscoveryMethod
from incidents.intake import service
from incidents.intake.parse import read_limited

import_app = typer.Typer(help="Import an incident from a file.", no_args_is_help=True)
intake_app = typer.Typer(help="What mail intake knows about the organisation: domains, address book.",
                         no_args_is_help=True)
domains_app = typer.Typer(help="Own and partner domains (look-alikes of these are flagged).", no_args_is_help=True)
book_app = typer.Typer(help="The address book (CSV import).", no_args_is_help=True)

FIELD_LABELS = {"to": "To", "cc": "Cc", "bcc": "Bcc"}


def _read_file(path: str, limit: int) -> bytes:
    p = Path(path)
    if not p.is_file():
        fail(f"no such file: {path}")
    with p.open("rb") as fh:
        return read_limited(fh, limit)


def _t(ja: str, en: str) -> str:
    return en if i18n.get_locale() == "en" else ja


def _line(label: str, value: Any, style: str = "") -> None:
    """`label: value` with the value printed literally: mail text is never read as markup."""
    console.print(Text.assemble((label, "bold"), ": ", Text("" if value is None else str(value), style=style)),
                  highlight=False)


def _table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """A table whose cells are literal text (a subject like «[notmuch] archive» or «[/var/log]» stays)."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in r])
    console.print(t)


def _show(draft: dict[str, Any]) -> None:
    inc, src = draft["incident"], draft["source"]
    msg = inc["message"]
    _line(_t("件名", "Subject"), msg["subject"])
    _line(_t("差出人", "From"), f"{src.get('sender_name') or ''} <{msg['sender'] or ''}>")
    _line(_t("送信日時", "Sent"), inc["sent_at"] or _t("不明", "unknown"))
    counts: dict[str, int] = {}
    for r in inc["recipients"]:
        counts[r["field"]] = counts.get(r["field"], 0) + 1
    _line(_t("宛先", "Recipients"), ", ".join(f"{FIELD_LABELS[f]} {n:,}" for f, n in counts.items()) or "0")
    rows = [[FIELD_LABELS.get(r["field"], r["field"]), r["address"], r["name"] or "", r["organization"] or ""]
            for r in inc["recipients"][:10]]
    if rows:
        _table(None, [_t("種別", "Field"), _t("アドレス", "Address"), _t("名前", "Name"), _t("組織", "Organisation")], rows)
        if len(inc["recipients"]) > 10:
            console.print(Text(_t(f"…ほか {len(inc['recipients']) - 10:,} 件", f"… and {len(inc['recipients']) - 10:,} more")))
    if msg["attachments"]:
        _table(_t("添付ファイル", "Attachments"), [_t("ファイル名", "File"), _t("サイズ", "Size"), _t("種類", "Type"), "SHA-256"],
               [[a["filename"], f"{a['size_bytes']:,}", a["content_type"], a["sha256"][:16] + "…"]
                for a in msg["attachments"]])
    if msg["summary"]:
        _line(_t("概要（下書き）", "Summary (draft)"), msg["summary"])
    for w in draft["warnings"]:
        console.print(Text("! " + _t(w["message_ja"], w["message_en"]), style="yellow"), highlight=False)
    findings = draft["findings"]
    if not findings:
        console.print(Text(_t("自動判定では誤りの種類を特定できませんでした。", "No mistake could be identified automatically.")))
        return
    key = "evidence_en" if i18n.get_locale() == "en" else "evidence_ja"
    _table(_t("判定（提案）", "Findings (proposals)"), [_t("種類", "Type"), _t("確度", "Confidence"), _t("根拠", "Evidence")],
           [[_type_label(f["type"]), f"{f['confidence']:.0%}", f[key]] for f in findings])
    mistake = draft["suggested_mistake_type"]
    suggested = [
        (_t("誤りの種類", "Mistake type"), labels.label(labels.MISTAKE_TYPES, mistake) if mistake else None),
        (_t("個人データの項目", "Data items"),
         _t("、", ", ").join(labels.label(labels.DATA_ITEMS, i) for i in draft["suggested_data_items"])),
        (_t("影響人数", "Affected people"), draft["suggested_affected_persons"]),
        (_t("保護", "Protection"), draft["suggested_protection"]),
    ]
    for label, value in suggested:
        if value:
            _line(label, value)


def _type_label(code: str) -> str:
    if code in labels.MISTAKE_TYPES:
        return labels.label(labels.MISTAKE_TYPES, code)
    if code == "data_items":
        return _t("個人データ", "Data items")
    if code == "protection":
        return _t("保護", "Protection")
    return code


def _parse_sets(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--set needs KEY=VALUE, got {item!r}")
        if key in ("data_items", "jurisdictions"):
            out[key] = [v for v in value.split(",") if v]
        elif key == "affected_persons":
            if not value.isdigit():
                fail("affected_persons must be a whole number")
            out[key] = int(value)
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
    discovered_at: Annotated[str | None, typer.Option("--discovered-at", help="ISO 8601; default now")] = None,
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
        fail(f"--discovery must be one of: {', '.join(DiscoveryMethod.__members__)}")
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
        question = _t("提案を反映して事故として登録しますか？", "Create the incident with these proposals?") \
            if draft["findings"] and not no_suggestions else _t("事故として登録しますか？", "Create the incident?")
        if not typer.confirm(question, default=True):
            console.print(_t("登録しませんでした。", "Nothing was created."))
            raise typer.Exit(0)
    when = discovered_at or datetime.now(service.get_settings().tz).replace(microsecond=0).isoformat()
    with command_session(as_user) as (session, actor):
        incident = service.create_from_draft(
            session, actor=actor, draft=draft, discovery_method=discovery or "self_noticed", discovered_at=when,
            accept_findings=not no_suggestions, overrides=overrides,
        )
        public = cases.to_public(session, incident)
    if as_json:
        print_json(public)
    else:
        print(public.id)


def domains_list(as_user: AsUser = None, as_json: JsonOut = False):
    """List the own and partner domains kept in the database."""
    with command_session(as_user) as (session, actor):
        rows = [{"domain": d.domain, "kind": d.kind, "organization": d.organization}
                for d in service.list_domains(session, actor=actor)]
    if as_json:
        print_json(rows)
    else:
        _table(None, ["domain", "kind", "organization"], [[r["domain"], r["kind"], r["organization"]] for r in rows])


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
        console.print(_t("追加 {added:,} 件、更新 {updated:,} 件、削除 {removed:,} 件、読み飛ばし {skipped:,} 件",
                         "added {added:,}, updated {updated:,}, removed {removed:,}, skipped {skipped:,}").format(**summary))


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
        cols = ["address", "domain", "name", "organization", "kind"]
        _table(f"{result['total']:,}", cols, [[r[c] for c in cols] for r in result["items"]])


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
