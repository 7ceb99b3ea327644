"""The labels of the job statuses (msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

JOB_STATUSES = LabelTable("job_status", {"queued": "Queued", "running": "Running", "done": "Done", "failed": "Failed"})
