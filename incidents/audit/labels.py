"""What each audit event kind means, in words (the timeline, the audit view, the case file). One table for
every domain's events: a domain that records a new action adds it here (tests/i18n checks every action the
code records has a label). Japanese in core.po, msgctxt "audit_action"."""

from __future__ import annotations

from incidents.i18n import LabelTable

# What `audit verify` found wrong with the first bad event (%(seq)s, %(expected)s filled in).
VERIFY_PROBLEMS = LabelTable("audit_problem", {
    "removed": "event(s) before seq %(seq)s were removed (expected seq %(expected)s)",
    "edited": "its content does not match its hash (edited)",
    "reordered": "it does not follow the event before it (reordered, or the previous event was rewritten)",
    "unkeyed": "it is not keyed (written before the audit key; run `incidents audit rekey`)",
    "unknown_key": "it was hashed with a key this installation does not hold",
    "redaction_unrecorded": "its content was erased without a recorded erasure",
    "anchor_missing": "the anchored event seq %(seq)s is missing: the newest events were deleted",
    "anchor_mismatch": "it is not the event the anchor recorded (the chain was rewritten)",
    "anchor_invalid": "the anchor file is not signed by this installation's audit key",
})

AUDIT_ACTIONS = LabelTable("audit_action", {
    # the trail itself, retention and erasure
    "audit.rekeyed": "Audit trail moved to a new key",
    "audit.redacted": "Personal data erased from the audit trail",
    "incident.purged": "Incident deleted at the end of its retention period",
    "recipient.erased": "Recipient's personal data erased on request",
    # the record
    "incident.reported": "Incident reported",
    "incident.corrected": "Facts corrected",
    "incident.closed": "Incident closed",
    "incident.reopened": "Incident reopened",
    "recipients.added": "Recipients added",
    "recipient.corrected": "Recipient corrected",
    "recipient.removed": "Recipient removed",
    # the response
    "response.playbook_updated": "Response steps updated",
    "step.done": "Step completed",
    "step.waived": "Step waived",
    "step.decided": "Response decided",
    "step.acknowledged": "First report acknowledged",
    "deletion.requested": "Deletion requested",
    "deletion.confirmed": "Deletion confirmed",
    "deletion.bulk_sent": "Deletion requests sent to all",
    "deletion.imported": "Deletion confirmations imported",
    "deletion.requests_mailed": "Deletion requests mailed with confirmation links",
    "deletion.reminders_mailed": "Deletion request reminders mailed",
    "deletion.link_revoked": "Confirmation link revoked",
    "deletion.confirmed_online": "Deletion confirmed online by the recipient",
    "deletion.corrected_online": "Deletion confirmation corrected online by the recipient",
    "deletion.bounces_recorded": "Bounces and automatic replies recorded",
    "apology.phoned": "Apologised by phone",
    "apology.written": "Apologised in writing",
    "apology.bulk_sent": "Apologies sent to all",
    "obligation.correspondence": "Correspondence with an authority recorded",
    "obligations.updated": "Legal obligations updated",
    "regimes.overridden": "Legal assessment adjusted",
    # analysis and near-miss
    "analysis.saved": "Root-cause analysis saved",
    "countermeasure.added": "Countermeasure added",
    "countermeasure.updated": "Countermeasure updated",
    "countermeasure.planned": "Countermeasure planned",
    "countermeasure.in_progress": "Countermeasure started",
    "countermeasure.done": "Countermeasure done",
    "countermeasure.effective": "Countermeasure found effective",
    "countermeasure.ineffective": "Countermeasure found not effective",
    "countermeasure.dropped": "Countermeasure dropped",
    "nearmiss.published": "Near-miss case published",
    "nearmiss.withdrawn": "Near-miss case withdrawn",
    # documents and intake
    "document.generated": "Document generated",
    "document.step_linked": "Document linked to a step",
    "letters.started": "Letters started",
    "letters.generated": "Letters generated",
    "letters.wording_set": "Letter wording set",
    "intake.mail_imported": "Reported from the sent mail",
    "intake.addressbook_imported": "Address book imported",
    "intake.domain_added": "Known domain added",
    "intake.domain_removed": "Known domain removed",
    # people
    "user.added": "User added",
    "user.locale_set": "Language changed",
    "user.password_set": "Password set",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "user.activated": "User reactivated",
    "user.deactivated": "User deactivated",
    "user.roles_changed": "Roles changed",
    "org.imported": "Organisation imported from HR",
    "user.mfa_enabled": "Two-step sign-in turned on",
    "user.mfa_disabled": "Two-step sign-in turned off",
    "user.recovery_codes_renewed": "Recovery codes renewed",
    "session.ended": "Session ended",
    "login.succeeded": "Signed in",
    "login.failed": "Sign-in failed",
    "login.locked_out": "Sign-in refused (too many attempts)",
    "login.mfa_failed": "Second factor refused",
    "login.password_accepted": "Password accepted (second factor next)",
    "login.sso_succeeded": "Signed in with single sign-on",
    "login.sso_refused": "Single sign-on refused",
    "user.sso_linked": "Linked to the identity provider",
    "user.sso_updated": "Updated from the identity provider",
    "settings.password_login_changed": "Password sign-in turned on or off",
})
