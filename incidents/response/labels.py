"""The labels of the response's codes: playbook step kinds, step statuses, who acts on a step, apology
channels, what the wrong recipient declared, the assessment's exemptions. Japanese in response.po (msgctxt =
the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable, translate

STEP_KINDS = LabelTable("step_kind", {
    "first_report": "First report to the supervisor (acknowledged)",
    "decision": "The organisation's decision on the response",
    "containment": "Containment (recall, revoke links, call the recipient)",
    "deletion": "Deletion request and written confirmation",
    "apology": "Apology (phone, then letter or email)",
    "assessment": "Assessment of the legal duties",
    "preliminary_report": "Preliminary report to the PPC",
    "final_report": "Final report to the PPC",
    "notify_individuals": "Notice to the people concerned",
    "gdpr_authority": "Notification to the supervisory authority (GDPR)",
    "gdpr_individuals": "Communication to the data subjects (GDPR)",
    "public_announcement": "Decision on a public announcement",
    "root_cause": "Root-cause analysis (five whys)",
    "countermeasures": "Countermeasures with owners and due dates",
    "nearmiss": "Share as an anonymised near-miss",
    "close": "Close",
})
STEP_STATUSES = LabelTable("step_status", {
    "pending": "Pending", "done": "Done", "waived": "Waived", "not_applicable": "Not applicable",
})
# Who acts on a step: the reporter, the reporter's manager, the privacy officer.
STEP_ROLES = LabelTable("step_role", {"employee": "Reporter", "manager": "Manager", "officer": "Privacy officer"})
APOLOGY_CHANNELS = LabelTable("apology_channel", {"phone": "Phone", "letter": "Letter", "email": "Email"})
OPENED = LabelTable("opened", {"yes": "Opened", "no": "Not opened", "unknown": "Not known whether opened"})
EXEMPTIONS = LabelTable("exemption", {"strong_encryption": "Strong encryption",
                                      "deleted_unread": "Deleted unread"})


def step_title(kind: str, recipient: str | None, locale: str) -> str:
    """«削除依頼と削除確認書の受領：a@b.example» / «Deletion request and written confirmation: a@b.example»."""
    title = STEP_KINDS.label(kind, locale)
    if not recipient:
        return title
    return translate("%(step)s: %(recipient)s", locale, step=title, recipient=recipient)
