"""A sent mail as the user would drop it: built here, byte by byte (UTF-8 MIME, a CSV attachment)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from email.header import Header

JST = timezone(timedelta(hours=9))


def sent_mail(*, to: list[tuple[str, str]] | None = None, subject: str = "【見積書送付】2026年度 保守契約",
              sent: datetime | None = None, body: str = "いつもお世話になっております。見積書をお送りします。",
              attachment: tuple[str, str] | None = ("顧客名簿.csv", "氏名,メール\n山田太郎,taro@example.jp\n")) -> bytes:
    sent = sent or datetime.now(JST) - timedelta(hours=1)
    to = to or [("鈴木 一郎", "suzuki@b-corp.example")]
    rcpt = ", ".join(f"{Header(n, 'utf-8').encode()} <{a}>" if n else a for n, a in to)
    boundary = "=_boundary_42"
    head = [
        f"From: {Header('山田 太郎', 'utf-8').encode()} <taro.yamada@example.co.jp>",
        f"To: {rcpt}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {sent.strftime('%a, %d %b %Y %H:%M:%S +0900')}",
        "Message-ID: <web-ui-test@example.co.jp>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
    ]
    parts = [
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(body.encode()).decode(),
    ]
    if attachment:
        name, content = attachment
        parts += [
            f"--{boundary}",
            f'Content-Type: text/csv; name="{Header(name, "utf-8").encode()}"',
            "Content-Transfer-Encoding: base64",
            f"Content-Disposition: attachment; filename*=utf-8''{__import__('urllib.parse').parse.quote(name)}",
            "",
            base64.encodebytes(content.encode()).decode(),
        ]
    parts.append(f"--{boundary}--")
    return ("\r\n".join(head) + "\r\n\r\n" + "\r\n".join(parts) + "\r\n").encode()
