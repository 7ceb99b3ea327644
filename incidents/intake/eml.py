"""RFC 5322 / MIME mail (.eml) with the standard library's email package, modern policy.

The MIME tree, content types, transfer encodings and RFC 2231 parameters come from the stdlib
(modern policy). Address headers are split by headers.py (linear; the modern address parser
needs seconds for thousands of recipients), and every header value is decoded forgivingly.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone, tzinfo
from email import utils as email_utils
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy

from .errors import MailUnreadable
from .headers import HeaderNotes, clean_text, decode_bytes, decode_header_text, parse_addresses
from .inspect import inspect_attachment
from .types import IntakeLimits, MailAttachment, ParsedMail
from .textbody import html_to_text

_ADDRESS_FIELDS = (("to", "to"), ("cc", "cc"), ("bcc", "bcc"))


class _SafePolicy(EmailPolicy):
    """Modern policy that truncates absurdly long structured headers and never raises on fetch."""

    max_header_chars: int = 64 * 1024

    def header_fetch_parse(self, name, value):  # type: ignore[override]
        if len(value) > self.max_header_chars:
            value = value[: self.max_header_chars]
        try:
            return super().header_fetch_parse(name, value)
        except Exception:  # noqa: BLE001 - broken header: fall back to its cleaned text
            return clean_text(value.encode("ascii", "replace").decode("ascii"))


def looks_like_mail(data: bytes) -> bool:
    head = data[:4096].lower()
    return any(
        tag in head
        for tag in (b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"mime-version:", b"received:")
    )


def parse_eml(data: bytes, *, limits: IntakeLimits, default_tz: tzinfo = timezone.utc) -> ParsedMail:
    if not looks_like_mail(data):
        raise MailUnreadable(
            "not_a_mail",
            "メールとして読み取れません（ヘッダーがありません）。.eml か .msg ファイルを指定してください。",
            "This does not look like a mail (no headers). Please give an .eml or .msg file.",
        )
    data, many_headers = bound_headers(data)
    data, cut = bound_parts(data, limits)
    policy = _SafePolicy(max_header_chars=limits.max_header_chars, raise_on_defect=False)
    try:
        msg = BytesParser(policy=policy).parsebytes(data)
    except (RecursionError, MemoryError) as exc:
        raise MailUnreadable(
            "mail_malformed",
            "メールの構造が壊れているか、入れ子が深すぎて読み取れません。",
            "The mail's structure is broken or nested too deeply to read.",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - the stdlib parser is documented not to raise, but be safe
        raise MailUnreadable(
            "mail_malformed",
            "メールの形式が壊れていて読み取れません。",
            "The mail is malformed and cannot be read.",
        ) from exc

    mail = ParsedMail(source_format="eml")
    if cut:
        _warn_parts(mail, limits)
    if many_headers:
        mail.warn(
            "too_many_headers",
            f"ヘッダーが多すぎるため、最初の {MAX_HEADER_LINES:,} 行だけを読みました。",
            f"Too many header lines: only the first {MAX_HEADER_LINES:,} were read.",
        )
    notes = HeaderNotes(hint=text_charset(msg))
    raw: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        raw.setdefault(name.lower(), []).append(str(value))

    for key in ("subject", "from", "date"):
        if len(raw.get(key, [])) > 1:
            mail.warn(
                "duplicate_header",
                f"{key.capitalize()} ヘッダーが複数あります。最初のものを使いました。",
                f"The mail has several {key.capitalize()} headers; the first one was used.",
            )

    mail.subject = decode_header_text(_first(raw, "subject"), notes, max_chars=limits.max_header_chars)
    mail.message_id = clean_text(_first(raw, "message-id")[:1000])
    senders = parse_addresses(_first(raw, "from") or _first(raw, "sender"), "from", notes, max_items=5)
    mail.sender = senders[0] if senders else None
    if mail.sender is None:
        mail.warn("no_sender", "差出人（From）が読み取れませんでした。", "The sender (From) could not be read.")

    read_address_headers(mail, raw, notes, limits)
    read_thread_headers(mail, raw)
    mail.sent_at = parse_date(_first(raw, "date"), mail, default_tz)
    _walk(msg, mail, limits)
    notes_to_warnings(notes, mail)
    _defect_warnings(msg, mail)
    return mail


MAX_HEADER_LINES = 10_000
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")


def bound_headers(data: bytes) -> tuple[bytes, bool]:
    """Keep at most MAX_HEADER_LINES lines of the top-level header block (counted in C)."""
    end = _END_OF_HEADERS.search(data)
    stop = end.start() if end else len(data)
    if data.count(b"\n", 0, stop) <= MAX_HEADER_LINES:
        return data, False
    pos = 0
    for _ in range(MAX_HEADER_LINES):
        pos = data.index(b"\n", pos) + 1
    return data[:pos] + b"\r\n" + data[stop:].lstrip(b"\r\n"), True


_BOUNDARY_DECL = re.compile(rb'boundary\s*=\s*"?([^";\r\n]{1,200})', re.I)


def bound_parts(data: bytes, limits: IntakeLimits) -> tuple[bytes, bool]:
    """Cut the input before the stdlib parser sees an absurd number of parts or nesting levels.

    The stdlib feed parser spends seconds per ten thousand parts; a 25 MB file of empty parts
    would take minutes. Declared boundaries and their delimiter lines are counted in C first;
    past the limits the input is cut at that point (the parser then reports an unclosed part).
    """
    declared = []
    for m in _BOUNDARY_DECL.finditer(data):
        declared.append(m)
        if len(declared) > limits.max_parts:
            return data[: m.start()], True
    if not declared:
        return data, False
    names = {m.group(1).strip() for m in declared}
    pattern = re.compile(b"\n--(?:" + b"|".join(re.escape(n) for n in names) + b")")
    allowed = 2 * limits.max_parts + 2
    for count, m in enumerate(pattern.finditer(data), start=1):
        if count > allowed:
            return data[: m.start()], True
    return data, False


def _warn_parts(mail: ParsedMail, limits: IntakeLimits) -> None:
    mail.warn(
        "too_many_parts",
        f"MIME パートが多すぎるため、最初の {limits.max_parts:,} 個までを読みました。",
        f"Too many MIME parts: only the first {limits.max_parts:,} were read.",
    )


def _first(raw: dict[str, list[str]], key: str) -> str:
    values = raw.get(key)
    return values[0] if values else ""


def read_address_headers(mail: ParsedMail, raw: dict[str, list[str]], notes: HeaderNotes, limits: IntakeLimits) -> None:
    budget = limits.max_recipients
    for header, field in _ADDRESS_FIELDS:
        for value in raw.get(header, []):
            if len(value) > limits.max_address_header_chars:
                value = value[: limits.max_address_header_chars]
                value = value[: value.rfind(",")] if "," in value else value
                mail.warn(
                    "address_header_truncated",
                    f"{header.capitalize()} ヘッダーが長すぎるため、途中までを読みました。",
                    f"The {header.capitalize()} header is too long; only its beginning was read.",
                )
            found = parse_addresses(value, field, notes, max_items=budget + 1)
            if len(found) > budget:
                found = found[:budget]
                mail.warn(
                    "too_many_recipients",
                    f"宛先が多すぎるため、最初の {limits.max_recipients:,} 件だけを読みました。",
                    f"Too many recipients: only the first {limits.max_recipients:,} were read.",
                )
            budget -= len(found)
            mail.recipients.extend(found)


_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def read_thread_headers(mail: ParsedMail, raw: dict[str, list[str]]) -> None:
    """Where the mail sits: a reply in a thread, a post to a mailing list."""
    mail.in_reply_to = clean_text(_first(raw, "in-reply-to"))[:1000]
    mail.references = _MESSAGE_ID.findall(_first(raw, "references")[:20_000])[:200]
    list_id = _first(raw, "list-id") or _first(raw, "list-post") or _first(raw, "mailing-list")
    if not list_id and _first(raw, "precedence").strip().lower() == "list":
        list_id = "precedence: list"
    mail.list_id = clean_text(list_id)[:300]


def parse_date(value: str, mail: ParsedMail, default_tz: tzinfo) -> datetime | None:
    value = clean_text(value or "")
    if not value:
        mail.warn("no_date", "送信日時（Date）がありません。入力してください。", "The mail has no Date; please enter the send time.")
        return None
    try:
        when = email_utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        when = None
    if when is None:
        mail.warn("bad_date", f"送信日時「{value[:60]}」を解釈できません。", f"The Date '{value[:60]}' cannot be understood.")
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=default_tz)
        mail.warn(
            "date_without_zone",
            "送信日時にタイムゾーンがないため、組織のタイムゾーンとみなしました。",
            "The Date has no time zone; the organisation's zone was assumed.",
        )
    if when.year < 1990 or when > datetime.now(timezone.utc) + timedelta(days=1):
        mail.warn("odd_date", "送信日時が不自然です。確認してください。", "The send time looks wrong; please check it.")
    return when


def notes_to_warnings(notes: HeaderNotes, mail: ParsedMail) -> None:
    if notes.injection:
        mail.warn(
            "header_injection",
            "ヘッダーの値に改行が含まれていました（ヘッダーインジェクションの疑い）。改行は空白に置き換えました。",
            "A header value contained line breaks (possible header injection); they were replaced by spaces.",
        )
    if notes.bad_charset:
        used = "、".join(sorted(notes.bad_charset))
        mail.warn(
            "bad_charset",
            f"宣言された文字コードで読めない部分があり、{used} と推定して読みました。文字化けを確認してください。",
            f"Some text was not in its declared charset and was decoded as {', '.join(sorted(notes.bad_charset))} "
            "by guess; please check for garbled text.",
        )
    if notes.raw_8bit:
        used = "、".join(sorted(notes.raw_8bit))
        mail.warn(
            "raw_8bit_header",
            f"エンコードされていないヘッダーの文字を {used} と推定して読みました。",
            f"Unencoded non-ASCII header text was decoded as {', '.join(sorted(notes.raw_8bit))} by guess.",
        )
    if notes.unreadable:
        shown = "、".join(f"「{x}」" for x in notes.unreadable[:5]) + (" ほか" if len(notes.unreadable) > 5 else "")
        shown_en = ", ".join(f"'{x}'" for x in notes.unreadable[:5]) + (" and more" if len(notes.unreadable) > 5 else "")
        mail.warn(
            "address_unreadable",
            f"メールアドレスとして読めない宛先 {len(notes.unreadable):,} 件（{shown}）を除きました。",
            f"{len(notes.unreadable):,} recipients that are no mail address ({shown_en}) were left out.",
        )
    if notes.lossy:
        used = "、".join(sorted(notes.lossy))
        mail.warn(
            "undecodable_characters",
            f"{used} にない文字（携帯電話の絵文字など）があり、「\ufffd」に置き換えました。",
            f"Some characters are in no known charset ({', '.join(sorted(notes.lossy))}; e.g. a mobile carrier's "
            "emoji) and were replaced by '\ufffd'.",
        )
    if notes.body_guess:
        used = "、".join(sorted(notes.body_guess))
        mail.warn(
            "body_charset_guessed",
            f"本文に文字コードの指定がないため、{used} と推定して読みました。",
            f"The text declares no charset; it was decoded as {', '.join(sorted(notes.body_guess))} by guess.",
        )
    if notes.bidi:
        mail.warn(
            "bidi_controls",
            "文字の向きを変える制御文字（拡張子の偽装に使われます）を取り除きました。",
            "Text-direction control characters (used to disguise file extensions) were removed.",
        )


def _defect_warnings(msg: Message, mail: ParsedMail) -> None:
    defects = list(getattr(msg, "defects", []) or [])
    if defects:
        kinds = sorted({type(d).__name__ for d in defects})[:5]
        mail.warn(
            "mime_defects",
            "MIME 構造に不備があります（" + ", ".join(kinds) + "）。読める範囲で取り込みました。",
            "The MIME structure has defects (" + ", ".join(kinds) + "); what could be read was imported.",
        )


def text_charset(msg: Message) -> str | None:
    """The charset the message declares for its text (top level, else the first text part): what its
    sender's program wrote, so the best reading of header bytes it left unencoded."""
    stack, seen = [msg], 0
    while stack and seen < 50:
        part = stack.pop(0)
        seen += 1
        try:
            if part.is_multipart():
                children = part.get_payload()
                stack.extend(c for c in children if isinstance(c, Message)) if isinstance(children, list) else None
                continue
            if part.get_content_maintype() == "text":
                charset = part.get_content_charset()
                if charset:
                    return charset
        except Exception:  # noqa: BLE001 - a broken part declares nothing
            continue
    return None


