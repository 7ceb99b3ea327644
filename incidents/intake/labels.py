"""The labels of mail intake's codes (Japanese in intake.po, msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

DOMAIN_KINDS = LabelTable("domain_kind", {"internal": "Our own", "partner": "Partner"})
CONTACT_KINDS = LabelTable("contact_kind", {"internal": "Internal", "partner": "Partner", "customer": "Customer",
                                            "list": "Mailing list"})
# What a finding of the detectors is about, beyond the mistake types (cases.labels.MISTAKE_TYPES).
FINDING_KINDS = LabelTable("finding_kind", {"data_items": "Personal data", "protection": "Protection"})
