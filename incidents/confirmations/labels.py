"""Code labels of the online confirmations."""

from __future__ import annotations

from incidents.i18n import LabelTable

REQUEST_STATUSES = LabelTable("deletion_request_status", {
    "queued": "Queued",
    "sent": "Sent",
    "bounced": "Bounced",
    "failed": "Could not be sent",
    "answered": "Answered",
})

BOUNCE_KINDS = LabelTable("bounce_kind", {
    "bounce": "Bounce",
    "auto_reply": "Automatic reply",
})

MATCHED_BY = LabelTable("bounce_matched_by", {
    "message": "Our message number",
    "token": "Personal link",
    "reference": "Reference number",
    "address": "Address",
})
