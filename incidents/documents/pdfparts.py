"""Assemble bulk letters from a constant layer and per-reader overlays, at the PDF object level.

A bulk run lays out the part of a letter that is the same for every reader (body text,
letterhead, deletion form: "the constant layer") once, and the per-reader part (addressee,
reference, salutation: "the overlay") for a whole batch of readers in one WeasyPrint document.
Both are painted into one pydyf PDF (one font subset for the batch); this finisher then gives
each letter's first page the content streams [q, constant page 1, Q, overlay] and gives its later
pages the constant streams. Content streams are shared by reference, so the constant page is
stored once per batch file. `split=True` writes one small self-contained PDF per letter instead
(only the objects the letter reaches, each serialised once per batch).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pydyf

_REF = re.compile(rb"(\d+) 0 R")
_HEADER = b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n"


class LayeredAssembly:
    """A WeasyPrint `finisher`: the document's pages are [constant layers..., overlays...].

    const_pages: number of pages of each constant layer (one layer per body variant)
    letter_layers: for each letter (in order), the index of its layer
    overlay_pages: overlay pages per letter: 1 (the first page) or 2 (also the last page: the
        returnable form, which carries the reader's reference number too)
    """

    def __init__(self, const_pages: Sequence[int], letter_layers: Sequence[int], *, split: bool = False,
                 overlay_pages: int = 1):
        self.const_pages = list(const_pages)
        self.letter_layers = list(letter_layers)
        self.split = split
        self.overlay_pages = overlay_pages
        self.letters: list[bytes] = []
        self.page_count = 0

    def __call__(self, document, pdf: pydyf.PDF) -> None:  # noqa: ARG002
        kids = pdf.pages["Kids"]
        numbers = [kids[i] for i in range(0, len(kids), 3)]
        n_const = sum(self.const_pages)
        per = self.overlay_pages
        if len(numbers) != n_const + per * len(self.letter_layers):
            raise RuntimeError(f"expected {n_const + per * len(self.letter_layers)} pages, got {len(numbers)}")
        layers, start = [], 0
        for count in self.const_pages:
            layers.append([pdf.objects[n] for n in numbers[start:start + count]])
            start += count
        push = pydyf.Stream([b"q"])
        pop = pydyf.Stream([b"Q"])
        pdf.add_object(push)
        pdf.add_object(pop)
        letters: list[list[pydyf.Dictionary]] = []
        for i, layer in enumerate(self.letter_layers):
            const = layers[layer]
            overlays = [pdf.objects[numbers[n_const + per * i + k]] for k in range(per)]
            # overlay k lands on constant page 0, then on the last page (the form)
            targets = [0] + ([len(const) - 1] if per > 1 else [])
            pages = []
            for index, later in enumerate(const):
                if index in targets:
                    page = overlays[targets.index(index)]
                    page["Contents"] = pydyf.Array(
                        [push.reference, later["Contents"], pop.reference, page["Contents"]])
                else:
                    page = pydyf.Dictionary(dict(later))
                    pdf.add_object(page)
                pages.append(page)
            letters.append(pages)
        self.page_count = sum(len(p) for p in letters)
        if self.split:
            writer = SubsetWriter(pdf)
            self.letters = [writer.write([p.number for p in pages]) for pages in letters]
            # Leave WeasyPrint an empty document to write: the letters are already out.
            pdf.objects = pdf.objects[:3]
            pdf.pages["Kids"] = pydyf.Array()
            pdf.pages["Count"] = 0
            pdf.info.clear()
        else:
            pdf.pages["Kids"] = pydyf.Array(x for pages in letters for p in pages for x in (p.number, 0, "R"))
            pdf.pages["Count"] = self.page_count


class SubsetWriter:
    """Writes PDFs made of a subset of one pydyf PDF's objects (same object numbers)."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf
        self._data: dict[int, bytes] = {}
        self._deps: dict[int, tuple[int, ...]] = {}
        self.pages_number = pdf.pages.number
        self.catalog_number = pdf.catalog.number
        self.info_number = len(pdf.objects) + 100
        self.info = pdf.info.data if pdf.info else b""

    def data(self, number: int) -> bytes:
        cached = self._data.get(number)
        if cached is None:
            cached = self._data[number] = self.pdf.objects[number].data
        return cached

    def deps(self, number: int) -> tuple[int, ...]:
        cached = self._deps.get(number)
        if cached is None:
            obj = self.pdf.objects[number]
            head = pydyf.Dictionary(obj.extra).data if isinstance(obj, pydyf.Stream) else self.data(number)
            cached = self._deps[number] = tuple(int(m) for m in _REF.findall(head))
        return cached

    def closure(self, roots: Sequence[int]) -> list[int]:
        seen: set[int] = set()
        stack = list(roots)
        skip = {self.pages_number, self.catalog_number}
        while stack:
            n = stack.pop()
            if n in seen or n in skip:
                continue
            seen.add(n)
            stack.extend(self.deps(n))
        return sorted(seen)

    def write(self, page_numbers: Sequence[int]) -> bytes:
        out = [_HEADER]
        pos = len(_HEADER)
        offsets: dict[int, int] = {}

        def put(number: int, data: bytes) -> None:
            nonlocal pos
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, data)
            offsets[number] = pos
            out.append(chunk)
            pos += len(chunk)

        for number in self.closure([*page_numbers, *self.deps(self.catalog_number)]):
            put(number, self.data(number))
        kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
        put(self.pages_number, b"<</Type /Pages /Kids [%s] /Count %d>>" % (kids, len(page_numbers)))
        put(self.catalog_number, self.data(self.catalog_number))
        if self.info:
            put(self.info_number, self.info)
        xref = [b"xref\n0 1\n0000000000 65535 f \n"]
        numbers = sorted(offsets)
        run: list[int] = []
        for n in numbers + [-1]:
            if run and n != run[-1] + 1:
                xref.append(b"%d %d\n" % (run[0], len(run)))
                xref.extend(b"%010d 00000 n \n" % offsets[m] for m in run)
                run = []
            run.append(n)
        size = max(numbers) + 1
        info = b" /Info %d 0 R" % self.info_number if self.info else b""
        trailer = b"trailer\n<</Size %d /Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (
            size, self.catalog_number, info, pos)
        return b"".join(out) + b"".join(xref) + trailer
