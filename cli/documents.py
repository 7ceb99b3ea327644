"""Documents: `incidents document` (one PDF, stored as a new version), `incidents documents` (the list),
`incidents letters` (bulk letters with a progress bar, both cores, resumable). Thin wrappers over
incidents.documents.service / bulk."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cli.common import AsUser, CliError, JsonOut, command_session, console, fail, print_json, say, table
from incidents.config import get_settings
from incidents.documents import service, wording
from incidents.i18n import gettext as _
from incidents.documents.bulk import LettersConflict, write_letters
from incidents.documents.kinds import AUDIENCE_KINDS, Audience, DocumentKind
from incidents.documents.labels import DOCUMENT_KINDS
from incidents.people.labels import LOCALES
from incidents.times import format_datetime

IncidentId = Annotated[int, typer.Argument(help="Incident number")]
Lang = Annotated[str, typer.Option("--lang", help="ja | en")]


def document(
    incident_id: IncidentId,
    kind: Annotated[str, typer.Option("--kind", help=" | ".join(k.value for k in DocumentKind))],
    recipient: Annotated[str | None, typer.Option("--recipient", help="The reader's address (letters)")] = None,
    lang: Lang = "ja",
    step: Annotated[int | None, typer.Option("--step", help="Id of the playbook step this fulfils")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the PDF here (default: its file name)")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Generate one document from the record; it is stored as a new version and written to a file."""
    with command_session(as_user) as (session, actor):
        doc = service.generate(session, actor=actor, incident_id=incident_id, kind=kind, lang=lang,
                               recipient=recipient, step_id=step)
        _, data = service.content(session, actor=actor, document_id=doc.id)
        public = service.to_public(session, doc)
    target = out or Path(doc.filename)
    if target.is_dir() or (out is not None and not target.suffix):
        target = target / doc.filename
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        fail("stored as document %(id)s, but cannot write %(path)s: %(reason)s", id=doc.id, path=str(target),
             reason=exc.strerror or "")
    if as_json:
        print_json({**public.model_dump(mode="json"), "path": str(target)})
        return
    say(_("%(title)s, version %(version)s: %(path)s (%(pages)s pages, SHA-256 %(sha)s…)", title=public.title,
          version=public.version, path=str(target), pages=public.pages, sha=public.sha256[:16]))


def documents(incident_id: IncidentId, as_user: AsUser = None, as_json: JsonOut = False):
    """The documents generated for an incident, every version."""
    with command_session(as_user) as (session, actor):
        out = [service.to_public(session, d) for d in service.list_documents(session, actor=actor, incident_id=incident_id)]
    if as_json:
        print_json(out)
        return
    table(None, ["#", _("Document"), _("Language"), _("Recipient"), _("Version"), _("Pages"), _("Made"), _("By"),
                 _("Step")],
          [[d.id, DOCUMENT_KINDS.label(d.kind), LOCALES.label(d.lang), d.recipient, d.version, d.pages,
            format_datetime(d.created_at), d.created_by, d.step_id] for d in out])


