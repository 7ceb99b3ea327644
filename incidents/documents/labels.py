"""What the documents print for the record's codes.

The code labels themselves are the owning domains' tables (incidents.cases.labels, ...), translated through
the catalogues; English documents use them inside sentences («sent to a wrong recipient»), hence lower case.
"""

from __future__ import annotations

from collections.abc import Mapping

from incidents.i18n import LabelTable, lower_first

Labels = Mapping[str, tuple[str, str]]

# One or two sentences on the cause, as a letter says it (the reader is not an expert).
CAUSES = LabelTable("letter_cause", {
    "wrong_recipient": "The sender entered or selected a wrong email address when sending.",
    "bcc_exposure": "When sending one message to many people, the addresses were put in the To or Cc field instead of Bcc, so every recipient could see the others.",
    "wrong_attachment": "The wrong file was attached when the message was sent.",
    "lookalike_domain": "The recipient's domain name was mistyped by one character, so the message went to a different domain.",
    "distribution_list": "The mailing list used for sending was wrong or contained a wrong member.",
    "inappropriate_content": "Information that should not have been included was left in the body of the message.",
    "other": "The message was not checked sufficiently before sending.",
})

# Why a leak is not reportable (the assessment's exemption), in words.
EXEMPTIONS = LabelTable("letter_exemption", {
    "strong_encryption": "The data was strongly encrypted and the key was not sent",
    "deleted_unread": "Every wrong recipient confirmed deleting the email unopened",
})

# English documents print these inside sentences and table cells in lower case, as they always have.
_LOWER_IN_ENGLISH = frozenset({"mistake_type", "discovery_method", "data_item", "protection", "incident_status",
                               "recipient_kind"})


def label(table: LabelTable | Labels, code: str | None, lang: str) -> str:
    if code is None:
        return ""
    if isinstance(table, LabelTable):
        text = table.label(code, lang)
        return lower_first(text) if lang == "en" and table.name in _LOWER_IN_ENGLISH and code in table else text
    pair = table.get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def join_labels(table: LabelTable | Labels, codes, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(label(table, c, lang) for c in codes or ())

STEP_STATUSES: Labels = {
    "open": ("未了", "open"), "pending": ("未了", "pending"), "in_progress": ("対応中", "in progress"),
    "done": ("完了", "done"), "completed": ("完了", "done"), "waived": ("省略", "waived"),
    "planned": ("予定", "planned"), "not_applicable": ("対象外", "not applicable"), "verified": ("効果確認済", "verified"),
}

FACTOR_CATEGORIES: Labels = {  # 4M and 4E
    "Man": ("人（Man）", "Man"), "Machine": ("設備・システム（Machine）", "Machine"),
    "Media": ("環境・情報（Media）", "Media"), "Management": ("管理（Management）", "Management"),
    "Education": ("教育", "Education"), "Engineering": ("技術・仕組み", "Engineering"),
    "Enforcement": ("規程・徹底", "Enforcement"), "Example": ("模範・事例", "Example"),
}
