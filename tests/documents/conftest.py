"""Helpers for document tests: render to PDF, read it back."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from incidents.documents import samples
from incidents.documents.context import build_context
from incidents.documents.render import get_renderer


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdffonts(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text without the line breaks and spaces that layout inserts."""
    return "".join(text.split())


@pytest.fixture
def render():
    def render(kind, lang="ja", *, incident=None, recipient=None, extras=None, letterhead=None,
               override_dir=None, issued_on=date(2025, 6, 20)):
        incident = incident or samples.incident()
        letterhead = letterhead or (samples.letterhead() if lang == "ja" else samples.letterhead_en())
        ctx = build_context(incident, kind=kind, lang=lang, letterhead=letterhead, recipient=recipient,
                            issued_on=issued_on, extras=samples.extras(lang) if extras is None else extras)
        return get_renderer(override_dir).pdf(kind, lang, ctx)

    return render
