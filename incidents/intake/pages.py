"""Pages of the intake: drop the sent mail, review what was read and found, create the incident.

The review form is the report form pre-filled from the mail; the proposals are shown with their
reasons and pre-selected, and nothing is created until the user submits it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from incidents.api_deps import SessionDep
from incidents.cases import labels
from incidents.cases.forms import FormInvalid, form_values, incident_from_form
from incidents.config import get_settings
from incidents.errors import DomainError, InvalidInput
from incidents.i18n import gettext as _
from incidents.intake import service
from incidents.intake.draft import apply_suggestions
from incidents.intake.parse import read_limited
from incidents.pagekit import CsrfChecked, PageUser, render

router = APIRouter(include_in_schema=False)


# A review form is good for this long, and for one incident: its token carries a nonce that the import's audit
# event keeps, and a second submission of the same review is refused.
DRAFT_MAX_AGE_S = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt="intake-draft")


def _already_used(session, user, nonce: str) -> bool:
    from datetime import timedelta

    from sqlalchemy import select

    from incidents.audit.models import AuditEvent
    from incidents.types import utcnow

    since = utcnow() - timedelta(seconds=DRAFT_MAX_AGE_S + 60)
    rows = session.execute(select(AuditEvent.after).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == "intake.mail_imported", AuditEvent.at >= since))
    return any(isinstance(after, dict) and after.get("draft") == nonce for (after,) in rows)


def _finding_label(code: str) -> str:
    if code in labels.MISTAKE_TYPES:
        return labels.MISTAKE_TYPES.label(code)
    return {"data_items": _("What data did it hold"), "protection": _("Protection of the attachment")}.get(code, code)


def _choices() -> dict[str, Any]:
    return {**labels.form_options(), "finding_label": _finding_label}


@router.get("/intake/mail")
def upload_form(request: Request, user: PageUser):
    return render(request, "pages/intake/upload.html", {"error": None})


@router.post("/intake/mail", dependencies=[CsrfChecked])
async def review(request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "file"):
        return render(request, "pages/intake/upload.html", {"error": "no_file"}, status_code=422)
    csv_upload = form.get("recipients_csv")
    try:
        data = read_limited(upload.file, service.limits().max_bytes)
        csv_data = read_limited(csv_upload.file, 25 * 1024 * 1024) if hasattr(csv_upload, "file") else None
        draft = service.preview(session, actor=user, data=data, filename=upload.filename or "",
                                recipients_csv=csv_data or None,
                                recipients_field=str(form.get("recipients_field") or "bcc"))
    except DomainError as exc:
        message = exc.message_en if getattr(exc, "message_en", None) else exc.detail
        if user.locale != "en" and getattr(exc, "message_ja", None):
            message = exc.message_ja
        return render(request, "pages/intake/upload.html", {"error": message}, status_code=exc.status_code)
    token = _signer().dumps({"uid": user.id, "n": secrets.token_hex(12), "draft": _slim(draft)})
    return _review(request, user, draft, token)


def _review(request: Request, user, draft: dict[str, Any], token: str, values: dict[str, Any] | None = None,
            errors: list[str] | None = None, status_code: int = 200):
    now = datetime.now(get_settings().tz).strftime("%Y-%m-%dT%H:%M")
    return render(request, "pages/intake/review.html",
                  {"draft": draft, "token": token, "now": now, "form": values or {}, "errors": errors or [],
                   **_choices(),
                   "evidence_key": "evidence_en" if user.locale == "en" else "evidence_ja",
                   "message_key": "message_en" if user.locale == "en" else "message_ja"}, status_code=status_code)


def _slim(draft: dict[str, Any]) -> dict[str, Any]:
    """What the create step needs back (the signed copy travels with the form, not the mail)."""
    return {"incident": draft["incident"], "source": draft["source"],
            "findings": [{k: f.get(k) for k in ("type", "confidence", "addresses", "intended_domain",
                                                 "intended_address", "evidence_ja", "evidence_en")}
                         for f in draft["findings"]],
            "warnings": draft["warnings"],
            **{k: draft.get(k) for k in ("suggested_mistake_type", "suggested_data_items",
                                         "suggested_affected_persons", "suggested_protection")}}


# What the review form asks; the rest of the incident is the mail's reading (with the accepted proposals).
REVIEW_ASKS = ("title", "mistake_type", "discovery_method", "sent_at", "discovered_at", "data_items",
               "affected_persons", "protection", "key_exposed", "eu")


@router.post("/intake/mail/create", dependencies=[CsrfChecked])
async def create(request: Request, session: SessionDep, user: PageUser):
    form = await request.form()
    token = str(form.get("draft_token", ""))
    try:
        payload = _signer().loads(token, max_age=DRAFT_MAX_AGE_S)
    except BadSignature:  # also SignatureExpired
        raise InvalidInput("the review form was altered or has expired; upload the mail again") from None
    if payload.get("uid") != user.id:
        raise InvalidInput("this review belongs to another user; upload the mail again")
    draft = {**payload["draft"], "nonce": str(payload.get("n", ""))}
    if _already_used(session, user, draft["nonce"]):
        raise InvalidInput("an incident was already created from this review; upload the mail again to report "
                           "another", code="draft_used")
    accepted = form.get("apply_recipients") == "on"
    values = form_values(form, REVIEW_ASKS)
    # the user's choices on the form are the decision: nothing else is applied on top of them
    try:
        data = incident_from_form(values, mail=apply_suggestions(draft, accept_findings=accepted))
    except FormInvalid as exc:
        errors = exc.lines()
        return _review(request, user, draft, token, values, errors, status_code=422)
    incident = service.import_mail(session, actor=user, draft=draft, data=data, accepted=accepted)
    return RedirectResponse(f"/incidents/{incident.id}?reported=1", status_code=303)
