"""The labels of the incident record's codes: one table per code list, for pages, CLI, documents and the
library alike. English message ids here; Japanese in incidents/locales/ja/LC_MESSAGES/cases.po (msgctxt =
the table's name). Use `MISTAKE_TYPES.label(code)`, `.options()`, `.join(codes)`, or `label(table, code,
locale="en")`.
"""

from __future__ import annotations

from incidents.i18n import LabelTable, get_locale, label

__all__ = ["DATA_ITEMS", "DISCOVERY_METHODS", "FIELDS", "FIELD_NAMES", "JURISDICTIONS", "KINDS", "MISTAKE_HINTS",
           "MISTAKE_TYPES", "PROTECTION", "STATUS", "label", "mistake_options"]

MISTAKE_TYPES = LabelTable("mistake_type", {
    "wrong_recipient": "Wrong recipient",
    "bcc_exposure": "Addresses exposed in To/Cc instead of Bcc",
    "wrong_attachment": "Wrong attachment",
    "lookalike_domain": "Look-alike domain",
    "distribution_list": "Wrong mailing list or group",
    "inappropriate_content": "Content that should not have been sent",
    "other": "Other",
})
# What a reporter needs to pick the right type (forms and the guided CLI show it after the label).
MISTAKE_HINTS = LabelTable("mistake_type_hint", {
    "wrong_recipient": "typo, autocomplete, namesake",
    "bcc_exposure": "every recipient could see the others",
    "wrong_attachment": "the right person, the wrong file",
    "lookalike_domain": "a domain one letter away from the real one",
    "distribution_list": "a wrong member, or the wrong list chosen",
    "inappropriate_content": "internal notes or another client's data in the body",
})
DISCOVERY_METHODS = LabelTable("discovery_method", {
    "self_noticed": "Noticed by the sender",
    "recipient_reported": "Reported by the recipient",
    "colleague_noticed": "Noticed by a colleague",
    "system_alert": "System alert",
    "third_party": "Reported by a third party",
})
DATA_ITEMS = LabelTable("data_item", {
    "name": "Name", "email_address": "Email address", "postal_address": "Postal address", "phone": "Phone number",
    "birth_date": "Date of birth", "gender": "Gender", "employee_id": "Employee number",
    "customer_id": "Customer number", "bank_account": "Bank account details", "credit_card": "Credit card details",
    "payment_credentials": "Payment service login", "my_number": "My Number (individual number)",
    "medical": "Medical history or treatment", "health_checkup": "Health check results", "disability": "Disability",
    "genome": "Genome data", "criminal_record": "Criminal record", "criminal_procedure": "Criminal proceedings",
    "crime_victim": "Being a crime victim", "race": "Race", "creed": "Creed", "social_status": "Social status",
    "confidential_business": "Confidential business information",
})
PROTECTION = LabelTable("protection", {
    "none": "No protection",
    "strong_encryption": "Strong encryption",
    "password_zip": "Password-protected ZIP",
})
STATUS = LabelTable("incident_status", {"open": "Open", "closed": "Closed"})
FIELDS = LabelTable("recipient_field", {"to": "To", "cc": "Cc", "bcc": "Bcc"})
KINDS = LabelTable("recipient_kind", {"unintended": "Wrong recipient", "intended": "Intended recipient"})
JURISDICTIONS = LabelTable("jurisdiction", {"jp": "Japan (APPI)", "eu": "EU (GDPR)"})

# The incident's facts by their JSON key, as a person calls them (errors name both: «誤送信の種類 (mistake_type)»).
FIELD_NAMES = LabelTable("incident_field", {
    "title": "Title", "mistake_type": "Type of mistake", "discovery_method": "How it was found",
    "sent_at": "Sent at", "discovered_at": "Discovered at", "reported_at": "Reported at",
    "message": "The mail", "subject": "Subject", "sender": "Sender", "summary": "Summary",
    "attachments": "Attachments", "filename": "File name", "size_bytes": "Size", "sha256": "SHA-256",
    "content_type": "File type", "recipients": "Recipients", "address": "Address", "name": "Name",
    "organization": "Organisation", "field": "To/Cc/Bcc", "kind": "Wrong or intended recipient",
    "data_items": "Data it held", "affected_persons": "Number of people affected", "protection": "Protection",
    "key_exposed": "Key or password sent too", "improper_purpose": "Improper purpose suspected",
    "jurisdictions": "Jurisdictions", "status": "Status", "reason": "Reason",
})


def mistake_options(locale: str | None = None) -> list[tuple[str, str]]:
    """Mistake types for a reporter to choose from: «Wrong recipient (typo, autocomplete, namesake)»."""
    out = []
    for code, text in MISTAKE_TYPES.options(locale):
        hint = MISTAKE_HINTS.label(code, locale) if code in MISTAKE_HINTS else ""
        if hint:
            text = f"{text}（{hint}）" if (locale or get_locale()) == "ja" else f"{text} ({hint})"
        out.append((code, text))
    return out



def form_options(locale: str | None = None) -> dict:
    """What every incident form (plain, guided, intake review) offers, with the tables for its labels."""
    import incidents.cases.labels as labels

    return {"labels": labels, "mistake_options": mistake_options(locale),
            "discovery_options": DISCOVERY_METHODS.options(locale), "data_item_options": DATA_ITEMS.options(locale),
            "protection_options": PROTECTION.options(locale)}
