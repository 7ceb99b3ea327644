"""Outlook .msg ([MS-OXMSG]) read with olefile (BSD licence) and our own MAPI property reader.

Layout: the root storage holds `__properties_version1.0` (a 32-byte header, then 16-byte entries:
tag, flags, 8-byte value) and one `__substg1.0_IIIITTTT` stream per variable-length property
(IIII = property id, TTTT = type: 001F UTF-16LE, 001E 8-bit in the message codepage, 0102 binary).
Recipients live in `__recip_version1.0_#XXXXXXXX` storages, attachments in
`__attach_version1.0_#XXXXXXXX`; both have an 8-byte property-stream header.
"""

from __future__ import annotations

import hashlib
import struct
from datetime import datetime, timedelta, timezone, tzinfo

import olefile

from .eml import notes_to_warnings, parse_date, read_address_headers, read_thread_headers
from .errors import MailUnreadable
from .headers import HeaderNotes, clean_text, decode_bytes, decode_header_text, normalise_address, parse_addresses
from .inspect import OLE_MAGIC, inspect_attachment
from .types import IntakeLimits, MailAddress, MailAttachment, ParsedMail
from .textbody import html_to_text

PT_LONG, PT_BOOLEAN, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = (
    0x0003, 0x000B, 0x0040, 0x001E, 0x001F, 0x0102, 0x000D,
)
PROPS = "__properties_version1.0"
RECIP_PREFIX = "__recip_version1.0_#"
ATTACH_PREFIX = "__attach_version1.0_#"
_FIELDS = {1: "to", 2: "cc", 3: "bcc"}
_DT_DISTLIST = {1, 5}  # PR_DISPLAY_TYPE: DT_DISTLIST, DT_PRIVATE_DISTLIST
_MAPI_DISTLIST = 8  # PR_OBJECT_TYPE
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)
_CODEPAGES = {932: "cp932", 50220: "cp50221", 50221: "cp50221", 50222: "cp50221", 51932: "eucjp-ms",
              20932: "eucjp-ms", 65001: "utf-8", 20127: "ascii", 28591: "latin-1", 874: "windows-874",
              936: "gbk", 949: "cp949", 950: "big5", 1200: "utf-16-le", 54936: "gb18030"}
# Outlook items by message class (PR_MESSAGE_CLASS): only notes are mails; the rest are refused by name.
_NOT_MAILS = (
    ("ipm.contact", "連絡先", "a contact"), ("ipm.distlist", "連絡先グループ", "a contact group"),
    ("ipm.stickynote", "メモ", "a note"), ("ipm.post", "投稿アイテム", "a post"),
    ("ipm.appointment", "予定", "an appointment"), ("ipm.schedule", "会議出席依頼", "a meeting request"),
    ("ipm.task", "タスク", "a task"), ("ipm.activity", "履歴", "a journal entry"),
)


class _OleFile(olefile.OleFileIO):
    """olefile keeps the first sectors of known streams in a list (quadratic for the ~50,000
    directory entries of a mail with 5,000 recipients); the same duplicate check with sets."""

    def _check_duplicate_stream(self, first_sect, minifat=False):  # noqa: ANN001, D102
        if minifat:
            used = self.__dict__.setdefault("_seen_minifat", set())
        else:
            if first_sect in (olefile.DIFSECT, olefile.FATSECT, olefile.ENDOFCHAIN, olefile.FREESECT):
                return
            used = self.__dict__.setdefault("_seen_fat", set())
        if first_sect in used:
            self._raise_defect(olefile.DEFECT_INCORRECT, "Stream referenced twice")
        else:
            used.add(first_sect)


