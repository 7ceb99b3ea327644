"""A corpus of real-world-shaped mails, built byte by byte by the tests themselves.

Japanese mailers still send ISO-2022-JP (JIS) headers and bodies; newer ones UTF-8; Outlook
writes RFC 2231 file names, older Japanese mailers RFC 2047 words inside quotes.
"""

from __future__ import annotations

import base64
import io
import urllib.parse
import zipfile
from xml.sax.saxutils import escape

CODECS = {"ISO-2022-JP": "iso2022_jp", "UTF-8": "utf-8", "Shift_JIS": "cp932", "EUC-JP": "euc_jp"}


def b_word(text: str, charset: str = "ISO-2022-JP") -> str:
    data = text.encode(CODECS[charset])
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def q_word(text: str, charset: str = "UTF-8") -> str:
    data = text.encode(CODECS[charset])
    return f"=?{charset}?Q?" + "".join(
        chr(b) if b < 128 and chr(b).isalnum() else f"={b:02X}" for b in data
    ) + "?="


def header_text(text: str, charset: str) -> str:
    return text if text.isascii() else b_word(text, charset)


def addr(name: str, address: str, charset: str = "ISO-2022-JP") -> str:
    if not name:
        return address
    shown = header_text(name, charset) if not name.isascii() else f'"{name}"'
    return f"{shown} <{address}>"


def xlsx(rows: list[list[str]]) -> bytes:
    """A minimal .xlsx (shared strings) that Excel and our inspector both read."""
    strings: list[str] = []
    index: dict[str, int] = {}
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            ref = f"{chr(65 + c)}{r}"
            cells.append(f'<c r="{ref}" t="s"><v>{index[value]}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f"<workbook {ns}><sheets><sheet name='S' sheetId='1'/></sheets></workbook>")
        zf.writestr("xl/worksheets/sheet1.xml", f"<worksheet {ns}><sheetData>{''.join(sheet_rows)}</sheetData></worksheet>")
        sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        zf.writestr("xl/sharedStrings.xml", f"<sst {ns} count='{len(strings)}'>{sst}</sst>")
    return buf.getvalue()


def people_csv(rows: int, columns=("氏名", "住所", "電話番号"), encoding: str = "cp932") -> bytes:
    lines = [",".join(columns)]
    lines += [",".join(f"{c}{i}" for c in ("山田", "東京都", "03-0000-")[: len(columns)]) for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def password_zip() -> bytes:
    """A ZIP whose entry carries the 'encrypted' flag (what a password ZIP looks like from outside)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("meibo.xlsx", b"\x00" * 64)
    data = bytearray(buf.getvalue())
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            flag_at = pos + (6 if sig == b"PK\x03\x04" else 8)
            data[flag_at] |= 0x01
            start = pos + 4
    return bytes(data)


def make_mail(
    *,
    sender: tuple[str, str] = ("山田 太郎", "taro.yamada@example.co.jp"),
    to: list[tuple[str, str]] | None = None,
    cc: list[tuple[str, str]] | None = None,
    bcc: list[tuple[str, str]] | None = None,
    subject: str = "お見積書の送付",
    charset: str = "ISO-2022-JP",
    date: str | None = "Mon, 23 Nov 2026 10:15:00 +0900",
    body: str = "いつもお世話になっております。\r\nお見積書を送付いたします。\r\nよろしくお願いいたします。\r\n",
    html: bool = True,
    attachments: list[tuple[str, str, bytes]] | None = None,
    filename_style: str = "rfc2231",
    extra_headers: list[str] | None = None,
) -> bytes:
    """A complete multipart/mixed mail with a multipart/alternative body (nested multiparts)."""
    to = to if to is not None else [("佐藤 花子", "hanako.sato@partner.co.jp")]
    lines = [f"From: {addr(*sender, charset)}"]
    if to:
        lines.append("To: " + ",\r\n ".join(addr(n, a, charset) for n, a in to))
    if cc:
        lines.append("Cc: " + ",\r\n ".join(addr(n, a, charset) for n, a in cc))
    if bcc:
        lines.append("Bcc: " + ",\r\n ".join(addr(n, a, charset) for n, a in bcc))
    lines.append(f"Subject: {header_text(subject, charset)}")
    if date:
        lines.append(f"Date: {date}")
    lines += ["Message-ID: <20261123101500.0001@example.co.jp>", "MIME-Version: 1.0"]
    lines += extra_headers or []
    lines.append('Content-Type: multipart/mixed; boundary="==outer=="')
    body_codec = CODECS[charset]
    parts = ["--==outer==", 'Content-Type: multipart/alternative; boundary="==alt=="', "", "--==alt=="]
    parts += [f"Content-Type: text/plain; charset={charset}", "Content-Transfer-Encoding: base64", ""]
    parts.append(base64.encodebytes(body.encode(body_codec)).decode().strip())
    if html:
        html_body = "<html><body><p>" + body.replace("\r\n", "<br>") + "</p></body></html>"
        parts += ["--==alt==", "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", ""]
        parts.append(base64.encodebytes(html_body.encode()).decode().strip())
    parts.append("--==alt==--")
    for filename, ctype, data in attachments or []:
        parts.append("--==outer==")
        parts += _attachment_headers(filename, ctype, charset, filename_style)
        parts += ["Content-Transfer-Encoding: base64", ""]
        parts.append(base64.encodebytes(data).decode().strip())
    parts.append("--==outer==--")
    text = "\r\n".join(lines) + "\r\n\r\n" + "\r\n".join(parts) + "\r\n"
    return text.encode("ascii")


def _attachment_headers(filename: str, ctype: str, charset: str, style: str) -> list[str]:
    if filename.isascii():
        return [f'Content-Type: {ctype}; name="{filename}"', f'Content-Disposition: attachment; filename="{filename}"']
    if style == "rfc2047":
        word = b_word(filename, charset)
        return [f'Content-Type: {ctype}; name="{word}"', f'Content-Disposition: attachment; filename="{word}"']
    enc = "UTF-8" if charset == "ISO-2022-JP" else charset
    quoted = urllib.parse.quote(filename.encode(CODECS[enc]), safe="")
    if style == "rfc2231-continued":
        half = len(quoted) // 2
        while quoted[half - 1] == "%" or quoted[half - 2] == "%":
            half += 1
        return [
            f"Content-Type: {ctype}",
            "Content-Disposition: attachment;",
            f" filename*0*={enc}''{quoted[:half]};",
            f" filename*1*={quoted[half:]}",
        ]
    return [f"Content-Type: {ctype}", f"Content-Disposition: attachment; filename*={enc}''{quoted}"]
