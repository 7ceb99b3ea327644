"""A bounded look inside attachments: rows and header of a table, and whether it is encrypted.

Only what the stdlib can read safely: CSV / TSV / plain text, .xlsx (a ZIP of XML, read with a
byte cap so a ZIP bomb cannot expand), ZIP (encrypted entries = a "password ZIP"), encrypted
Office files (an OLE file holding an EncryptedPackage stream) and PDF (an /Encrypt dictionary).
"""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

from .headers import decode_bytes
from .types import IntakeLimits, MailAttachment

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TABLE_EXT = (".csv", ".tsv", ".txt", ".tab")
_XLSX_EXT = (".xlsx", ".xlsm")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_SI = re.compile(rb"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>", re.S)
_FIRST_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*>(.*?)</(?:\w+:)?row>", re.S)


def inspect_attachment(att: MailAttachment, data: bytes, limits: IntakeLimits) -> None:
    """Fill att.rows / att.columns / att.encrypted in place; never raises."""
    try:
        _inspect(att, data, limits)
    except Exception:  # noqa: BLE001 - a file we cannot read is simply not inspected
        pass


def _inspect(att: MailAttachment, data: bytes, limits: IntakeLimits) -> None:
    name = att.filename.lower()
    ctype = att.content_type.lower()
    if data.startswith(b"PK\x03\x04"):
        _inspect_zip(att, data, limits, xlsx=name.endswith(_XLSX_EXT) or "spreadsheetml" in ctype)
    elif data.startswith(OLE_MAGIC):
        att.encrypted = b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data
    elif data.startswith(b"%PDF"):
        att.encrypted = b"/Encrypt" in data[-65536:] or b"/Encrypt" in data[:65536]
    elif name.endswith(_TABLE_EXT) or ctype in ("text/csv", "text/tab-separated-values"):
        _inspect_text_table(att, data[: limits.max_inspect_bytes], limits)


def _inspect_text_table(att: MailAttachment, data: bytes, limits: IntakeLimits) -> None:
    """Header row and number of data rows, counted in C (no list of millions of lines)."""
    data = data.strip(b"\r\n\t ")
    if not data:
        att.rows = 0
        return
    newline = b"\n" if b"\n" in data[:65536] or b"\r" not in data[:65536] else b"\r"
    end = data.find(newline)
    first = data if end < 0 else data[:end]
    header = decode_bytes(first.strip(b"\r"), None).lstrip("\ufeff")
    delimiter = "\t" if header.count("\t") > header.count(",") else ","
    cols = [c.strip().strip('"').strip() for c in header.split(delimiter)]
    if len(cols) >= 2 or att.filename.lower().endswith((".csv", ".tsv")):
        att.columns = [c for c in cols if c][:100]
        blank = data.count(newline + newline) + data.count(b"\n\r\n")
        att.rows = max(data.count(newline) - blank, 0)


def _inspect_zip(att: MailAttachment, data: bytes, limits: IntakeLimits, *, xlsx: bool) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()[: limits.max_parts]
        if any(i.flag_bits & 0x1 for i in infos):
            att.encrypted = True
            return
        names = {i.filename for i in infos}
        if not xlsx and "xl/workbook.xml" not in names:
            return
        sheet = "xl/worksheets/sheet1.xml"
        if sheet not in names:
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
            if not sheets:
                return
            sheet = sheets[0]
        with zf.open(sheet) as fh:
            xml = fh.read(limits.max_inspect_bytes)
        rows = len(_ROW.findall(xml))
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with zf.open("xl/sharedStrings.xml") as fh:
                sxml = fh.read(min(limits.max_inspect_bytes, 2 * 1024 * 1024))
            for si in _SI.findall(sxml)[:5000]:
                shared.append(unescape(b"".join(_TEXT.findall(si)).decode("utf-8", "replace")))
        first = _FIRST_ROW.search(xml)
        cols: list[str] = []
        if first:
            for attrs, inner in _CELL.findall(first.group(1))[:100]:
                inner = inner or b""
                if b't="s"' in attrs:
                    v = _VALUE.search(inner)
                    idx = int(v.group(1)) if v and v.group(1).strip().isdigit() else -1
                    cols.append(shared[idx] if 0 <= idx < len(shared) else "")
                elif b't="inlineStr"' in attrs or b"t=\"str\"" in attrs:
                    cols.append(unescape(b"".join(_TEXT.findall(inner)).decode("utf-8", "replace")))
                else:
                    v = _VALUE.search(inner)
                    cols.append(v.group(1).decode("ascii", "replace") if v else "")
        att.columns = [c.strip() for c in cols if c.strip()]
        att.rows = max(rows - 1, 0) if rows else 0