class _Storage:
    """One MAPI object (message, recipient or attachment) inside the compound file."""

    def __init__(self, ole: olefile.OleFileIO, entry, header_len: int, codepage: str | None = None) -> None:
        self.ole = ole
        self.entry = entry
        self.kids = {kid.name.upper(): kid for kid in entry.kids}
        self.codepage = codepage
        self.fixed: dict[int, tuple[int, bytes]] = {}
        blob = self.read(PROPS)
        if blob:
            for off in range(header_len, len(blob) - 15, 16):
                tag, _flags = struct.unpack_from("<II", blob, off)
                self.fixed[tag >> 16] = (tag & 0xFFFF, blob[off + 8 : off + 16])

    def read(self, name: str) -> bytes | None:
        kid = self.kids.get(name.upper())
        if kid is None or kid.entry_type != olefile.STGTY_STREAM:
            return None
        return self.ole._open(kid.isectStart, kid.size).read()  # noqa: SLF001 - O(1) access by entry

    def child_storages(self, prefix: str) -> list:
        return sorted(
            (k for n, k in self.kids.items() if n.startswith(prefix.upper()) and k.entry_type == olefile.STGTY_STORAGE),
            key=lambda k: k.name,
        )

    def int32(self, pid: int) -> int | None:
        got = self.fixed.get(pid)
        if got and got[0] in (PT_LONG, PT_BOOLEAN):
            return struct.unpack_from("<i", got[1])[0]
        return None

    def time(self, pid: int) -> datetime | None:
        got = self.fixed.get(pid)
        if got and got[0] == PT_SYSTIME:
            ticks = struct.unpack_from("<Q", got[1])[0]
            if ticks:
                try:
                    return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
                except OverflowError:
                    return None
        return None

    def binary(self, pid: int) -> bytes | None:
        return self.read(f"__substg1.0_{pid:04X}{PT_BINARY:04X}")

    def string(self, pid: int) -> str:
        data = self.read(f"__substg1.0_{pid:04X}{PT_UNICODE:04X}")
        if data is not None:
            return data.decode("utf-16-le", "replace").split("\x00", 1)[0]
        data = self.read(f"__substg1.0_{pid:04X}{PT_STRING8:04X}")
        if data is not None:
            return decode_bytes(data.split(b"\x00", 1)[0], self.codepage)
        return ""

    def has_storage(self, name: str) -> bool:
        kid = self.kids.get(name.upper())
        return kid is not None and kid.entry_type == olefile.STGTY_STORAGE


def parse_msg(data: bytes, *, limits: IntakeLimits, default_tz: tzinfo = timezone.utc) -> ParsedMail:
    if not data.startswith(OLE_MAGIC):
        raise MailUnreadable(
            "not_ole",
            "Outlook の .msg ファイルではありません（OLE 複合ファイルの形式ではありません）。",
            "This is not an Outlook .msg file (not an OLE compound file).",
        )
    try:
        ole = _OleFile(data if len(data) >= olefile.MINIMAL_OLEFILE_SIZE else data.ljust(1536, b"\0"))
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on broken files
        raise MailUnreadable(
            "msg_broken",
            "Outlook の .msg ファイルが壊れていて読み取れません。",
            "The Outlook .msg file is damaged and cannot be read.",
        ) from exc
    try:
        return _read_message(ole, limits, default_tz)
    except MailUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001
        raise MailUnreadable(
            "msg_broken",
            "Outlook の .msg ファイルの中身が壊れていて読み取れません。",
            "The contents of the Outlook .msg file are damaged and cannot be read.",
        ) from exc
    finally:
        ole.close()


