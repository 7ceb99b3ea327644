"""Render every document kind, in both languages, for the four shapes of incidents the tests use, to
docs/samples/<shape>/<kind>-<lang>-<page>.png (every page).

    .venv/bin/python scripts/render_samples.py [--dpi 60] [--out docs/samples] [--keep-pdf] [--shape client]

Needs pdftoppm (Debian poppler-utils). The data is incidents.documents.shapes, so the pictures change
only when a template, the CSS or the wording rules do.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incidents.documents.context import build_context  # noqa: E402
from incidents.documents.kinds import KINDS, DocumentKind  # noqa: E402
from incidents.documents.render import get_renderer  # noqa: E402
from incidents.documents.shapes import SHAPES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "samples")
    parser.add_argument("--keep-pdf", action="store_true", help="also keep the PDFs next to the PNGs")
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append", help="only these shapes")
    args = parser.parse_args()
    renderer = get_renderer()
    for key in args.shape or SHAPES:
        shape = SHAPES[key]()
        out = args.out / key
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for lang in ("ja", "en"):
            for kind in DocumentKind:
                reader = shape.reader(kind, lang)
                if KINDS[kind].needs_recipient and reader is None:
                    continue  # e.g. nobody was the intended recipient of the university's mail
                ctx = build_context(shape.incident, kind=kind, lang=lang, letterhead=shape.letterhead(lang),
                                    recipient=reader, issued_on=date(2025, 10, 6), extras=shape.extras(lang))
                pdf = renderer.pdf(kind, lang, ctx)
                stem = f"{kind.value}-{lang}"
                with tempfile.TemporaryDirectory() as tmp:
                    pdf_path = Path(tmp) / f"{stem}.pdf"
                    pdf_path.write_bytes(pdf)
                    subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf_path), str(out / stem)],
                                   check=True)
                    if args.keep_pdf:
                        (out / f"{stem}.pdf").write_bytes(pdf)
                pages = sorted(out.glob(f"{stem}-*.png"))
                print(f"{key}/{stem}: {len(pages)} page(s)  ({KINDS[kind].title(lang)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
