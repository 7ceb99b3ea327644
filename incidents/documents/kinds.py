"""The document kinds, what each needs, and how they are named (ja/en)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    title_ja: str
    title_en: str
    letter: bool  # a letter to one reader (letterhead, addressee, 謹啓…謹白)
    needs_recipient: bool  # a recipient must be chosen (or all of them in bulk)
    paginate: bool  # page numbers from the first page on (letters get them only when they run over)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_ja


KINDS: dict[DocumentKind, KindInfo] = {
    DocumentKind.apology_unintended: KindInfo(
        "メール誤送信のお詫びと削除のお願い", "Apology for a misdirected email and request to delete it",
        letter=True, needs_recipient=True, paginate=False),
    DocumentKind.apology_intended: KindInfo(
        "メール誤送信に関するお詫び", "Apology concerning an email sent to the wrong recipient",
        letter=True, needs_recipient=True, paginate=False),
    DocumentKind.notice_affected: KindInfo(
        "個人情報の漏えい（おそれ）に関するお知らせとお詫び", "Notice of a personal data breach",
        letter=True, needs_recipient=False, paginate=False),
    DocumentKind.first_report: KindInfo(
        "メール誤送信 第一報", "Email misdelivery: first report", letter=False, needs_recipient=False, paginate=True),
    DocumentKind.regulator_report: KindInfo(
        "個人データの漏えい等事案に関する報告（案）", "Report of a personal data breach (draft)",
        letter=False, needs_recipient=False, paginate=True),
    DocumentKind.root_cause_report: KindInfo(
        "原因分析・再発防止策報告書", "Root-cause analysis and countermeasures", letter=False,
        needs_recipient=False, paginate=True),
    DocumentKind.case_file: KindInfo(
        "事案記録", "Case file", letter=False, needs_recipient=False, paginate=True),
}

AUDIENCE_KINDS: dict[Audience, DocumentKind] = {
    Audience.unintended: DocumentKind.apology_unintended,
    Audience.intended: DocumentKind.apology_intended,
    Audience.affected: DocumentKind.notice_affected,
}