def _read_message(ole: olefile.OleFileIO, limits: IntakeLimits, default_tz: tzinfo) -> ParsedMail:
    root = _Storage(ole, ole.root, 32)
    if PROPS.upper() not in root.kids and not any(n.startswith("__SUBSTG1.0_") for n in root.kids):
        raise MailUnreadable(
            "msg_empty",
            "この OLE ファイルには Outlook のメッセージが含まれていません。",
            "This OLE file holds no Outlook message.",
        )
    cp = root.int32(0x3FFD) or root.int32(0x3FDE)
    root.codepage = _CODEPAGES.get(cp or 0, f"cp{cp}" if cp else None)
    check_message_class(root.string(0x001A))
    mail = ParsedMail(source_format="msg")
    notes = HeaderNotes(hint=root.codepage)
    mail.subject = clean_text(root.string(0x0037), notes)
    mail.message_id = clean_text(root.string(0x1035))[:1000]
    headers_text = root.string(0x007D)  # transport headers: present on received mail, not on drafts
    raw_headers = _header_map(headers_text) if headers_text else {}

    sender_addr = root.string(0x5D01) or _smtp_or_blank(root.string(0x0C1F)) or root.string(0x5D02)
    sender_addr = sender_addr or _smtp_or_blank(root.string(0x0065))
    sender_name = clean_text(root.string(0x0C1A) or root.string(0x0042), notes)
    if sender_addr:
        mail.sender = MailAddress(normalise_address(clean_text(sender_addr, notes)), sender_name, "from")
    elif raw_headers.get("from"):
        found = parse_addresses(raw_headers["from"][0], "from", notes, max_items=1)
        mail.sender = found[0] if found else None
    if mail.sender is None:
        mail.warn("no_sender", "差出人が読み取れませんでした。", "The sender could not be read.")

    if raw_headers:
        read_thread_headers(mail, raw_headers)
    mail.in_reply_to = mail.in_reply_to or clean_text(root.string(0x1042))[:1000]  # PR_IN_REPLY_TO_ID
    mail.references = mail.references or clean_text(root.string(0x1039)).split()[:200]  # PR_INTERNET_REFERENCES
    _read_recipients(ole, root, mail, notes, limits)
    if not mail.recipients and raw_headers:
        read_address_headers(mail, raw_headers, notes, limits)

    when = root.time(0x0039) or root.time(0x0E06)
    if when is None and raw_headers.get("date"):
        when = parse_date(raw_headers["date"][0], mail, default_tz)
    if when is None:
        when = root.time(0x3007)
        if when is not None:
            mail.warn(
                "date_from_creation",
                "送信日時がないため、作成日時を使いました（未送信の下書きかもしれません）。",
                "No send time: the creation time was used (this may be an unsent draft).",
            )
        else:
            mail.warn("no_date", "送信日時がありません。入力してください。", "The mail has no send time; please enter it.")
    mail.sent_at = when

    body = root.string(0x1000)
    if not body.strip():
        html = root.binary(0x1013)
        if html:
            body = html_to_text(decode_bytes(html, root.codepage))
    mail.body_text = body
    _read_attachments(ole, root, mail, notes, limits)
    notes_to_warnings(notes, mail)
    return mail


def check_message_class(message_class: str) -> None:
    """Only IPM.Note and its variants (signed, encrypted, receipts and reports: REPORT.IPM.Note.*) are
    mails; a contact, note, post, appointment or task is refused by name. No class at all: a mail."""
    cls = clean_text(message_class or "").lower()
    if not cls or cls == "ipm" or cls.startswith(("ipm.note", "report.ipm.note")):
        return
    shown = clean_text(message_class)[:80]
    for prefix, ja, en in _NOT_MAILS:
        if cls == prefix or cls.startswith(prefix + "."):
            raise MailUnreadable(
                "not_a_mail_item",
                f"この Outlook アイテムはメールではなく{ja}です（{shown}）。送信したメールを .msg で保存して指定してください。",
                f"This Outlook item is {en}, not a mail ({shown}). Please save the sent mail itself as .msg.",
            )
    raise MailUnreadable(
        "not_a_mail_item",
        f"この Outlook アイテムはメールではありません（{shown}）。送信したメールを .msg で保存して指定してください。",
        f"This Outlook item is not a mail ({shown}). Please save the sent mail itself as .msg.",
    )


def _smtp_or_blank(value: str) -> str:
    return value if "@" in value and not value.startswith("/") else ""


