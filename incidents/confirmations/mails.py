"""The deletion request mail: personal, in the reader's language, with the reference number (整理番号) and
the reader's own confirmation link. Only what the reader already has is repeated (the mail's date and
subject); nobody else is named.

    lang = language_of(name=…, organization=…, address=…)
    subject, body = compose(MailFacts(...), lang=lang, reminder=0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from incidents.config import get_settings
from incidents.documents.japanese import format_datetime
from incidents.documents.readers import reader_of
from incidents.i18n import translate

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def language_of(*, name: str | None, organization: str | None, address: str | None, default: str = "ja") -> str:
    """The reader's language as far as we can tell: Japanese writing in the name or organisation, or a
    .jp address, is Japanese; a Latin name at another domain is English; otherwise the organisation's
    default."""
    text = unicodedata.normalize("NFKC", f"{name or ''}{organization or ''}")
    if _JAPANESE.search(text):
        return "ja"
    domain = (address or "").rsplit("@", 1)[-1].lower()
    if domain.endswith(".jp"):
        return "ja"
    if text.strip() or (domain and "." in domain):
        return "en"
    return default


@dataclass(frozen=True)
class MailFacts:
    name: str | None
    organization: str | None
    address: str
    reference: str
    link: str
    mail_subject: str
    mail_sent_at: datetime
    expires_at: datetime


def org_name(lang: str) -> str:
    s = get_settings()
    return s.org_name_en if lang == "en" and s.org_name_en else s.org_name


def compose(facts: MailFacts, *, lang: str, reminder: int = 0) -> tuple[str, str]:
    """(subject, body) of the request (reminder 0) or of the n-th reminder."""
    s = get_settings()
    t = lambda msg, **kw: translate(msg, lang, **kw)  # noqa: E731
    org = org_name(lang)
    subject = t("Request to delete a mail sent to you by mistake (reference %(ref)s)", ref=facts.reference)
    if reminder:
        subject = t("Reminder: %(subject)s", subject=subject)
    reader = reader_of(name=facts.name, organization=facts.organization, address=facts.address, lang=lang)
    greeting = reader.salutation if lang == "en" else "\n".join(reader.lines)
    sent = format_datetime(facts.mail_sent_at, lang=lang, zone=s.timezone)
    expires = format_datetime(facts.expires_at, lang=lang, zone=s.timezone)
    paragraphs = [
        greeting,
        t("%(org)s is writing to you about a mail we sent you by mistake.", org=org),
        t("On %(sent)s we sent you a mail with the subject «%(subject)s». It was meant for someone else. "
          "We sincerely apologise for the trouble this causes you.", sent=sent, subject=facts.mail_subject or "-"),
        t("Please delete that mail and any attachment without opening them, also from the trash, from "
          "places where you saved them and any printouts, and do not forward or copy them."),
        t("Then please tell us on this page, which takes about a minute and needs no account "
          "(the link is personal to you and valid until %(expires)s):", expires=expires),
        facts.link,
        t("Our letter of apology (PDF): %(link)s", link=facts.link + "/letter.pdf"),
        t("Reference number: %(ref)s", ref=facts.reference),
    ]
    if reminder:
        paragraphs.insert(1, t("We wrote to you earlier about this and have not yet received your confirmation. "
                               "If you have already answered, please disregard this reminder."))
    contact = s.documents_contact_desk_en if lang == "en" and s.documents_contact_desk_en else s.documents_contact_desk
    if contact or s.documents_org_phone or s.documents_org_email:
        parts = ", ".join(p for p in (contact, s.documents_org_phone, s.documents_org_email) if p)
        paragraphs.append(t("Questions: %(contact)s", contact=parts))
    paragraphs.append(t("If you would rather reply on paper, the form is at the end of the letter; please quote "
                        "the reference number."))
    paragraphs.append(org)
    return subject, "\n\n".join(p for p in paragraphs if p) + "\n"