def _persons(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        fail("cannot read %(path)s (%(reason)s)", path=str(path), reason=str(exc)[:100])
    if not rows or not any(r.get("address") or r.get("name") for r in rows):
        fail("%(path)s: expected a header line with address,name,organization,postal_address and one person a line",
             path=str(path))
    return rows


def letters(
    incident_id: IncidentId,
    to: Annotated[str, typer.Option("--to", help="unintended | intended | affected")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (a rerun resumes there)")],
    kind: Annotated[str, typer.Option("--kind", help="apology (to affected people: the notice and apology)")] = "apology",
    lang: Lang = "ja",
    merge: Annotated[bool, typer.Option("--merge", help="One merged PDF instead of one PDF per reader")] = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="The people concerned: address,name,organization,postal_address")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: settings, 2)")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Personalised letters for every recipient of one kind (thousands: fast, resumable, no duplicates)."""
    if kind not in ("apology", "notice", *(k.value for k in AUDIENCE_KINDS.values())):
        fail("--kind %(kind)s: bulk letters are apologies (apology, or notice for the people concerned)", kind=kind)
    if to in Audience.__members__ and kind in AUDIENCE_KINDS.values() and AUDIENCE_KINDS[Audience(to)].value != kind:
        fail("--kind %(kind)s does not go --to %(to)s", kind=kind, to=to)
    persons = _persons(csv_file) if csv_file else None
    with command_session(as_user) as (session, actor):
        run, readers = service.prepare_letters(session, actor=actor, incident_id=incident_id, to=to, lang=lang,
                                               persons=persons)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, disable=as_json, transient=False) as progress:
            task = progress.add_task(_("Incident #%(id)s: %(kind)s (%(lang)s)", id=incident_id,
                                       kind=DOCUMENT_KINDS.label(run.kind), lang=LOCALES.label(run.lang)),
                                     total=len(readers))
            result = write_letters(run, readers, out, merge=merge, workers=workers or get_settings().documents_workers,
                                   progress=lambda done, total: progress.update(task, completed=done, total=total))
    except LettersConflict as exc:
        raise CliError(str(exc)) from None
    with command_session(as_user) as (session, actor):
        service.record_letters(session, actor=actor, incident_id=incident_id, run=run, count=result.total,
                               output=str(out.resolve()), merge=merge)
    summary = {"incident": incident_id, "kind": run.kind, "lang": run.lang, "letters": result.total,
               "written": result.written, "skipped": result.skipped, "bytes": result.bytes,
               "seconds": round(result.seconds, 2), "out": str(out.resolve()),
               "files": [f.name for f in result.files][:5] + (["…"] if len(result.files) > 5 else [])}
    if as_json:
        print_json(summary)
        return
    say(_("%(written)s written, %(skipped)s already there; %(files)s file(s), %(mb)s MB in %(out)s (%(seconds)s s)",
          written=f"{result.written:,}", skipped=f"{result.skipped:,}", files=f"{len(result.files):,}",
          mb=f"{result.bytes / 2**20:.1f}", out=str(out), seconds=f"{result.seconds:.1f}"))


def letter_wording(
    incident_id: IncidentId,
    cause_ja: Annotated[str | None, typer.Option("--cause-ja", help="The cause, in one or two sentences (Japanese)")] = None,
    cause_en: Annotated[str | None, typer.Option("--cause-en", help="The cause (English)")] = None,
    actions_ja: Annotated[str | None, typer.Option("--actions-ja", help="What was done (Japanese)")] = None,
    actions_en: Annotated[str | None, typer.Option("--actions-en", help="What was done (English)")] = None,
    measures_ja: Annotated[str | None, typer.Option("--measures-ja", help="What will change (Japanese)")] = None,
    measures_en: Annotated[str | None, typer.Option("--measures-en", help="What will change (English)")] = None,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Show, or set, what letters say beyond the recorded facts (written for outside readers)."""
    data = wording.WordingIn(cause_ja=cause_ja, cause_en=cause_en, actions_ja=actions_ja, actions_en=actions_en,
                             measures_ja=measures_ja, measures_en=measures_en)
    with command_session(as_user) as (session, actor):
        if any(v is not None for v in data.model_dump().values()):
            out = wording.set_wording(session, actor=actor, incident_id=incident_id, data=data)
        else:
            out = wording.get(session, actor=actor, incident_id=incident_id)
    if as_json:
        print_json(out)
        return
    labels = {"cause": _("Cause"), "actions": _("What was done"), "measures": _("What will change")}
    table(None, [_("Wording"), _("Japanese"), _("English")],
          [[label, getattr(out, f"{key}_ja") or _("(from the record)"), getattr(out, f"{key}_en") or _("(from the record)")]
           for key, label in labels.items()])


def register(app: typer.Typer) -> None:
    app.command("document")(document)
    app.command("documents")(documents)
    app.command("letters")(letters)
    app.command("letter-wording")(letter_wording)
