"""Reading a PDF back as a reader sees it: words with their boxes (pdfplumber, MIT), pages, lines."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4
A4 = (595.28, 841.89)
# The text box of every document (templates/documents/document.css @page margins: 20 20 20 22 mm).
BOX = {"left": 22 * MM, "right": 20 * MM, "top": 20 * MM, "bottom": 20 * MM}
TOLERANCE = 0.8  # pt: glyph side bearings


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[dict]
    lines: list[str]
    rects: list[dict]
    heading_lines: list[str]  # lines set in the sans face at heading size
    body_sizes: list[float]  # font sizes of the characters above the bottom margin

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read(pdf: bytes) -> list[Page]:
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for i, p in enumerate(doc.pages, start=1):
            words = p.extract_words(keep_blank_chars=False, use_text_flow=True)
            lines = (p.extract_text() or "").splitlines()
            heads = []
            for line in p.extract_text_lines(return_chars=True):
                chars = [c for c in line["chars"] if c["text"].strip()]
                if chars and "Sans" in chars[0]["fontname"] and chars[0]["size"] >= 9.9:
                    heads.append(line["text"])
            limit = float(p.height) - BOX["bottom"]
            sizes = [c["size"] for c in p.chars if c["text"].strip() and c["bottom"] <= limit + TOLERANCE]
            pages.append(Page(i, float(p.width), float(p.height), words, lines, list(p.rects) + list(p.lines), heads,
                              sizes))
    return pages


def outside_text_box(pages: list[Page]) -> list[str]:
    """Words and table rules that cross the text box (the page number in the bottom margin is allowed)."""
    bad = []
    for page in pages:
        left, right = BOX["left"] - TOLERANCE, page.width - BOX["right"] + TOLERANCE
        top, bottom = BOX["top"] - TOLERANCE, page.height - BOX["bottom"] + TOLERANCE
        for w in page.words:
            in_footer = w["top"] > bottom and re.fullmatch(r"\d+|/", w["text"])
            if in_footer:
                continue
            if w["x0"] < left or w["x1"] > right or w["top"] < top or w["bottom"] > bottom:
                bad.append(f"p{page.number}: {w['text']!r} at x {w['x0']:.1f}-{w['x1']:.1f}, y {w['top']:.1f}-{w['bottom']:.1f}")
        for r in page.rects:
            if r["x0"] < left or r["x1"] > right or r["top"] < top or r["bottom"] > bottom:
                bad.append(f"p{page.number}: a rule at x {r['x0']:.1f}-{r['x1']:.1f}, y {r['top']:.1f}-{r['bottom']:.1f}")
    return bad


def flat(text: str) -> str:
    return "".join(text.split())


def all_text(pages: list[Page]) -> str:
    return "\n".join(p.text for p in pages)


def body_words(page: Page) -> list[str]:
    """The words of a page other than its page number."""
    return [w["text"] for w in page.words if not re.fullmatch(r"\d+|/", w["text"])]


def section_numbers(pages: list[Page]) -> list[int]:
    """The numbers of headings set as «N. title», in reading order."""
    out = []
    for page in pages:
        for line in page.heading_lines:
            m = re.match(r"^(\d+)\.\s", line)
            if m:
                out.append(int(m.group(1)))
    return out
