"""Mail over SMTP: Japanese subject (RFC 2047, UTF-8) and body (UTF-8, 8bit-safe encoding).

    config = MailConfig.from_settings(get_settings())
    send_mail(config, to="buchou@example.jp", subject="【第一報】…", body="…", message_id=…)

A stable Message-ID derived from the delivery's key lets receivers (and the tests) recognise a
repeated delivery. Header values are made safe where the message is built: one line (CR, LF and other
control characters become spaces), subjects never carry a mail address, and a recipient that is not one
plain address is refused for good (DeliveryError, permanent).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from typing import Any


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_PLAIN_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+")
SUBJECT_MAX = 250


def header_text(value: str | None, limit: int = SUBJECT_MAX) -> str:
    """A header value on one line: control characters (CR, LF, NUL, tab…) become spaces, spaces collapse."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:limit]


def subject_text(value: str | None) -> str:
    """A subject names the incident, never a person: any mail address in it is left out."""
    return header_text(_ADDRESS.sub("…", value or ""))


class DeliveryError(Exception):
    """A channel could not deliver; `permanent` errors are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""
    sender: str = "incidents@localhost"
    sender_name: str = ""
    timeout: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_settings(cls, settings: Any) -> "MailConfig":
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
            username=settings.smtp_username,
            password=settings.smtp_password,
            sender=settings.mail_from,
            sender_name=getattr(settings, "org_name", "") or "",
        )


def build_message(
    config: MailConfig,
    *,
    to: str,
    subject: str,
    body: str,
    message_id: str | None = None,
    to_name: str | None = None,
) -> EmailMessage:
    if not _PLAIN_ADDRESS.fullmatch(to or ""):
        raise DeliveryError(f"not a plain mail address: {header_text(to, 200)!r}", permanent=True)
    msg = EmailMessage(policy=SMTP)
    # The policy encodes non-ASCII headers as RFC 2047 encoded-words (=?utf-8?b?...?=).
    msg["Subject"] = subject_text(subject)
    sender_name = header_text(config.sender_name)
    msg["From"] = Address(display_name=sender_name, addr_spec=config.sender) if sender_name else config.sender
    to_name = header_text(to_name)
    msg["To"] = Address(display_name=to_name, addr_spec=to) if to_name else to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    if message_id:
        msg["Message-ID"] = header_text(message_id).replace(" ", "")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body, charset="utf-8")
    return msg


class Mailer:
    """One SMTP connection reused for a batch of mails (reconnects after an error).

        with Mailer(config) as mailer:
            mailer.send(to=…, subject=…, body=…)
    """

    def __init__(self, config: MailConfig):
        self.config = config
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c.ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        if c.starttls and not c.ssl:
            client.starttls(context=ssl.create_default_context())
        if c.username:
            client.login(c.username, c.password)
        return client

    def send(self, *, to: str, subject: str, body: str, message_id: str | None = None,
             to_name: str | None = None) -> str:
        """Send one mail; returns the Message-ID. Raises DeliveryError (transient unless the
        server refused the recipient or the message for good, 5xx)."""
        if not self.config.enabled:
            raise DeliveryError("SMTP is not configured (INCIDENTS_SMTP_HOST)", permanent=True)
        try:
            msg = build_message(self.config, to=to, subject=subject, body=body, message_id=message_id,
                                to_name=to_name)
        except DeliveryError:
            raise
        except (ValueError, TypeError, LookupError) as exc:  # a message that cannot be built: never sendable
            raise DeliveryError(f"the message cannot be built: {type(exc).__name__}: {exc}", permanent=True) from exc
        try:
            if self._client is None:
                self._client = self._connect()
            self._client.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(f"recipient refused: {exc.recipients}", permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"SMTP error: {exc}") from exc
        return str(msg["Message-ID"] or "")

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def send_mail(
    config: MailConfig,
    *,
    to: str,
    subject: str,
    body: str,
    message_id: str | None = None,
    to_name: str | None = None,
) -> str:
    """Send one mail on its own connection (see Mailer for batches)."""
    with Mailer(config) as mailer:
        return mailer.send(to=to, subject=subject, body=body, message_id=message_id, to_name=to_name)
