"""Build a document's template context from plain data.

The input is shaped like the incident JSON contract: a mapping (or any object with
the same attributes) with title, mistake_type, sent_at, discovered_at, message{subject, sender,
summary, attachments}, recipients[{address, name, organization, field, kind}], data_items,
affected_persons, ... Extras from other domains are optional plain data: the legal assessment
(the assessment's JSON contract), playbook steps, timeline events, root-cause analysis, actions taken.

Templates receive only display-ready strings, numbers and lists: no ORM objects, no callables
besides the environment's own filters. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from incidents.analysis.labels import COUNTERMEASURE_STATUSES, FOUR_E, FOUR_M
from incidents.cases import labels as C
from incidents.documents import labels as L
from incidents import times
from incidents.documents import casefile, regulator, story
from incidents.documents.fields import get
from incidents.documents.japanese import format_count, format_date, format_datetime, format_size
from incidents.documents.kinds import KINDS, DocumentKind
from incidents.documents.readers import generic_reader, group_terms, reader_of
from incidents.i18n import LabelTable
from incidents.names import strip_honorific
from incidents.response.labels import STEP_STATUSES

MAX_LISTED_RECIPIENTS = 200  # a case file lists this many, then "and N more"


@dataclass(frozen=True)
class Letterhead:
    """The issuing organisation's voice: who writes, how to reach them, how dates look."""

    name: str = "Example Corporation"
    department: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    contact_desk: str = ""  # the enquiry desk named in letters (お問い合わせ窓口)
    contact_hours: str = ""
    signer_name: str = ""
    signer_title: str = ""
    logo: Path | None = None  # an image file the operator configured; served by the asset fetcher
    timezone: str = "Asia/Tokyo"
    era_dates: bool = False  # 令和7年6月20日 instead of 2025年6月20日
    self_ref: str = "弊社"  # how the organisation names itself in running text (弊社, 本学, 当院, 本市 ...)
    readers: str = "customers"  # the organisation's own people as a group (organisation.ReaderGroup)
    return_days: int = 14  # the deletion form asks for its return within this many days
    fax: str = ""


@dataclass(frozen=True)
class Person:
    """One reader of a letter: a recipient of the mail or a person whose data leaked."""

    address: str = ""
    name: str | None = None
    organization: str | None = None
    postal_address: str | None = None
    field: str | None = None
    kind: str | None = None
    reference: str | None = None  # letter number printed on the letter (bulk runs number them)


@dataclass
class Extras:
    assessment: Mapping[str, Any] | None = None
    steps: list[Mapping[str, Any]] = field(default_factory=list)
    timeline: list[Mapping[str, Any]] = field(default_factory=list)
    root_cause: Mapping[str, Any] | None = None
    actions_taken: list[str] = field(default_factory=list)  # internal documents only (they carry notes)
    documents: list[Mapping[str, Any]] = field(default_factory=list)
    progress: Mapping[str, int] | None = None  # counts over per-recipient steps (story.progress)
    wording: Mapping[str, str] | None = None  # cause / actions / measures written for outside readers
    decided: bool = False  # the organisation's decision is recorded
    regulator_form: Any = None  # the regimes domain's RegulatorForm (the PPC form), when there is a database
    # the entrustment the incident names: {"role": "principal" (we are the 委託元) | "contractor" (the 委託先),
    # "counterpart": the other party's name} or {"role": "none"}; None = not known (no database). Letters and
    # the regulator draft word the relation
    entrustment: Mapping[str, str] | None = None


_get = get


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return obj


def parse_datetime(value: Any) -> datetime | None:
    """A moment of the record (a datetime, or ISO text in plain data); None when there is none.
    One time parser for the whole product: incidents.times (no zone = the organisation's)."""
    if value is None or value == "":
        return None
    return times.parse_datetime(value)