def _walk(root: Message, mail: ParsedMail, limits: IntakeLimits) -> None:
    notes = HeaderNotes(hint=text_charset(root))
    plain: list[str] = []
    html: list[str] = []
    stack: list[tuple[Message, int]] = [(root, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > limits.max_parts:
            _warn_parts(mail, limits)
            break
        if depth > limits.max_depth:
            mail.warn(
                "too_deep",
                "MIME の入れ子が深すぎるため、深い部分は読み飛ばしました。",
                "The MIME nesting is too deep; the deepest parts were skipped.",
            )
            continue
        try:
            ctype = part.get_content_type()
            disposition = part.get_content_disposition()
            filename = part.get_filename() or part.get_param("name") or ""
        except Exception:  # noqa: BLE001
            ctype, disposition, filename = "application/octet-stream", "attachment", ""
        if isinstance(filename, tuple):  # an undecodable RFC 2231 value
            filename = email_utils.collapse_rfc2231_value(filename)
        filename = decode_header_text(str(filename), notes) if filename else ""
        if part.is_multipart() and ctype != "message/rfc822":
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
            continue
        if ctype == "message/rfc822" or ctype.startswith("message/") and isinstance(part.get_payload(), list):
            _add_attachment(mail, part, filename or "forwarded-message.eml", "message/rfc822", limits, disposition)
            continue
        is_body = disposition != "attachment" and not filename and ctype in ("text/plain", "text/html")
        if is_body:
            text = _text_of(part, notes)
            (plain if ctype == "text/plain" else html).append(text)
            continue
        _add_attachment(mail, part, filename or f"attachment-{len(mail.attachments) + 1}", ctype, limits, disposition)
    mail.body_text = "\n".join(plain) if any(p.strip() for p in plain) else "\n".join(html_to_text(h) for h in html)
    notes_to_warnings(notes, mail)


def _text_of(part: Message, notes: HeaderNotes) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if not isinstance(data, bytes | bytearray):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - an undecodable RFC 2231 charset parameter declares nothing
        charset = None
    return decode_bytes(bytes(data), charset, notes)


def _payload_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822
        try:
            return payload[0].as_bytes() if payload else b""
        except Exception:  # noqa: BLE001
            try:
                return str(payload[0]).encode("utf-8", "replace")
            except Exception:  # noqa: BLE001
                return b""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _add_attachment(
    mail: ParsedMail, part: Message, filename: str, ctype: str, limits: IntakeLimits, disposition: str | None
) -> None:
    data = _payload_bytes(part)
    att = MailAttachment(
        filename=filename[:255],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=ctype,
        inline=disposition == "inline",
    )
    inspect_attachment(att, data, limits)
    mail.attachments.append(att)

