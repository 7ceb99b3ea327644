"""Render one page of every document kind in both languages to docs/samples/<kind>-<lang>.png.

    .venv/bin/python scripts/render_samples.py [--dpi 70] [--out docs/samples] [--keep-pdf]

Needs pdftoppm (Debian poppler-utils). The data is the demonstration incident of
incidents.documents.samples, so the pictures change only when a template or the CSS does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incidents.documents import samples  # noqa: E402
from incidents.documents.context import build_context  # noqa: E402
from incidents.documents.kinds import KINDS, DocumentKind  # noqa: E402
from incidents.documents.render import get_renderer  # noqa: E402


def reader_for(kind: DocumentKind, incident: dict, lang: str):
    if kind == DocumentKind.apology_unintended:
        r = dict(incident["recipients"][0])
    elif kind == DocumentKind.apology_intended:
        r = dict(incident["recipients"][1])
    elif kind == DocumentKind.notice_affected:
        r = {"address": "sato.yumi@example.jp", "name": "佐藤 由美" if lang == "ja" else "Yumi Sato",
             "postal_address": "〒150-0001 東京都渋谷区神宮前1-2-3" if lang == "ja" else "1-2-3 Jingumae, Shibuya-ku, Tokyo 150-0001",
             "reference": "No. 42-00001"}
    else:
        return None
    if lang == "en" and kind != DocumentKind.notice_affected:
        r.update(name=("Taro Yamada" if r["kind"] == "unintended" else "Hanako Tanaka"),
                 organization=("Kitakaze Works Ltd." if r["kind"] == "unintended" else "Minami Inc."))
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=70)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "samples")
    parser.add_argument("--keep-pdf", action="store_true", help="also keep the PDFs next to the PNGs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    renderer = get_renderer()
    for lang in ("ja", "en"):
        incident = samples.incident()
        if lang == "en":
            incident.update(title="Quotation sent to the wrong customer", message={
                **incident["message"], "subject": "Quotation: maintenance contract for June",
                "summary": "The quotation and a customer list (names, addresses, phone numbers) as attachments."})
        extras = samples.extras(lang)
        letterhead = samples.letterhead() if lang == "ja" else samples.letterhead_en()
        for kind in DocumentKind:
            ctx = build_context(incident, kind=kind, lang=lang, letterhead=letterhead,
                                recipient=reader_for(kind, incident, lang), issued_on=date(2025, 6, 20), extras=extras)
            pdf = renderer.pdf(kind, lang, ctx)
            stem = f"{kind.value}-{lang}"
            with tempfile.TemporaryDirectory() as tmp:
                pdf_path = Path(tmp) / f"{stem}.pdf"
                pdf_path.write_bytes(pdf)
                subprocess.run(["pdftoppm", "-r", str(args.dpi), "-f", "1", "-l", "1", "-png", "-singlefile",
                                str(pdf_path), str(args.out / stem)], check=True)
                if args.keep_pdf:
                    (args.out / f"{stem}.pdf").write_bytes(pdf)
            print(f"{stem}.png  ({KINDS[kind].title(lang)}, {len(pdf):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
