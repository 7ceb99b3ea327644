"""Intake errors: domain errors that carry their message in Japanese and English."""

from __future__ import annotations

from incidents.errors import InvalidInput, TooLarge


class _Bilingual:
    message_ja: str
    message_en: str

    def _init(self, code: str, ja: str, en: str) -> None:
        self.message_ja = ja
        self.message_en = en
        super().__init__(f"{en} / {ja}", code)  # type: ignore[call-arg]


class IntakeInputError(_Bilingual, InvalidInput):
    """Input the intake cannot use (a CSV without addresses, a broken file...)."""

    def __init__(self, code: str, ja: str, en: str) -> None:
        self._init(code, ja, en)


class MailUnreadable(IntakeInputError):
    """The file is not a mail we can read (empty, not MIME, not an OLE .msg, broken beyond repair)."""


class MailTooLarge(_Bilingual, TooLarge):
    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        mb = limit / (1024 * 1024)
        self._init(
            "mail_too_large",
            f"ファイルが大きすぎます（{size:,} バイト、上限 {mb:g} MB）。",
            f"The file is too large ({size:,} bytes; the limit is {mb:g} MB).",
        )
