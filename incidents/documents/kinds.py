"""The document kinds and what each needs; their names are documents.labels.DOCUMENT_KINDS."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from incidents.documents.labels import DOCUMENT_KINDS


class DocumentKind(StrEnum):
    apology_unintended = "apology_unintended"  # to a wrong recipient, + deletion confirmation form
    apology_intended = "apology_intended"  # to the person the mail was meant for
    notice_affected = "notice_affected"  # 本人通知: APPI items 1, 2, 4, 5, 9 / GDPR art. 34
    first_report = "first_report"  # 第一報 to the supervisor
    regulator_report = "regulator_report"  # draft report to the PPC with the nine items
    root_cause_report = "root_cause_report"
    case_file = "case_file"


class Language(StrEnum):
    ja = "ja"
    en = "en"


class Audience(StrEnum):
    """Whom bulk letters go to (`incidents letters --to`)."""

    unintended = "unintended"
    intended = "intended"
    affected = "affected"


@dataclass(frozen=True)
class KindInfo:
    kind: str
    letter: bool  # a letter to one reader (letterhead, addressee, 謹啓…謹白)
    needs_recipient: bool  # a recipient must be chosen (or all of them in bulk)
    paginate: bool  # page numbers from the first page on (letters get them only when they run over)

    def title(self, lang: str) -> str:
        return DOCUMENT_KINDS.label(self.kind, lang)


KINDS: dict[DocumentKind, KindInfo] = {
    DocumentKind.apology_unintended: KindInfo("apology_unintended", letter=True, needs_recipient=True, paginate=False),
    DocumentKind.apology_intended: KindInfo("apology_intended", letter=True, needs_recipient=True, paginate=False),
    DocumentKind.notice_affected: KindInfo("notice_affected", letter=True, needs_recipient=False, paginate=False),
    DocumentKind.first_report: KindInfo("first_report", letter=False, needs_recipient=False, paginate=True),
    DocumentKind.regulator_report: KindInfo("regulator_report", letter=False, needs_recipient=False, paginate=True),
    DocumentKind.root_cause_report: KindInfo("root_cause_report", letter=False, needs_recipient=False,
                                                      paginate=True),
    DocumentKind.case_file: KindInfo("case_file", letter=False, needs_recipient=False, paginate=True),
}

AUDIENCE_KINDS: dict[Audience, DocumentKind] = {
    Audience.unintended: DocumentKind.apology_unintended,
    Audience.intended: DocumentKind.apology_intended,
    Audience.affected: DocumentKind.notice_affected,
}
