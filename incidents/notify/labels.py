"""The labels of the notification codes (Japanese in core.po, msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

CHANNELS = LabelTable("notify_channel", {"mail": "Mail", "webhook": "Webhook"})
DELIVERY_STATUSES = LabelTable("delivery_status", {
    "pending": "Waiting", "sending": "Sending", "sent": "Sent", "failed": "Failed", "cancelled": "Cancelled",
})
