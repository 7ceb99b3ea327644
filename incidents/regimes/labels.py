"""The labels of the regimes' codes: one table per code list (English msgids; Japanese in
incidents/locales/ja/LC_MESSAGES/regimes.po under msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

REGIMES = LabelTable("regime", {
    "appi": "APPI",
    "gdpr": "GDPR",
    "pmark": "Privacy Mark",
    "fsa": "Finance (FSA)",
    "meti": "Credit (METI)",
    "mic": "Telecom (MIC)",
    "accredited": "Accredited personal-information protection organisation",
    "local_gov": "Local government publication",
    "mynumber": "My Number Act",
})
OBLIGATION_KINDS = LabelTable("obligation_kind", {
    "preliminary": "Preliminary report",
    "final": "Final report",
    "notice": "Notice to the people concerned",
    "publication": "Publication",
    "batch": "Quarterly batch report",
    "report": "Report",
    "principal": "Notice to the principal",
})
ADDRESSEES = LabelTable("addressee", {
    "ppc": "Personal Information Protection Commission",
    "fsa": "Financial Services Agency (or the local finance bureau)",
    "meti": "Ministry of Economy, Trade and Industry",
    "mic": "Ministry of Internal Affairs and Communications",
    "jipdec": "JIPDEC (Privacy Mark portal)",
    "accredited_body": "The accredited organisation",
    "association": "The industry association",
    "supervisory_authority": "The supervisory authority (GDPR)",
    "individuals": "The people concerned",
    "public": "The public (website)",
    "principal": "The principal (the entrusting party)",
})
ENTRUSTMENT = LabelTable("entrustment", {
    "none": "No entrustment",
    "principal": "Principal (we entrusted the data)",
    "contractor": "Contractor (the data was entrusted to us)",
})
OBLIGATION_STATUS = LabelTable("obligation_status", {
    "pending": "Pending",
    "submitted": "Submitted",
    "released": "Released (the principal was told)",
    "withdrawn": "No longer applies",
})
LOG_KINDS = LabelTable("correspondence_kind", {
    "submitted": "Submitted",
    "reference": "Reference number received",
    "question": "Question received",
    "answer": "Answer",
    "resubmitted": "Resubmitted",
    "delay_reason": "Reason for the delay",
    "note": "Note",
})
ANSWERS = LabelTable("answer", {"yes": "Yes", "no": "No"})
