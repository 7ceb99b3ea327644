"""Header text: RFC 2047 encoded words with forgiving charsets, raw 8-bit bytes, control characters,
and a fast, linear address-list splitter.

The standard library's modern header parser is correct but takes seconds for a To header with
thousands of addresses, and it is picky about broken Japanese mailers; address headers are
therefore split here, in one pass.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

from .types import MailAddress

# Charset labels seen in Japanese mail and what to decode them with (supersets first).
_CHARSET_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "cp932": "cp932", "ms_kanji": "cp932",
    "iso-2022-jp": "iso2022_jp_ext", "iso2022jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "iso-2022-jp-ms": "iso2022_jp_ext", "cp50220": "iso2022_jp_ext", "cp50221": "iso2022_jp_ext",
    "euc-jp": "euc_jis_2004", "x-euc-jp": "euc_jis_2004", "eucjp": "euc_jis_2004",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8",
    "latin1": "cp1252", "iso-8859-1": "cp1252",
}
# Tried in order when the declared charset is unknown, missing or wrong.
FALLBACK_CHARSETS = ("utf-8", "cp932", "euc_jis_2004", "iso2022_jp_ext")

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_WS = re.compile(r"[ \t\r\n]+")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_SURROGATES = re.compile("[\udc80-\udcff]")
_SPECIAL = re.compile(r'[\\"()<>,;:]')


class HeaderNotes:
    """Collects what was odd while decoding, for the caller to turn into warnings."""

    __slots__ = ("bad_charset", "injection", "raw_8bit", "bidi")

    def __init__(self) -> None:
        self.bad_charset = False
        self.injection = False
        self.raw_8bit = False
        self.bidi = False


def codec_for(label: str | None) -> str | None:
    if not label:
        return None
    key = label.strip().strip('"').lower()
    if len(key) > 40 or not key.isascii() or not key.isprintable():
        return None
    name = _CHARSET_ALIASES.get(key, key)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None, notes: HeaderNotes | None = None) -> str:
    """Decode with the declared charset, else the usual Japanese ones, else with replacement."""
    codec = codec_for(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    if notes is not None and charset:
        notes.bad_charset = True
    if b"\x1b$" in data or b"\x1b(" in data:
        try:
            return data.decode("iso2022_jp_ext")
        except UnicodeDecodeError:
            pass
    for name in FALLBACK_CHARSETS:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    if notes is not None:
        notes.bad_charset = True
    return data.decode(codec or "utf-8", errors="replace")


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "Bb":
        text = text.rstrip("=")
        try:
            return base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
        except (binascii.Error, ValueError):
            return b""
    return _q_decode(text)


def _q_decode(text: str) -> bytes:
    out = bytearray()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "_":
            out.append(0x20)
        elif ch == "=" and _HEX2.fullmatch(text[i + 1 : i + 3]):
            out.append(int(text[i + 1 : i + 3], 16))
            i += 2
        else:
            out.extend(ch.encode("utf-8", "surrogateescape"))
        i += 1
    return bytes(out)


def _recover_8bit(value: str, notes: HeaderNotes | None) -> str:
    """Raw 8-bit bytes reach us as surrogate escapes (BytesParser); decode them as Japanese text."""
    if value.isascii() and "\x1b" not in value:
        return value
    if not _SURROGATES.search(value):
        if "\x1b$" in value or "\x1b(" in value:  # raw ISO-2022-JP without encoded words
            try:
                return value.encode("ascii").decode("iso2022_jp_ext")
            except (UnicodeError, LookupError):
                return value
        return value
    if notes is not None:
        notes.raw_8bit = True
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None)


def decode_header_text(value: str | None, notes: HeaderNotes | None = None, *, max_chars: int = 0) -> str:
    """Unfold, decode encoded words (joining adjacent ones of one charset), neutralise controls."""
    if not value:
        return ""
    value = str(value)
    if max_chars and len(value) > max_chars:
        value = value[:max_chars]
    value = _recover_8bit(value, notes)
    pieces: list[str] = []
    pos = 0
    pending: list[bytes] = []
    pending_charset: str | None = None

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            pieces.append(decode_bytes(b"".join(pending), pending_charset, notes))
        pending, pending_charset = [], None

    for m in _ENCODED_WORD.finditer(value):
        gap = value[pos : m.start()]
        if gap and not (pending and _BETWEEN_WORDS.fullmatch(gap)):
            flush()
            pieces.append(gap)
        charset = m.group(1)
        if pending and (charset or "").lower() != (pending_charset or "").lower():
            flush()
        pending_charset = charset
        pending.append(_word_bytes(m.group(2), m.group(3)))
        pos = m.end()
    flush()
    pieces.append(value[pos:])
    return clean_text("".join(pieces), notes)


def clean_text(text: str, notes: HeaderNotes | None = None) -> str:
    """One line of text: CR/LF and other controls become spaces (header injection), NFC."""
    if _CONTROL.search(text.replace("\r\n ", " ").replace("\r\n\t", " ")):
        if notes is not None and re.search(r"[\r\n]\S", text.replace("\r\n ", " ").replace("\r\n\t", " ")):
            notes.injection = True
        text = _CONTROL.sub(" ", text)
    if _BIDI.search(text):
        if notes is not None:
            notes.bidi = True
        text = _BIDI.sub("", text)
    text = _WS.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# Address lists

_ADDR_IN_ANGLE = re.compile(r"<\s*([^<>\s]*)\s*>")
_BARE_ADDR = re.compile(r"[^\s<>(),;:\"\[\]]+@[^\s<>(),;:\"\[\]]+")


def split_address_list(value: str, max_items: int = 0) -> list[tuple[str, str, str]]:
    """Split an address header into (display text, address, group) triples in one linear pass.

    Honours quoted strings, comments, angle brackets and RFC 5322 groups. Display text is returned
    raw (still encoded); the caller decodes it.
    """
    out: list[tuple[str, str, str]] = []
    group = ""
    depth_comment = 0
    in_quote = in_angle = False
    escape = False
    start = 0
    search = _SPECIAL.search
    m = search(value, 0)
    while m is not None:  # jump from one special character to the next (linear, in C between them)
        i = m.start()
        c = value[i]
        if escape:
            escape = False
        elif c == "\\" and (in_quote or depth_comment):
            escape = True
        elif in_quote:
            if c == '"':
                in_quote = False
        elif depth_comment:
            if c == "(":
                depth_comment += 1
            elif c == ")":
                depth_comment -= 1
        elif c == '"':
            in_quote = True
        elif c == "(":
            depth_comment = 1
        elif c == "<":
            in_angle = True
        elif c == ">":
            in_angle = False
        elif not in_angle and c in ",;:":
            item = value[start:i]
            if c == ":" and "@" not in item:
                group = item.strip().strip('"')
                start = i + 1
            else:
                _emit(out, item, group)
                if c == ";":
                    group = ""
                start = i + 1
                if max_items and len(out) > max_items:
                    return out
        m = search(value, i + 2 if escape else i + 1)
        if escape:  # the escaped character is consumed whatever it is
            escape = False
    _emit(out, value[start:], group)
    return out


def _emit(out: list[tuple[str, str, str]], item: str, group: str) -> None:
    item = item.strip()
    if not item:
        return
    m = _ADDR_IN_ANGLE.search(item)
    if m:
        address = m.group(1)
        display = (item[: m.start()] + " " + item[m.end() :]).strip()
    else:
        bare = _BARE_ADDR.search(item)
        if not bare:
            if "@" not in item:
                return
            address, display = item, ""
        else:
            address = bare.group(0)
            display = (item[: bare.start()] + item[bare.end() :]).strip()
    address = address.strip().strip('"').rstrip(".")
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if not address:
        return
    display = display.strip()
    if display.startswith("(") and display.endswith(")"):
        display = display[1:-1]
    if len(display) >= 2 and display[0] == '"' and display[-1] == '"':
        display = re.sub(r"\\(.)", r"\1", display[1:-1])
    out.append((display, address, group))


def normalise_address(address: str) -> str:
    """Lower-case the domain, keep the local part; drop a source route and surrounding junk."""
    address = address.strip().strip("<>").strip()
    if ":" in address and address.startswith("@"):  # obsolete source route @a,@b:user@host
        address = address.rpartition(":")[2]
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local}@{domain.strip().rstrip('.').lower()}"


def parse_addresses(
    value: str | None,
    field: str,
    notes: HeaderNotes | None = None,
    *,
    max_items: int = 0,
) -> list[MailAddress]:
    if not value:
        return []
    value = _recover_8bit(str(value), notes)
    result: list[MailAddress] = []
    for display, address, group in split_address_list(value, max_items):
        name = decode_header_text(display, notes) if display else ""
        address = clean_text(address, notes)
        if " " in address or "@" not in address:
            continue
        result.append(
            MailAddress(
                address=normalise_address(address),
                name=name,
                field=field,
                group=decode_header_text(group, notes) if group else "",
            )
        )
    return result