def _header_map(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    name = None
    for line in text.splitlines()[:5000]:
        if line[:1] in (" ", "\t") and name:
            out[name][-1] += " " + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            name = key.strip().lower()
            out.setdefault(name, []).append(value.strip())
    return out


def _read_recipients(ole, root: _Storage, mail: ParsedMail, notes: HeaderNotes, limits: IntakeLimits) -> None:
    entries = root.child_storages(RECIP_PREFIX)
    if len(entries) > limits.max_recipients:
        entries = entries[: limits.max_recipients]
        mail.warn(
            "too_many_recipients",
            f"宛先が多すぎるため、最初の {limits.max_recipients:,} 件だけを読みました。",
            f"Too many recipients: only the first {limits.max_recipients:,} were read.",
        )
    exchange_only = 0
    for entry in entries:
        rec = _Storage(ole, entry, 8, root.codepage)
        rtype = (rec.int32(0x0C15) or 1) & 0x0F
        address = rec.string(0x39FE) or rec.string(0x3003)
        name = clean_text(rec.string(0x3001) or rec.string(0x5FF6), notes)
        if not address:
            continue
        if "@" not in address:
            exchange_only += 1
        is_list = rec.int32(0x3900) in _DT_DISTLIST or rec.int32(0x0FFE) == _MAPI_DISTLIST
        mail.recipients.append(
            MailAddress(
                address=normalise_address(clean_text(address, notes)),
                name=name,
                field=_FIELDS.get(rtype, "to"),
                is_list=is_list,
            )
        )
    if exchange_only:
        mail.warn(
            "exchange_addresses",
            f"{exchange_only} 件の宛先は Exchange 内部形式のアドレスで、メールアドレスが含まれていません。",
            f"{exchange_only} recipients carry only an internal Exchange address, no mail address.",
        )


def _read_attachments(ole, root: _Storage, mail: ParsedMail, notes: HeaderNotes, limits: IntakeLimits) -> None:
    entries = root.child_storages(ATTACH_PREFIX)
    if len(entries) > limits.max_parts:
        entries = entries[: limits.max_parts]
        mail.warn(
            "too_many_parts",
            f"添付ファイルが多すぎるため、最初の {limits.max_parts:,} 個だけを読みました。",
            f"Too many attachments: only the first {limits.max_parts:,} were read.",
        )
    for entry in entries:
        att = _Storage(ole, entry, 8, root.codepage)
        filename = att.string(0x3707) or att.string(0x3704) or att.string(0x3001)
        filename = decode_header_text(filename, notes) if filename else ""
        mime = clean_text(att.string(0x370E)).lower() or "application/octet-stream"
        hidden = att.int32(0x7FFE) == 1
        if att.has_storage(f"__substg1.0_3701{PT_OBJECT:04X}"):
            data = _storage_bytes(ole, att.kids[f"__SUBSTG1.0_3701{PT_OBJECT:04X}"], limits.max_depth)
            filename = filename or "embedded-message.msg"
            mime = "application/vnd.ms-outlook"
        else:
            data = att.binary(0x3701) or b""
        item = MailAttachment(
            filename=(filename or f"attachment-{len(mail.attachments) + 1}")[:255],
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=mime,
            inline=hidden,
        )
        inspect_attachment(item, data, limits)
        mail.attachments.append(item)


def _storage_bytes(ole, entry, depth: int) -> bytes:
    """A stable byte image of an embedded storage (streams in name order), for size and hash."""
    out = bytearray()
    stack = [(entry, 0)]
    while stack:
        node, level = stack.pop()
        for kid in sorted(node.kids, key=lambda k: k.name, reverse=True):
            if kid.entry_type == olefile.STGTY_STREAM:
                out += kid.name.encode("utf-16-le") + ole._open(kid.isectStart, kid.size).read()  # noqa: SLF001
            elif kid.entry_type == olefile.STGTY_STORAGE and level < depth:
                stack.append((kid, level + 1))
    return bytes(out)
