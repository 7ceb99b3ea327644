"""Documents: `incidents document` (one PDF, stored as a new version), `incidents documents` (the list),
`incidents letters` (bulk letters: a job a worker renders, with a progress bar). Thin wrappers over
incidents.documents.service / jobs."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path
from typing import Annotated

import typer

from cli.common import AsUser, JsonOut, command_session, fail, print_json, say, table
from cli.jobs import follow
from incidents.documents import jobs as letter_jobs
from incidents.documents import service, wording
from incidents.i18n import gettext as _
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
    out: Annotated[Path | None, typer.Option("--out", help="Wait for the letters and put them in this directory")] = None,
    kind: Annotated[str, typer.Option("--kind", help="apology (to affected people: the notice and apology)")] = "apology",
    lang: Lang = "ja",
    merge: Annotated[bool, typer.Option("--merge", help="One merged PDF instead of one PDF per reader")] = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="The people concerned: address,name,organization,postal_address")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the job's progress until it ends")] = False,
    run_here: Annotated[bool, typer.Option("--run", help="Render in this command, as a worker would (no worker needed)")] = False,
    as_user: AsUser = None,
    as_json: JsonOut = False,
):
    """Personalised letters for every recipient of one kind: queued as a job that a worker renders
    (`incidents worker`; thousands: both cores, resumable, no letter made twice)."""
    if kind not in ("apology", "notice", *(k.value for k in AUDIENCE_KINDS.values())):
        fail("--kind %(kind)s: bulk letters are apologies (apology, or notice for the people concerned)", kind=kind)
    if to in Audience.__members__ and kind in AUDIENCE_KINDS.values() and AUDIENCE_KINDS[Audience(to)].value != kind:
        fail("--kind %(kind)s does not go --to %(to)s", kind=kind, to=to)
    persons = _persons(csv_file) if csv_file else None
    with command_session(as_user) as (session, actor):
        job = letter_jobs.start(session, actor=actor, incident_id=incident_id, to=to, lang=lang, merge=merge,
                                persons=persons)
    if not (wait or run_here or out):
        if as_json:
            print_json(letter_jobs.to_public(job))
        else:
            say(_("Job #%(id)s queued: %(n)s letter(s); follow it with `incidents jobs show %(id)s --wait`",
                  id=job.id, n=f"{job.total:,}"))
        return
    ended = follow(job.id, actor, as_json=as_json, run_here=run_here)
    if ended.status != "done":
        fail("the letters were not made: %(reason)s", reason=ended.error)
    result, files = ended.result, []
    with command_session(as_user) as (session, actor):
        path = letter_jobs.output(session, actor=actor, job_id=job.id)[1]
    if out is not None:
        files = _unpack(path, out)
    summary = {"job": job.id, "incident": incident_id, "kind": job.params["letter_kind"], "lang": job.params["lang"],
               "letters": result.get("letters", ended.total), "written": result.get("written", 0),
               "skipped": result.get("skipped", 0), "bytes": result.get("size_bytes", 0), "output": str(path),
               "out": str(out.resolve()) if out else None,
               "files": [f.name for f in files][:5] + (["…"] if len(files) > 5 else [])}
    if as_json:
        print_json(summary)
        return
    say(_("%(n)s letter(s) made (job #%(id)s): %(path)s", n=f"{summary['letters']:,}", id=job.id,
          path=str(out or path)))


def _unpack(path: Path, out: Path) -> list[Path]:
    """The job's output into a directory of the user's: the merged PDF, or the letters from the ZIP."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".pdf":
            target = out / path.name
            shutil.copyfile(path, target)
            return [target]
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if "/" not in n and not n.startswith(".")]
            zf.extractall(out, members=names)
        return [out / n for n in names]
    except OSError as exc:
        fail("cannot write %(path)s: %(reason)s", path=str(out), reason=exc.strerror or "")


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