def person_of(obj: Any) -> Person:
    if isinstance(obj, Person):
        return obj
    return Person(
        address=str(_get(obj, "address", "")),
        name=strip_honorific(_get(obj, "name")),
        organization=strip_honorific(_get(obj, "organization")),
        postal_address=_get(obj, "postal_address"),
        field=_get(obj, "field"),
        kind=_get(obj, "kind"),
        reference=_get(obj, "reference"),
    )


class Formatter:
    """Date and label formatting bound to one language and one organisation."""

    def __init__(self, lang: str, letterhead: Letterhead):
        self.lang = lang
        self.zone = letterhead.timezone
        self.era = letterhead.era_dates

    def dt(self, value: Any) -> str:
        return format_datetime(parse_datetime(value), lang=self.lang, zone=self.zone, era=self.era)

    def day(self, value: Any) -> str:
        parsed = parse_datetime(value)
        if parsed is None:
            return ""
        if parsed.tzinfo is not None:
            from incidents.documents.japanese import to_zone

            parsed = to_zone(parsed, self.zone)
        return format_date(parsed, lang=self.lang, era=self.era)

    def label(self, table: LabelTable, code: Any) -> str:
        return L.label(table, code, self.lang)

    def labels(self, table: LabelTable, codes: Iterable[Any]) -> str:
        return L.join_labels(table, codes, self.lang)


def _recipient_row(fmt: Formatter, obj: Any) -> dict[str, str]:
    p = person_of(obj)
    return {
        "address": p.address,
        "name": p.name or "",
        "organization": p.organization or "",
        "field": fmt.label(C.FIELDS, p.field or "to"),
        "kind": fmt.label(C.KINDS, p.kind or "unintended"),
        "kind_code": p.kind or "unintended",
        "field_code": p.field or "to",
    }


def incident_view(incident: Any, fmt: Formatter) -> dict[str, Any]:
    message = _get(incident, "message", {}) or {}
    lang = fmt.lang
    mistake = str(_get(incident, "mistake_type", "other"))
    attachments = [
        {"filename": str(_get(a, "filename", "")), "size": format_size(_get(a, "size_bytes")),
         "sha256": str(_get(a, "sha256", "") or "")}
        for a in _get(message, "attachments", []) or []
    ]
    items = [str(i) for i in _get(incident, "data_items", []) or []]
    persons = _get(incident, "affected_persons", 0)
    jurisdictions = [str(j) for j in _get(incident, "jurisdictions", ["jp"]) or []]
    protection = str(_get(incident, "protection", "none"))
    key_exposed = bool(_get(incident, "key_exposed", False))
    return {
        "id": _get(incident, "id", ""),
        "title": str(_get(incident, "title", "")),
        "mistake_type": mistake,
        "story": story.story_of(mistake),
        "mistake": fmt.label(C.MISTAKE_TYPES, mistake),
        "cause": fmt.label(L.CAUSES, mistake if mistake in L.CAUSES else "other"),
        "discovery": fmt.label(C.DISCOVERY_METHODS, _get(incident, "discovery_method")),
        "discovery_code": str(_get(incident, "discovery_method", "") or ""),
        "sent": fmt.dt(_get(incident, "sent_at")),
        "sent_day": fmt.day(_get(incident, "sent_at")),
        "discovered": fmt.dt(_get(incident, "discovered_at")),
        "reported": fmt.dt(_get(incident, "reported_at")),
        "subject": str(_get(message, "subject", "") or _get(incident, "subject", "")),
        "sender": str(_get(message, "sender", "") or _get(incident, "sender", "")),
        "summary": str(_get(message, "summary", "") or _get(incident, "summary", "")),
        "attachments": attachments,
        "mails": story.mails_of(incident, fmt.dt),
        "data_items": [fmt.label(C.DATA_ITEMS, i) for i in items],
        "data_items_text": fmt.labels(C.DATA_ITEMS, items),
        "data_codes": items,
        "sensitive": bool(set(items) & story.SENSITIVE),
        "consequences": story.consequences(items),
        "affected_persons": persons,
        "affected_text": format_count(persons, lang=lang),
        "protection": fmt.label(C.PROTECTION, protection),
        "protection_code": protection,
        "protection_story": story.protection_story(protection, key_exposed),
        "key_exposed": key_exposed,
        "improper_purpose": bool(_get(incident, "improper_purpose", False)),
        "eu": "eu" in jurisdictions,
        "status": fmt.label(C.STATUS, _get(incident, "status", "open")),
        "reporter": _display_person(_get(incident, "reporter", "")),
        "department": _display_person(_get(incident, "department", "")),
    }


