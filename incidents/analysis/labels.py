"""The labels of root-cause analysis codes: contributing factors, 4M, 4E, countermeasure statuses (Japanese in
learning.po, msgctxt = the table's name). The vocabularies themselves are in vocab.py."""

from __future__ import annotations

from incidents.i18n import LabelTable

FACTOR_LABELS = LabelTable("factor", {
    "haste": "Haste, time pressure",
    "fatigue": "Fatigue, long hours",
    "low_awareness": "Low awareness of the risk",
    "multitasking": "Interruptions, several tasks at once",
    "remote_work": "Remote work or a distracting environment",
    "autocomplete": "Address autocomplete",
    "no_send_delay": "No delayed sending",
    "no_external_warning": "No warning for external or many recipients",
    "reused_mail": "A previous mail was reused",
    "similar_file_names": "Several files with similar names",
    "similar_names": "Recipients with the same or similar names",
    "lookalike_domain": "A lookalike domain existed",
    "wrong_field": "To / Cc / Bcc easy to confuse",
    "no_second_check": "No second pair of eyes",
    "unclear_rules": "Mail rules missing, complex or unknown",
    "no_training": "Training missing",
    "workload": "Workload or staffing",
    "mass_mail_by_client": "Mass mail sent from a mail client instead of a bulk service",
})

FOUR_M = LabelTable("four_m", {"man": "Man", "machine": "Machine", "media": "Media", "management": "Management"})
FOUR_E = LabelTable("four_e", {"education": "Education", "engineering": "Engineering", "enforcement": "Enforcement",
                               "example": "Example"})
COUNTERMEASURE_STATUSES = LabelTable("countermeasure_status", {
    "planned": "Planned", "in_progress": "In progress", "done": "Done", "effective": "Effective",
    "ineffective": "Not effective", "dropped": "Dropped",
})
