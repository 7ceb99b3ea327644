"""What the documents print for the record's codes.

The code labels themselves are the owning domains' tables (incidents.cases.labels, ...), translated through
the catalogues; English documents use them inside sentences («sent to a wrong recipient»), hence lower case.
"""

from __future__ import annotations

from incidents.i18n import LabelTable, lower_first

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
DOCUMENT_KINDS = LabelTable("document_kind", {
    "apology_unintended": "Apology for a misdirected email and request to delete it",
    "apology_intended": "Apology concerning an email sent to the wrong recipient",
    "notice_affected": "Notice of a personal data breach",
    "first_report": "Email misdelivery: first report",
    "regulator_report": "Report of a personal data breach (draft)",
    "root_cause_report": "Root-cause analysis and countermeasures",
    "case_file": "Case file",
})
AUDIENCES = LabelTable("letter_audience", {"unintended": "Wrong recipients", "intended": "Intended recipients",
                                           "affected": "People concerned"})

# English documents print these inside sentences and table cells in lower case, as they always have.
_LOWER_IN_ENGLISH = frozenset({"mistake_type", "discovery_method", "data_item", "protection", "incident_status",
                               "recipient_kind"})


def label(table: LabelTable, code: str | None, lang: str) -> str:
    if code is None:
        return ""
    text = table.label(code, lang)
    return lower_first(text) if lang == "en" and table.name in _LOWER_IN_ENGLISH and code in table else text


def join_labels(table: LabelTable, codes, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(label(table, c, lang) for c in codes or ())
