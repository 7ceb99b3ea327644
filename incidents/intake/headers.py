"""Header text: RFC 2047 encoded words with forgiving charsets, raw 8-bit bytes, control characters,
and a fast, linear address-list splitter.

The standard library's modern header parser is correct but takes seconds for a To header with
thousands of addresses, and it is picky about broken Japanese mailers; address headers are
therefore split here, in one pass.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

from .charsets import codec_for, decode, decode_cp5022x, display_name
from .types import MailAddress

__all__ = ["HeaderNotes", "codec_for", "decode_bytes", "decode_header_text", "clean_text", "parse_addresses"]

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_WS = re.compile(r"[ \t\r\n]+")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_SURROGATES = re.compile("[\udc80-\udcff]")
_SPECIAL = re.compile(r'[\\"()<>,;:]')


class HeaderNotes:
    """Collects what was odd while decoding, for the caller to turn into warnings. `hint` is the
    declared charset of the message's text, the best guess for raw 8-bit header bytes."""

    __slots__ = ("bad_charset", "injection", "raw_8bit", "bidi", "body_guess", "hint", "lossy", "unreadable")

    def __init__(self, hint: str | None = None) -> None:
        self.bad_charset: set[str] = set()  # charsets used where the declared one was unknown or wrong
        self.raw_8bit: set[str] = set()  # charsets used for unencoded 8-bit header text
        self.body_guess: set[str] = set()  # charsets used for a text part that declared none
        self.lossy: set[str] = set()  # charsets in which a few codes were unknown (shown as U+FFFD)
        self.unreadable: list[str] = []  # address-list items that hold no mail address
        self.injection = False
        self.bidi = False
        self.hint = hint


def decode_bytes(data: bytes, charset: str | None, notes: HeaderNotes | None = None, *, raw: bool = False) -> str:
    """Decode with the declared charset; when it is missing, unknown or wrong, by guess (noted)."""
    result = decode(data, charset, hint=notes.hint if notes is not None else None)
    if notes is not None and result.guessed:
        target = notes.raw_8bit if raw else notes.bad_charset if charset else notes.body_guess
        target.add(display_name(result.codec))
    if notes is not None and result.lossy:
        notes.lossy.add(display_name(result.codec))
    return result.text


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
    """Raw 8-bit bytes reach us as surrogate escapes (BytesParser): read them as the message's declared
    charset, else by guess. Raw ISO-2022-JP (escape sequences, no encoded words) is read as such."""
    if value.isascii() and "\x1b" not in value:
        return value
    if not _SURROGATES.search(value):
        if "\x1b$" in value or "\x1b(" in value:
            try:
                return decode_cp5022x(value.encode("ascii"))
            except (UnicodeError, LookupError):
                return value
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None, notes, raw=True)


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
_ADDR_IN_ANGLE_SPACED = re.compile(r"<([^<>]*@[^<>]*)>")
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


def strip_comments(text: str) -> tuple[str, str]:
    """Text without its RFC 5322 comments (nested, with escapes; quoted strings kept), and the comments."""
    if "(" not in text:
        return text, ""
    kept: list[str] = []
    comments: list[str] = []
    depth = 0
    in_quote = escape = False
    current: list[str] = []
    for ch in text:
        if escape:
            (current if depth else kept).append(ch)
            escape = False
        elif ch == "\\" and (in_quote or depth):
            escape = True
            if in_quote and not depth:
                kept.append(ch)
        elif depth:
            if ch == "(":
                depth += 1
                current.append(ch)
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    comments.append("".join(current).strip())
                    current = []
                    kept.append(" ")
                else:
                    current.append(ch)
            else:
                current.append(ch)
        elif ch == '"':
            in_quote = not in_quote
            kept.append(ch)
        elif ch == "(" and not in_quote:
            depth = 1
        else:
            kept.append(ch)
    return "".join(kept), " ".join(c for c in comments if c)


_OBS_SPACES = re.compile(r"\s*([.@])\s*")


def _emit(out: list[tuple[str, str, str]], item: str, group: str) -> None:
    """One address of a list: (display text, address, group). An item with no address at all is passed
    on with an empty display and the item as the address, for the caller to report (never dropped)."""
    item = item.strip()
    if not item:
        return
    item, comments = strip_comments(item)
    item = item.strip()
    m = _ADDR_IN_ANGLE.search(item) or (_ADDR_IN_ANGLE_SPACED.search(item) if "<" in item else None)
    if m:
        address = re.sub(r"\s+", "", m.group(1))  # obsolete syntax allows spaces around dots
        display = (item[: m.start()] + " " + item[m.end() :]).strip()
    else:
        if '"' not in item and " " in item:
            item = _OBS_SPACES.sub(r"\1", item)  # jdoe@test . example (RFC 5322 obsolete syntax)
        bare = _BARE_ADDR.search(item)
        if not bare:
            if item:  # a comment alone is no address
                out.append(("", item, group))
            return
        address = bare.group(0)
        display = (item[: bare.start()] + item[bare.end() :]).strip()
    address = address.strip().strip('"').rstrip(".")
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if not address:
        return
    display = display.strip() or comments
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
        if " " in address or "@" not in address or address.endswith("@"):
            if notes is not None and address:
                notes.unreadable.append(address[:100])
            continue
        result.append(
            MailAddress(
                address=normalise_address(address),
                name=name,
                field=field,
                group=decode_header_text(strip_comments(group)[0].strip(), notes) if group else "",
            )
        )
    return result
