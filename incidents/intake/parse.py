"""One entry point for a mail file: size limit, format sniffing, then the .eml or .msg reader."""

from __future__ import annotations

from datetime import timezone, tzinfo
from typing import BinaryIO

from .eml import looks_like_mail, parse_eml
from .errors import MailTooLarge, MailUnreadable
from .inspect import OLE_MAGIC
from .types import IntakeLimits, ParsedMail
from .msg import parse_msg


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most limit bytes; raise MailTooLarge instead of reading an oversized upload whole."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise MailTooLarge(len(data), limit)
    return data


def parse_mail(
    data: bytes,
    *,
    filename: str = "",
    limits: IntakeLimits | None = None,
    default_tz: tzinfo = timezone.utc,
) -> ParsedMail:
    """Parse .eml or .msg bytes. Raises MailTooLarge or MailUnreadable; never anything else."""
    limits = limits or IntakeLimits()
    if len(data) > limits.max_bytes:
        raise MailTooLarge(len(data), limits.max_bytes)
    if not data.strip():
        raise MailUnreadable("mail_empty", "ファイルが空です。", "The file is empty.")
    name = filename.lower()
    try:
        if data.startswith(OLE_MAGIC):
            return parse_msg(data, limits=limits, default_tz=default_tz)
        if name.endswith(".msg"):
            if looks_like_mail(data):
                mail = parse_eml(data, limits=limits, default_tz=default_tz)
                mail.warn(
                    "msg_is_eml",
                    "拡張子は .msg ですが、中身は標準形式（.eml）のメールでした。",
                    "The file is named .msg but holds a standard (.eml) mail.",
                )
                return mail
            return parse_msg(data, limits=limits, default_tz=default_tz)  # raises not_ole
        return parse_eml(data, limits=limits, default_tz=default_tz)
    except (MailUnreadable, MailTooLarge):
        raise
    except RecursionError as exc:
        raise MailUnreadable(
            "mail_malformed",
            "メールの入れ子が深すぎて読み取れません。",
            "The mail is nested too deeply to read.",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - last line of defence: a clear error, never a crash
        raise MailUnreadable(
            "mail_malformed",
            "メールの形式が壊れていて読み取れません。",
            "The mail is malformed and cannot be read.",
        ) from exc
