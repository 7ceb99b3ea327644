"""Human labels of the record's codes (English message ids; translated through the gettext catalogue)."""

from __future__ import annotations

from incidents.i18n import gettext as _

MISTAKE_TYPES = {
    "wrong_recipient": "Wrong recipient (typo, autocomplete, namesake)",
    "bcc_exposure": "Addresses exposed in To/Cc instead of Bcc",
    "wrong_attachment": "Wrong attachment",
    "lookalike_domain": "Look-alike domain",
    "distribution_list": "Wrong mailing list or group",
    "inappropriate_content": "Content that should not have been sent",
    "other": "Other",
}
DISCOVERY_METHODS = {
    "self_noticed": "I noticed it myself",
    "recipient_reported": "The recipient told us",
    "colleague_noticed": "A colleague noticed",
    "system_alert": "A system alert",
    "third_party": "A third party told us",
}
DATA_ITEMS = {
    "name": "Name", "email_address": "Email address", "postal_address": "Postal address", "phone": "Phone number",
    "birth_date": "Date of birth", "gender": "Gender", "employee_id": "Employee ID", "customer_id": "Customer ID",
    "bank_account": "Bank account", "credit_card": "Credit card number", "payment_credentials": "Payment login credentials",
    "my_number": "My Number (individual number)", "medical": "Medical history or treatment",
    "health_checkup": "Health check results", "disability": "Disability", "genome": "Genome data",
    "criminal_record": "Criminal record", "criminal_procedure": "Criminal procedure", "crime_victim": "Being a crime victim",
    "race": "Race", "creed": "Creed", "social_status": "Social status", "confidential_business": "Confidential business information",
}
PROTECTION = {
    "none": "No protection",
    "strong_encryption": "Strong encryption (key not sent)",
    "password_zip": "Password-protected ZIP",
}
STATUS = {"open": "Open", "closed": "Closed"}
FIELDS = {"to": "To", "cc": "Cc", "bcc": "Bcc"}
KINDS = {"unintended": "Wrong recipient", "intended": "Intended recipient"}


def label(table: dict[str, str], code: str) -> str:
    return _(table.get(code, code))


def options(table: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, _(text)) for code, text in table.items()]
