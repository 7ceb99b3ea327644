"""Bulk letters: thousands of personalised letters, fast, on both cores, resumable.

    run = LetterRun(kind="notice_affected", lang="ja", incident=record, letterhead=lh)  # cases.record
    result = write_letters(run, readers, Path("out"), merge=False, workers=2, progress=callback)

What is the same in every letter (body, letterhead, deletion form) is laid out once per worker
("constant layer"); only the addressee block is laid out per reader, a batch of readers per
WeasyPrint document, and the two are joined at the PDF level (pdfparts.LayeredAssembly).
Readers whose letters differ in the body too (貴社 vs 貴殿) get one constant layer per variant.

Output: one PDF per reader, `00001_<address>.pdf` (or one merged `letters.pdf` with --merge).
Every file is written under a temporary name and renamed, so a file that exists is complete; a
rerun skips existing letters (merge: existing batch parts) and never writes a letter twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from weasyprint import Document

from incidents.documents.context import Extras, Letterhead, Person, build_context, person_of, variable_view
from incidents.documents.fields import get
from incidents.documents.kinds import DocumentKind
from incidents.documents.pdfparts import LayeredAssembly
from incidents.documents.render import get_renderer

MANIFEST = ".letters.json"
PARTS_DIR = ".parts"
MERGED_NAME = "letters.pdf"
SPLIT_BATCH = 50  # small batches keep each letter's font subset small
MERGE_BATCH = 100
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_OVERLAY_STYLE = ("<style>html, body { background: transparent !important; }"
                  " .incidents-overlay + .incidents-overlay { break-before: page; }</style>")
# An organisation's own templates may put running headers or footers in the page margins: those
# belong to the constant layer only. (Not added for our templates: 16 margin boxes on every
# overlay page would cost more layout time than the addressee itself.)
_BLANK_MARGINS = "<style>@page { " + " ".join(f"@{box} {{ content: none; }}" for box in (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "bottom-left-corner",
    "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner", "left-top", "left-middle",
    "left-bottom", "right-top", "right-middle", "right-bottom")) + " }</style>"


class LettersConflict(Exception):
    """The output directory holds letters of a different run."""


@dataclass(frozen=True)
class LetterRun:
    """Everything a worker process needs to render the letters of one run (picklable)."""

    kind: str
    lang: str
    incident: Any  # the IncidentRecord (or plain data shaped like the JSON contract)
    letterhead: Letterhead
    extras: Extras | None = None
    issued_on: date | None = None
    override_dir: str | None = None


@dataclass
class LettersResult:
    total: int
    written: int
    skipped: int
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0


class LetterComposer:
    """Renders letters of one run in one process, reusing the constant layers."""

    def __init__(self, run: LetterRun):
        self.run = run
        self.kind = DocumentKind(run.kind)
        self.renderer = get_renderer(Path(run.override_dir) if run.override_dir else None)
        self.base = build_context(run.incident, kind=self.kind, lang=run.lang, letterhead=run.letterhead,
                                  issued_on=run.issued_on, extras=run.extras)
        self._layers: dict[str, Document] = {}

    def view(self, person: Any) -> dict[str, Any]:
        return variable_view(person_of(person), kind=self.kind, lang=self.run.lang, letterhead=self.run.letterhead,
                             mistake_type=self.base["incident"]["mistake_type"])

    def context(self, view: dict[str, Any]) -> dict[str, Any]:
        return {**self.base, "reader": view}

    def constant_layer(self, view: dict[str, Any]) -> Document:
        key = view["variant"]
        layer = self._layers.get(key)
        if layer is None:
            layer = self._layers[key] = self.renderer.document(
                self.kind, self.run.lang, self.context(view), layer="constant")
        return layer

    def overlays(self, views: Sequence[dict[str, Any]]) -> Document:
        parts, head = [], None
        for view in views:
            html = self.renderer.html(self.kind, self.run.lang, self.context(view), layer="variable")
            match = _BODY.search(html)
            if match is None:
                raise ValueError("a letter template must have a <body>")
            if head is None:
                head = html[:match.start(1)]
            parts.append(f'<div class="incidents-overlay">{match.group(1)}</div>')
        style = _OVERLAY_STYLE + (_BLANK_MARGINS if self.renderer.override_dir else "")
        head = head.replace("</head>", style + "</head>", 1)
        doc = self.renderer.render_html(head + "".join(parts) + "</body></html>")
        # One overlay page per letter, or two when the letter ends with a returnable form that carries
        # the reader's reference number too (an organisation's own template may leave that out).
        if len(doc.pages) not in (len(views), 2 * len(views)):
            raise ValueError("an addressee block ran over one page; render these letters one by one")
        return doc

    def compose(self, persons: Sequence[Any], *, split: bool) -> bytes | list[bytes]:
        """One merged PDF of the letters (split=False) or one PDF per letter (split=True)."""
        views = [self.view(p) for p in persons]
        keys = list(dict.fromkeys(v["variant"] for v in views))
        layers = [self.constant_layer(next(v for v in views if v["variant"] == k)) for k in keys]
        overlay = self.overlays(views)
        doc = layers[0].copy([p for layer in layers for p in layer.pages] + overlay.pages)
        assembly = LayeredAssembly([len(layer.pages) for layer in layers],
                                   [keys.index(v["variant"]) for v in views], split=split,
                                   overlay_pages=len(overlay.pages) // len(views))
        with self.renderer.lock:
            data = doc.write_pdf(finisher=assembly)
        return assembly.letters if split else data

    def single(self, person: Any) -> bytes:
        """The same letter through the ordinary one-document path (for checks and small runs)."""
        return self.renderer.pdf(self.kind, self.run.lang, self.context(self.view(person)))


# ---- files, manifest, resumption ----------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]+")


def letter_filename(index: int, person: Any) -> str:
    p = person_of(person)
    key = _UNSAFE.sub("_", p.address or p.reference or "letter").strip("._")[:80] or "letter"
    return f"{index + 1:05d}_{key}.pdf"


def fingerprint(run: LetterRun, persons: Sequence[Any]) -> str:
    digest = hashlib.sha256(f"{run.kind}|{run.lang}|{get(run.incident, 'id')}".encode())
    for p in persons:
        p = person_of(p)
        digest.update(json.dumps(asdict(p), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _check_manifest(out_dir: Path, run: LetterRun, persons: Sequence[Any], merge: bool) -> None:
    manifest = {"kind": run.kind, "lang": run.lang, "incident": get(run.incident, "id"), "count": len(persons),
                "merge": merge, "fingerprint": fingerprint(run, persons)}
    path = out_dir / MANIFEST
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != manifest:
            raise LettersConflict(f"{out_dir} holds letters of another run; choose an empty directory")
        return
    _write_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=1).encode())


# ---- workers -----------------------------------------------------------------------------------

_composer: LetterComposer | None = None


def _init_worker(run: LetterRun) -> None:
    global _composer
    _composer = LetterComposer(run)


def _render_batch(task: tuple[str, list[tuple[int, Any]], bool]) -> tuple[int, int]:
    """Render one batch and write its files; returns (letters, bytes). Runs in a worker."""
    out, items, merge = task
    assert _composer is not None
    out_dir = Path(out)
    persons = [p for _, p in items]
    if merge:
        data = _composer.compose(persons, split=False)
        _write_atomic(out_dir / PARTS_DIR / f"{items[0][0]:06d}.pdf", data)
        return len(items), len(data)
    letters = _composer.compose(persons, split=True)
    size = 0
    for (index, person), data in zip(items, letters):
        _write_atomic(out_dir / letter_filename(index, person), data)
        size += len(data)
    return len(items), size


def write_letters(
    run: LetterRun,
    persons: Sequence[Person | dict[str, Any]],
    out_dir: Path,
    *,
    merge: bool = False,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    made: Callable[[list[str]], Any] | None = None,
) -> LettersResult:
    """Write one PDF per reader into out_dir (or one merged PDF), resuming an earlier run.

    `progress(done, total)` after each batch; `made(names)` with the files (letters, or merge parts) that
    exist, those of an earlier run first, then each batch's once its files are complete."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_manifest(out_dir, run, persons, merge)
    total = len(persons)
    batch_size = batch_size or (MERGE_BATCH if merge else SPLIT_BATCH)
    indexed = list(enumerate(persons))
    for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob(f"{PARTS_DIR}/.*.tmp")]:
        stale.unlink(missing_ok=True)  # left by an interrupted run: never complete, never counted
    if merge:
        merged = out_dir / MERGED_NAME
        batches = [indexed[i:i + batch_size] for i in range(0, total, batch_size)]
        if merged.exists():
            pending = []
        else:
            (out_dir / PARTS_DIR).mkdir(exist_ok=True)
            pending = [b for b in batches if not (out_dir / PARTS_DIR / f"{b[0][0]:06d}.pdf").exists()]
        skipped = total - sum(len(b) for b in pending)
    else:
        todo = [(i, p) for i, p in indexed if not (out_dir / letter_filename(i, p)).exists()]
        pending = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]
        skipped = total - len(todo)
    done, size = skipped, 0
    if made and skipped:  # made by an earlier run: recorded, never made again
        if merge:
            waiting = {b[0][0] for b in pending}
            made([_key(b[0], True) for b in batches if b[0][0] not in waiting])
        else:
            waiting = {i for i, _ in todo}
            made([_key(item, False) for item in indexed if item[0] not in waiting])
    if progress:
        progress(done, total)
    tasks = [(str(out_dir), batch, merge) for batch in pending]

    def finished(batch: list[tuple[int, Any]], n: int, b: int) -> None:
        nonlocal done, size
        done, size = done + n, size + b
        if made:
            made([_key(batch[0], True)] if merge else [_key(item, False) for item in batch])
        if progress:
            progress(done, total)

    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    if workers == 1:
        _init_worker(run)
        for task in tasks:
            finished(task[1], *_render_batch(task))
    elif tasks:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                 initializer=_init_worker, initargs=(run,)) as pool:
            running: dict[Any, list[tuple[int, Any]]] = {}
            queue = list(tasks)
            try:
                while queue or running:
                    while queue and len(running) < workers * 2:
                        task = queue.pop(0)
                        running[pool.submit(_render_batch, task)] = task[1]
                    ready, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in ready:
                        finished(running.pop(future), *future.result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # batches not started never start
                raise
    if merge:
        files = [_merge_parts(out_dir, batches)]
    else:
        files = [out_dir / letter_filename(i, p) for i, p in indexed]
    return LettersResult(total=total, written=total - skipped, skipped=skipped, files=files,
                         bytes=sum(f.stat().st_size for f in files), seconds=time.perf_counter() - started)


def _key(item: tuple[int, Any], merge: bool) -> str:
    index, person = item
    return f"{PARTS_DIR}/{index:06d}.pdf" if merge else letter_filename(index, person)


def _merge_parts(out_dir: Path, batches: list[list[tuple[int, Any]]]) -> Path:
    from pypdf import PdfWriter

    merged = out_dir / MERGED_NAME
    if merged.exists():
        return merged
    parts = [out_dir / PARTS_DIR / f"{b[0][0]:06d}.pdf" for b in batches]
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    tmp = merged.with_name(f".{merged.name}.tmp")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    os.replace(tmp, merged)
    for part in parts:
        part.unlink(missing_ok=True)
    (out_dir / PARTS_DIR).rmdir()
    return merged
