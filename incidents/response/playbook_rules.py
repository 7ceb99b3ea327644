"""The playbook, as data: which steps an incident gets, who does them, and by when.

Order follows the response to a mis-sent mail: report, decide, contain, delete, apologise, assess the
legal duties, analyse the cause, change what caused it, share it as a near-miss, close. Each step names:
- `key`: stable identifier (per-recipient steps get `<key>:<address>`),
- `role`: who may do it (`employee` = the reporter, `manager` = the reporter's manager,
  `officer` = the privacy officer); a higher role may always act for a lower one,
- `due`: the name of a configurable duration counted from discovery (None = no deadline),
- `when`: the condition under which the step applies (evaluated in playbook.py),
- `per_recipient`: None, "unintended" or "all" (one step per such recipient),
- `gated`: True for letters that must wait for the manager's decision (the guard),
- `source`: the rule the step carries out, in words (shown with the step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from incidents.response.rules import DEADLINES


@dataclass(frozen=True)
class StepRule:
    key: str
    role: str
    due: str | None
    when: str
    source: str  # titles: incidents.response.labels.STEP_KINDS
    per_recipient: str | None = None
    required: bool = True
    gated: bool = False


# Condition names understood by playbook.CONDITIONS.
ALWAYS = "always"
APPI_REPORTABLE = "appi_reportable"
GDPR_AUTHORITY = "gdpr_authority"
GDPR_INDIVIDUALS = "gdpr_individuals"
MANY_PERSONS = "many_persons"

STEP_RULES: tuple[StepRule, ...] = (
    StepRule(
        "first_report", "manager", "first_report", ALWAYS,
        "Report to the supervisor at once, within the hour: what was sent, to whom, when, how it was found, "
        "what data and how many people (第一報)",
    ),
    StepRule(
        "decision", "manager", "decision", ALWAYS,
        "The organisation decides the response before anyone apologises on their own judgement",
    ),
    StepRule(
        "containment", "employee", "containment", ALWAYS,
        "Contain at once: recall, revoke shared links, call the wrong recipient (a mail deleted unopened is no leak)",
    ),
    StepRule(
        "deletion", "employee", "deletion", ALWAYS,
        "Ask each wrong recipient to delete the mail and confirm in writing whether it was opened (削除確認書); "
        "deleted unopened is no leak (PPC Q&A 6-1)",
        per_recipient="unintended", gated=True,
    ),
    StepRule(
        "apology", "employee", "apology", ALWAYS,
        "Apologise to the wrong and the intended recipients: by phone first, then in writing",
        per_recipient="all", gated=True,
    ),
    StepRule(
        "assessment", "officer", "assessment", ALWAYS,
        "APPI art. 26 and enforcement rules art. 7 (grounds to report); GDPR art. 33 and 34",
    ),
    StepRule(
        "preliminary_report", "officer", "preliminary_report_target", APPI_REPORTABLE,
        "APPI art. 26; enforcement rules art. 8(1)",
    ),
    StepRule(
        "final_report", "officer", "final_report", APPI_REPORTABLE,
        "APPI enforcement rules art. 8(2): 30 days, 60 for improper purpose",
    ),
    StepRule(
        "notify_individuals", "officer", "notify_individuals", APPI_REPORTABLE,
        "APPI art. 26(2)",
    ),
    StepRule(
        "gdpr_authority", "officer", "gdpr_authority", GDPR_AUTHORITY,
        "GDPR art. 33",
    ),
    StepRule(
        "gdpr_individuals", "officer", "gdpr_individuals", GDPR_INDIVIDUALS,
        "GDPR art. 34",
    ),
    StepRule(
        "public_announcement", "officer", "public_announcement", MANY_PERSONS,
        "PPC guidelines 3-5-2 (公表); APPI art. 26(2) proviso: a public announcement where notice is impossible",
    ),
    StepRule(
        "root_cause", "manager", "root_cause", ALWAYS,
        "Ask why until the cause lies in the system, not in the person (なぜなぜ分析, 4M)",
    ),
    StepRule(
        "countermeasures", "manager", "countermeasures", ALWAYS,
        "Each countermeasure with an owner, a due date and a later check that it worked (4E)",
    ),
    StepRule(
        "nearmiss", "officer", "nearmiss", ALWAYS,
        "Share the case anonymised and without blame, so the whole organisation learns (ヒヤリハット)",
    ),
    StepRule(
        "close", "manager", None, ALWAYS,
        "Close when every required step is done or waived with a reason",
        required=False,
    ),
)
STEP_RULE_BY_KEY: dict[str, StepRule] = {r.key: r for r in STEP_RULES}

# Default durations from discovery; every one is a Settings field `response_due_<name>`.
DEFAULT_DURATIONS: dict[str, timedelta] = {
    "first_report": timedelta(hours=1),
    "decision": timedelta(hours=4),
    "containment": timedelta(hours=2),
    "deletion": timedelta(days=2),
    "apology": timedelta(days=2),
    "assessment": timedelta(days=1),
    "preliminary_report_target": DEADLINES["preliminary_report_target"].default,
    "preliminary_report_limit": DEADLINES["preliminary_report_limit"].default,
    "final_report": DEADLINES["final_report"].default,
    "final_report_improper_purpose": DEADLINES["final_report_improper_purpose"].default,
    "notify_individuals": timedelta(days=7),
    "gdpr_authority": DEADLINES["gdpr_authority"].default,
    "gdpr_individuals": timedelta(days=7),
    "public_announcement": timedelta(days=3),
    "root_cause": timedelta(days=14),
    "countermeasures": timedelta(days=30),
    "nearmiss": timedelta(days=45),
}

# Reminders before a step is due, and escalation after it (configurable as well).
DEFAULT_REMINDERS_BEFORE: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
DEFAULT_ESCALATE_OFFICERS_AFTER = timedelta(hours=24)
# More persons than this → a public-announcement decision step.
DEFAULT_PUBLIC_ANNOUNCEMENT_THRESHOLD = 1000
