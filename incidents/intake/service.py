"""Intake services: read a sent mail, propose what went wrong, create the incident on the user's yes.

Keyword-only, `session` first, flush never commit (one path for every action; one owner commits). Reading a mail changes
nothing; creating goes through incidents.cases.service.report (same checks and audit as the API).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, or_, select
from sqlmodel import Session

from incidents.audit.service import record
from incidents.cases import service as cases
from incidents.cases.models import Incident
from incidents.cases.schemas import IncidentCreate
from incidents.config import get_settings
from incidents.errors import Conflict, InvalidInput, NotFound
from incidents.cases.access import require_incident_reader
from incidents.people.access import require_role
from incidents.people.models import User

from .addressbook import parse_address_book, parse_recipient_list
from .detect import classify
from .domains import domain_info
from .draft import apply_suggestions, build_draft
from .types import Contact, DetectionContext, IntakeLimits, ParsedMail
from .models import AddressBookEntry, DomainKind, KnownDomain
from .parse import parse_mail

MAX_CONTACTS_LOADED = 200_000
SUMMARY_MAX = 20_000  # the incident record's limit for the summary
MANAGERS = ("officer", "admin")


def limits() -> IntakeLimits:
    s = get_settings()
    return IntakeLimits(max_bytes=s.intake_max_bytes, max_recipients=s.intake_max_recipients,
                        max_parts=s.intake_max_parts)


def _split(value: str) -> tuple[str, ...]:
    return tuple(x.lower().lstrip("@") for x in re.split(r"[\s,;]+", value or "") if x)


def detection_context(session: Session) -> DetectionContext:
    """Settings, known domains and the address book, as the detectors see them."""
    s = get_settings()
    own = list(_split(s.intake_own_domains))
    partners = list(_split(s.intake_partner_domains))
    contacts: list[Contact] = []
    for row in session.execute(select(KnownDomain)).scalars():
        (own if row.kind == DomainKind.internal else partners).append(row.domain)
        if row.organization:
            contacts.append(Contact(domain=row.domain, organization=row.organization, kind=row.kind))
    rows = session.execute(select(AddressBookEntry).order_by(AddressBookEntry.id).limit(MAX_CONTACTS_LOADED)).scalars()
    contacts += [Contact(address=r.address, domain=r.domain, name=r.name, organization=r.organization, kind=r.kind)
                 for r in rows]
    return DetectionContext(
        own_domains=tuple(own), partner_domains=tuple(partners), contacts=tuple(contacts),
        mass_mail_threshold=s.intake_mass_mail_threshold,
    )


def read_mail(data: bytes, *, filename: str = "") -> ParsedMail:
    return parse_mail(data, filename=filename, limits=limits(), default_tz=get_settings().tz)


def preview(
    session: Session,
    *,
    actor: User,
    data: bytes,
    filename: str = "",
    recipients_csv: bytes | None = None,
    recipients_field: str = "bcc",
    include_body: bool = False,
) -> dict[str, Any]:
    """The mail as an incident draft with findings. Reads only; creates nothing."""
    require_incident_reader(actor)
    mail = read_mail(data, filename=filename)
    if recipients_csv:
        _add_list_members(mail, recipients_csv, recipients_field)
    ctx = detection_context(session)
    result = classify(mail, ctx)
    draft = build_draft(mail, result, ctx=ctx, include_body=include_body, locale=actor.locale or "ja",
                        display_tz=get_settings().tz)
    draft["source"]["sha256"] = hashlib.sha256(data).hexdigest()
    draft["source"]["filename"] = filename
    return draft


def _add_list_members(mail: ParsedMail, data: bytes, field: str) -> None:
    if field not in ("to", "cc", "bcc"):
        raise InvalidInput("recipients_field must be to, cc or bcc")
    room = max(limits().max_recipients - len(mail.recipients), 0)
    members, skipped = parse_recipient_list(data, field_default=field, max_rows=room)
    present = {(r.address.lower(), r.field) for r in mail.recipients}
    mail.recipients.extend(m for m in members if (m.address.lower(), m.field) not in present)
    if skipped:
        mail.warn(
            "too_many_recipients",
            f"宛先リストが多すぎるため、{skipped:,} 件を読み込みませんでした。",
            f"The recipient list is too long: {skipped:,} rows were not read.",
        )


def create_from_mail(
    session: Session,
    *,
    actor: User,
    data: bytes,
    filename: str = "",
    discovery_method: str,
    discovered_at: datetime,
    accept_findings: bool = True,
    overrides: dict[str, Any] | None = None,
    recipients_csv: bytes | None = None,
    recipients_field: str = "bcc",
    keep_body: bool = False,
) -> Incident:
    """Create the incident from the mail, the proposals applied only when the user accepted them.
    The body is stored (as the summary) only with keep_body."""
    draft = preview(session, actor=actor, data=data, filename=filename, recipients_csv=recipients_csv,
                    recipients_field=recipients_field, include_body=keep_body)
    if keep_body:
        message = draft["incident"]["message"]
        message["summary"] = draft.pop("body", "")[:SUMMARY_MAX] or message["summary"]
    return create_from_draft(session, actor=actor, draft=draft, discovery_method=discovery_method,
                             discovered_at=discovered_at, accept_findings=accept_findings, overrides=overrides)


def create_from_draft(
    session: Session,
    *,
    actor: User,
    draft: dict[str, Any],
    discovery_method: str,
    discovered_at: datetime,
    accept_findings: bool = True,
    overrides: dict[str, Any] | None = None,
) -> Incident:
    incident = apply_suggestions(draft, accept_findings=accept_findings)
    incident["discovery_method"] = discovery_method
    incident["discovered_at"] = discovered_at
    incident.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if not incident.get("sent_at"):
        raise InvalidInput("the mail carries no send time: give sent_at", code="sent_at_missing")
    try:
        data = IncidentCreate.model_validate(incident)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InvalidInput(f"{where}: {err['msg']}" if where else err["msg"]) from None
    return import_mail(session, actor=actor, draft=draft, data=data, accepted=accept_findings)


def import_mail(session: Session, *, actor: User, draft: dict[str, Any], data: IncidentCreate,
                accepted: bool) -> Incident:
    """Report the incident `data` (checked by the caller's form or contract) as read from the draft's mail."""
    created = cases.report(session, actor=actor, data=data)
    record(
        session, actor=actor, action="intake.mail_imported", incident_id=created.id, entity="incident",
        entity_id=created.id,
        after={
            "source": {k: draft["source"].get(k) for k in ("format", "message_id", "sha256", "filename")},
            "findings": [{"type": f["type"], "confidence": f["confidence"]} for f in draft.get("findings", [])],
            "accepted": accepted,
            "warnings": [w["code"] for w in draft.get("warnings", [])],
            "draft": draft.get("nonce"),  # the review form's nonce: one incident per review
        },
    )
    return created


# ---- known domains ---------------------------------------------------------------------------


def normalise_domain(domain: str) -> str:
    value = domain.strip().lstrip("@").rstrip(".").lower()
    info = domain_info(value)
    if not value or "." not in value or info.bad_punycode or " " in value or len(info.ascii) > 253:
        raise InvalidInput(f"not a domain name: {domain!r}", code="invalid_domain")
    return info.ascii


def list_domains(session: Session, *, actor: User) -> list[KnownDomain]:
    require_role(actor, *MANAGERS)
    return list(session.execute(select(KnownDomain).order_by(KnownDomain.kind, KnownDomain.domain)).scalars())


def add_domain(session: Session, *, actor: User, domain: str, kind: str = DomainKind.partner,
               organization: str = "") -> KnownDomain:
    require_role(actor, *MANAGERS)
    if kind not in DomainKind.__members__:
        raise InvalidInput("kind must be internal or partner")
    name = normalise_domain(domain)
    if session.execute(select(KnownDomain).where(KnownDomain.domain == name)).first():
        raise Conflict(f"the domain {name} is already known", code="domain_exists")
    row = KnownDomain(domain=name, kind=kind, organization=organization.strip()[:200])
    session.add(row)
    session.flush()
    record(session, actor=actor, action="intake.domain_added", entity="intake_domain", entity_id=row.id,
           after={"domain": name, "kind": kind, "organization": row.organization})
    return row


def remove_domain(session: Session, *, actor: User, domain: str) -> None:
    require_role(actor, *MANAGERS)
    name = normalise_domain(domain)
    row = session.execute(select(KnownDomain).where(KnownDomain.domain == name)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no such known domain: {name}")
    record(session, actor=actor, action="intake.domain_removed", entity="intake_domain", entity_id=row.id,
           before={"domain": row.domain, "kind": row.kind, "organization": row.organization})
    session.delete(row)
    session.flush()


# ---- address book ----------------------------------------------------------------------------


def import_address_book(session: Session, *, actor: User, data: bytes, replace: bool = False) -> dict[str, int]:
    """Add the rows of a CSV address book (or replace the whole book). Known addresses are updated."""
    require_role(actor, *MANAGERS)
    contacts, skipped = parse_address_book(data)
    if not contacts:
        raise InvalidInput("the address book holds no usable row (an address or a domain per row)", code="empty_csv")
    removed = 0
    if replace:
        removed = session.execute(delete(AddressBookEntry)).rowcount or 0
    existing: dict[str, int] = {}  # address, or @domain for a row naming a whole domain
    if not replace:
        for address, domain, row_id in session.execute(
                select(AddressBookEntry.address, AddressBookEntry.domain, AddressBookEntry.id)):
            existing[address or f"@{domain}"] = row_id
    fresh, updated = [], 0
    seen: set[str] = set()
    for c in contacts:
        key = c.address or f"@{c.domain}"
        if key in seen:
            continue
        seen.add(key)
        values = {"address": c.address, "domain": c.domain[:253], "name": c.name[:200],
                  "organization": c.organization[:200], "kind": c.kind}
        if key in existing:
            row = session.get(AddressBookEntry, existing[key])
            for k, v in values.items():
                setattr(row, k, v)
            updated += 1
        else:
            fresh.append(values)
    for start in range(0, len(fresh), 5000):
        session.execute(insert(AddressBookEntry), fresh[start : start + 5000])
    session.flush()
    summary = {"added": len(fresh), "updated": updated, "removed": removed, "skipped": skipped}
    record(session, actor=actor, action="intake.addressbook_imported", entity="intake_addressbook",
           after={**summary, "replace": replace})
    return summary


def list_contacts(session: Session, *, actor: User, q: str = "", page: int = 1, per_page: int = 100) -> dict[str, Any]:
    require_role(actor, *MANAGERS)
    per_page = max(1, min(per_page, get_settings().max_page_size))
    page = max(page, 1)
    stmt = select(AddressBookEntry)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(AddressBookEntry.address).like(like), AddressBookEntry.domain.like(like),
                              AddressBookEntry.name.like(f"%{q}%"), AddressBookEntry.organization.like(f"%{q}%")))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(AddressBookEntry.id).offset((page - 1) * per_page).limit(per_page)).scalars()
    items = [{"address": r.address, "domain": r.domain, "name": r.name, "organization": r.organization,
              "kind": r.kind} for r in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}
