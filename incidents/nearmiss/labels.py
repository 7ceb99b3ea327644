"""The labels of the near-miss domain's codes (Japanese in learning.po, msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

# What a replacement stands for, as the placeholder names it ([人物A], [Person A]) and the draft page shows it.
KIND_LABELS = LabelTable("anonymised_kind", {
    "person": "Person", "organization": "Organisation", "place": "Place", "address": "Address",
    "postal_code": "Postcode", "email": "Email", "url": "URL", "domain": "Domain", "phone": "Phone",
    "account": "Number", "file": "File", "date": "Date", "time": "Time", "amount": "Amount", "count": "Count",
})

PUBLICATION_STATUSES = LabelTable("publication_status", {"draft": "Not published", "published": "Published",
                                                         "withdrawn": "Withdrawn"})
