"""The case file's timeline: when things happened (not when they were typed), in words.

Every entry takes its time from the record itself: the mail was sent, it was found, a step was done,
a deletion request went out, a confirmation came back, an apology was made. Per-recipient events are
counted per day («2025年10月5日 削除確認書の受領 3,120件») so that 4,500 recipients make a few lines,
not thousands. Other changes come from the audit log, worded by the audit's label table
(incidents/audit/labels.py) in the reader's language (never an event code).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from incidents.documents.fields import get
from incidents.documents.japanese import to_zone
from incidents.audit.labels import AUDIT_ACTIONS
from incidents.i18n import LabelTable

EVENTS = LabelTable("case_event", {
    "sent": "The email was sent",
    "discovered": "The mistake was found",
    "recorded": "The incident was recorded",
    "request": "Deletion request sent",
    "confirmed": "Deletion confirmation received",
    "confirmed_no": "of which deleted unopened",
    "phoned": "Apology by telephone",
    "written": "Apology in writing or by email",
    "step_done": "Done",
    "step_waived": "Waived",
    "document": "Document made",
})
# Audit actions shown in the timeline (others are already told by the record's own times), worded by the
# audit's own label table in the reader's language.
AUDIT_EVENTS = frozenset({
    "incident.corrected", "recipients.added", "recipient.corrected", "recipient.removed", "analysis.saved",
    "countermeasure.added", "nearmiss.published", "nearmiss.withdrawn", "letters.generated", "incident.closed",
    "incident.reopened", "regimes.overridden", "obligation.correspondence",
})
COUNTED = frozenset({"letters.generated", "recipients.added"})
PER_RECIPIENT = (("request_sent_at", "request"), ("confirmed_at", "confirmed"), ("phone_at", "phoned"),
                 ("written_at", "written"))


def _when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def timeline(*, incident: Any, steps: Iterable[Mapping[str, Any]], documents: Iterable[Mapping[str, Any]],
             audit: Iterable[Mapping[str, Any]], lang: str, zone: str, fmt_dt, fmt_day) -> list[dict[str, str]]:
    """[{at, what}] in time order, in the document's language."""
    rows: list[tuple[datetime, str, str]] = []

    def add(at: Any, what: str, actor: str = "") -> None:
        moment = _when(at)
        if moment is not None:
            rows.append((moment, fmt_dt(moment), what if not actor else f"{what}（{actor}）" if lang == "ja"
                         else f"{what} ({actor})"))

    add(get(incident, "sent_at"), EVENTS.label("sent", lang))
    add(get(incident, "discovered_at"), EVENTS.label("discovered", lang))
    add(get(incident, "reported_at"), EVENTS.label("recorded", lang))
    per_day: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], datetime] = {}
    unopened: Counter[str] = Counter()
    title = "title_en" if lang == "en" else "title_ja"
    for s in steps:
        if s.get("recipient"):
            for column, event in PER_RECIPIENT:
                moment = _when(s.get(column))
                if moment is None:
                    continue
                day = to_zone(moment, zone).date().isoformat()
                per_day[(day, event)] += 1
                first[(day, event)] = min(first.get((day, event), moment), moment)
                if event == "confirmed" and s.get("opened") == "no":
                    unopened[day] += 1
        elif s.get("status") in ("done", "waived") and s.get("done_at"):
            verb = EVENTS.label("step_done" if s["status"] == "done" else "step_waived", lang)
            add(s.get("done_at"), f"{s.get(title) or s.get('title', '')}：{verb}" if lang == "ja"
                else f"{s.get(title) or s.get('title', '')}: {verb.lower()}")
    for (day, event), n in per_day.items():
        moment = first[(day, event)]
        label = EVENTS.label(event, lang)
        extra = ""
        if event == "confirmed" and unopened[day]:
            word = EVENTS.label("confirmed_no", lang)
            extra = f"（{word} {unopened[day]:,}件）" if lang == "ja" else f" ({word}: {unopened[day]:,})"
        if n == 1:
            rows.append((moment, fmt_dt(moment), label + extra))
        else:
            rows.append((moment, fmt_day(moment), (f"{label} {n:,}件" if lang == "ja" else f"{label}: {n:,}") + extra))
    for d in documents:
        add(d.get("created_at"), f"{EVENTS.label('document', lang)}：{d.get('title', '')}" if lang == "ja"
            else f"{EVENTS.label('document', lang)}: {d.get('title', '')}")
    for e in audit:
        action = str(e.get("action", ""))
        if action in AUDIT_EVENTS:
            count = (e.get("after") or {}).get("count") if action in COUNTED else None
            what = AUDIT_ACTIONS.label(action, lang) + ((f" {count:,}件" if lang == "ja" else f": {count:,}")
                                                        if isinstance(count, int) and not isinstance(count, bool) else "")
            add(e.get("at"), what)
    rows.sort(key=lambda r: r[0])
    return [{"at": at, "what": what} for _, at, what in rows]