def _display_person(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(_get(value, "display_name") or _get(value, "name") or _get(value, "email") or "")


def recipients_view(incident: Any, fmt: Formatter) -> dict[str, Any]:
    """Recipients as counts (from the database: a mass mail has thousands) and the first ones listed."""
    rows = [_recipient_row(fmt, r) for r in list(_get(incident, "recipients", ()) or ())[:MAX_LISTED_RECIPIENTS]]
    unintended = [r for r in rows if r["kind_code"] == "unintended"]
    intended = [r for r in rows if r["kind_code"] == "intended"]
    counts = _get(incident, "recipient_counts")  # plain data: counted by the caller
    record_counts = None if isinstance(incident, Mapping) else _get(incident, "counts")
    if record_counts is not None:  # the IncidentRecord: one GROUP BY, whatever the size of the list
        counts = {"total": record_counts.total, "unintended_count": record_counts.unintended,
                  "intended_count": record_counts.intended, "to_count": record_counts.by_field.get("to", 0),
                  "cc_count": record_counts.by_field.get("cc", 0), "bcc_count": record_counts.by_field.get("bcc", 0)}
    if not counts:
        every = [_recipient_row(fmt, r) for r in _get(incident, "recipients", ()) or ()]
        counts = {"total": len(every), "unintended_count": sum(r["kind_code"] == "unintended" for r in every),
                  "intended_count": sum(r["kind_code"] == "intended" for r in every),
                  **{f"{f}_count": sum(r["field_code"] == f for r in every) for f in ("to", "cc", "bcc")}}
    return {**counts, "unintended": unintended, "intended": intended, "listed": rows,
            "more": max(0, counts["total"] - len(rows))}


def assessment_view(assessment: Any, fmt: Formatter) -> dict[str, Any] | None:
    if assessment is None:
        return None
    a = _plain(assessment)
    appi = _get(a, "appi", {}) or {}
    gdpr = _get(a, "gdpr", {}) or {}
    details = _get(appi, "ground_details", []) or []
    grounds = [str(_get(d, "label_en" if fmt.lang == "en" else "label_ja", "")) for d in details]
    if not grounds:
        grounds = [str(g) for g in _get(appi, "grounds", []) or []]
    return {
        "leak": bool(_get(appi, "leak", False)),
        "reportable": bool(_get(appi, "reportable", False)),
        "grounds": grounds,
        "exemption": fmt.label(L.EXEMPTIONS, _get(appi, "exemption")) if _get(appi, "exemption") else "",
        "preliminary_due": fmt.dt(_get(appi, "preliminary_report_due")),
        "final_due": fmt.dt(_get(appi, "final_report_due")),
        "notify_individuals": bool(_get(appi, "notify_individuals", False)),
        "gdpr_applicable": bool(_get(gdpr, "applicable", False)),
        "gdpr_due": fmt.dt(_get(gdpr, "authority_notification_due")),
        "gdpr_notify": bool(_get(gdpr, "notify_individuals", False)),
    }


def steps_view(steps: Iterable[Any], fmt: Formatter) -> list[dict[str, str]]:
    """The incident-wide steps (per-recipient steps are shown as counts: see story.progress)."""
    out = []
    for s in steps or []:
        if _get(s, "recipient") or _get(s, "recipient_address"):
            continue
        title = _get(s, "title_en" if fmt.lang == "en" else "title_ja") or _get(s, "title", "")
        out.append({
            "title": str(title),
            "status": fmt.label(STEP_STATUSES, _get(s, "status", "")),
            "due": fmt.dt(_get(s, "due_at")),
            "done": fmt.dt(_get(s, "done_at") or _get(s, "completed_at")),
            "note": str(_get(s, "note", "") or _get(s, "waive_reason", "") or ""),
        })
    return out


def root_cause_view(rc: Any, fmt: Formatter) -> dict[str, Any] | None:
    if rc is None:
        return None
    rc = _plain(rc)
    measures = [
        {"title": str(_get(m, "title", "")), "category": fmt.label(FOUR_E, _get(m, "category", "")),
         "owner": _display_person(_get(m, "owner", "")), "due": fmt.day(_get(m, "due_on") or _get(m, "due_at")),
         "status": fmt.label(COUNTERMEASURE_STATUSES, _get(m, "status", ""))}
        for m in _get(rc, "countermeasures", []) or []
    ]
    factors = [
        {"category": fmt.label(FOUR_M, _get(f, "category", "")), "text": str(_get(f, "text", "") or _get(f, "description", ""))}
        for f in _get(rc, "factors", []) or []
    ]
    return {
        "summary": str(_get(rc, "summary", "") or ""),
        "whys": [str(w) for w in _get(rc, "whys", []) or []],
        "root_cause": str(_get(rc, "root_cause", "") or ""),
        "factors": factors,
        "countermeasures": measures,
    }


def letterhead_view(lh: Letterhead) -> dict[str, Any]:
    view = asdict(lh)
    view["logo"] = lh.logo.resolve().as_uri() if lh.logo else None
    return view


def reader_group(kind: DocumentKind | str, mistake_type: str, letterhead: Letterhead) -> str | None:
    """The organisation's group term applies to its own people: those concerned, the intended recipient,
    and the recipients of a Bcc exposure. A wrong recipient is a third party: neutral terms."""
    kind = DocumentKind(kind)
    if kind in (DocumentKind.notice_affected, DocumentKind.apology_intended):
        return letterhead.readers
    if kind == DocumentKind.apology_unintended and story.story_of(mistake_type) in story.READER_WAS_MEANT:
        return letterhead.readers
    return None


def form_view(letterhead: Letterhead, issued: date | datetime, fmt: Formatter) -> dict[str, Any]:
    """What the deletion form says about its return: by when, and how."""
    day = issued.date() if isinstance(issued, datetime) else issued
    return {
        "return_by": fmt.day(day + timedelta(days=max(1, letterhead.return_days))),
        "post": bool(letterhead.address),
        "email": letterhead.email,
        "fax": letterhead.fax,
    }


def entrustment_view(entrustment: Mapping[str, Any] | None, letterhead: Letterhead) -> dict[str, str] | None:
    """The entrustment relation as the documents word it: who is the 委託元 (principal) and who the 委託先
    (contractor). None when the incident names none (or names no other party)."""
    role = str((entrustment or {}).get("role") or "")
    counterpart = str((entrustment or {}).get("counterpart") or "").strip()
    if role not in ("principal", "contractor") or not counterpart:
        return None
    us = letterhead.name
    return {"role": role, "counterpart": counterpart,
            "principal": us if role == "principal" else counterpart,
            "contractor": counterpart if role == "principal" else us}


def build_context(
    incident: Any,
    *,
    kind: DocumentKind | str,
    lang: str,
    letterhead: Letterhead,
    recipient: Any = None,
    issued_on: date | datetime | None = None,
    extras: Extras | None = None,
) -> dict[str, Any]:
    """Everything a document template needs, as display-ready plain data."""
    kind = DocumentKind(kind)
    extras = extras or Extras()
    fmt = Formatter(lang, letterhead)
    info = KINDS[kind]
    issued = issued_on or datetime.now().astimezone()
    reader = person_of(recipient) if recipient is not None else None
    view = incident_view(incident, fmt)
    group = reader_group(kind, view["mistake_type"], letterhead)
    generic = generic_reader(lang=lang, group=group, self_ja=letterhead.self_ref)
    wording = {k: str(v or "").strip() for k, v in (extras.wording or {}).items()}
    ctx = {
        "lang": lang,
        "kind": kind.value,
        "doc_title": info.title(lang),
        "is_letter": info.letter,
        "issued": fmt.day(issued),
        "org": letterhead_view(letterhead),
        "incident": view,
        "recipients": recipients_view(incident, fmt),
        "reader": variable_view(reader, kind=kind, lang=lang, letterhead=letterhead,
                                mistake_type=view["mistake_type"]) if reader else None,
        "generic_reader": {"lines": list(generic.lines), "salutation": generic.salutation,
                           "closing": generic.closing, "you": generic.you},
        "group": {"code": group or "", "heading": group_terms(group or "general", letterhead.self_ref)[0],
                  "running": group_terms(group or "general", letterhead.self_ref)[1],
                  "en": group_terms(group or "general", letterhead.self_ref)[3]},
        "assessment": assessment_view(extras.assessment, fmt),
        "steps": steps_view(extras.steps, fmt),
        "timeline": casefile.timeline(
            incident=incident, steps=extras.steps or [],
            documents=extras.documents or [], audit=extras.timeline or [], lang=lang, zone=letterhead.timezone,
            fmt_dt=fmt.dt, fmt_day=fmt.day) if kind == DocumentKind.case_file else [],
        "root_cause": root_cause_view(extras.root_cause, fmt),
        "actions_taken": [str(a) for a in extras.actions_taken],
        "documents": [{**dict(d), "created": fmt.dt(_get(d, "created_at")) or str(_get(d, "created", ""))}
                      for d in extras.documents],
        "progress": dict(extras.progress or story.progress(extras.steps)),
        "wording": {"cause": wording.get("cause", ""), "actions": wording.get("actions", ""),
                    "measures": wording.get("measures", "")},
        "decided": extras.decided,
        # incident-wide steps that are done (the letters say "we reported" only when the record says so)
        "done": sorted({str(_get(st, "kind")) for st in extras.steps or []
                        if _get(st, "status") == "done" and not _get(st, "recipient")}),
        "form": form_view(letterhead, issued, fmt),
        "entrustment": entrustment_view(extras.entrustment, letterhead),
        "entrustment_known": extras.entrustment is not None,
    }
    if kind == DocumentKind.regulator_report:
        ctx["regulator"] = (regulator.from_form(extras.regulator_form, lang) if extras.regulator_form is not None
                            else regulator.from_context(ctx))
    return ctx


def variable_view(reader: Person, *, kind: DocumentKind | str, lang: str, letterhead: Letterhead | None = None,
                  mistake_type: str = "wrong_recipient") -> dict[str, Any]:
    """The per-reader part of a letter: the only part that differs between bulk letters.

    `you` (貴社 / 貴学 / 学生の皆様, or nothing for a person) also appears in the body, so bulk runs
    group readers by it; so does the English complimentary close.
    """
    letterhead = letterhead or Letterhead()
    group = reader_group(kind, mistake_type, letterhead)
    r = reader_of(name=reader.name, organization=reader.organization, address=reader.address, lang=lang,
                  group=group, self_ja=letterhead.self_ref)
    return {
        "lines": list(r.lines),
        "postal_address": reader.postal_address or "",
        "salutation": r.salutation,
        "closing": r.closing,
        "shape": r.shape,
        "you": r.you,
        "variant": f"{r.you}|{r.closing}",
        "address": reader.address,
        "name": reader.name or "",
        "organization": reader.organization or "",
        "field": L.label(C.FIELDS, reader.field, lang) if reader.field else "",
        "reference": reader.reference or "",
    }
