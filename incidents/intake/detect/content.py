"""Detectors that look at what was sent: wrong_attachment, data_items, protection,
inappropriate_content."""

from __future__ import annotations

import re
import unicodedata

from ..addressbook import Directory, normalise_org
from ..domains import registrable_domain
from ..types import DetectionContext, Finding, MailAttachment, ParsedMail
from ..rules import (
    filename_keywords,
    DATA_ITEM_KEYWORDS,
    GENERIC_ADDRESSEES,
    INTERNAL_MARKERS,
    LIST_WORDS_WEAK,
    PEOPLE_LIST_KEYWORDS,
)
from incidents.cases.labels import DATA_ITEMS
from incidents.i18n import lower_first

from .text import contains_any, fmt_list, matches, normalise, stem

_ADDRESSEE = re.compile(r"([^\s_\-.,【】\[\]()（）「」]{2,30}?)(様|御中|さま|殿)")
_PERSONAL_ITEMS = {"name", "email_address", "postal_address", "phone", "birth_date", "customer_id", "employee_id"}


def _recipient_keys(mail: ParsedMail, d: Directory) -> tuple[set[str], set[str]]:
    """Normalised organisations and person names the mail actually went to (memoised per run)."""
    memo = d.cache.get(("recipient_keys", id(mail)))
    if memo is not None:
        return memo
    orgs: set[str] = set()
    names: set[str] = set()
    for reg in {registrable_domain(r.domain) for r in mail.recipients}:
        org = d.org_by_domain.get(reg)
        if org:
            orgs.add(normalise_org(org))
        orgs.add(normalise_org(reg.split(".")[0]))
    for r in mail.recipients:
        contact = d.by_address.get(r.address.lower()) if d.by_address else None
        if contact and contact.organization:
            orgs.add(normalise_org(contact.organization))
        if contact and contact.name:
            names.add(_key(contact.name))
        if r.name:
            names.add(_key(r.name))
    result = {o for o in orgs if o}, {n for n in names if n}
    d.cache[("recipient_keys", id(mail))] = result
    return result


def _key(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).casefold()


def _items_of(att: MailAttachment) -> tuple[set[str], set[str]]:
    """(items from the name, items from the column headers)."""
    name = stem(att.filename)
    name_items = {item for item in DATA_ITEM_KEYWORDS if matches(name, filename_keywords(item))}
    col_text = " | ".join(normalise(c) for c in att.columns)
    col_items = {item for item, kws in DATA_ITEM_KEYWORDS.items() if col_text and matches(col_text, kws)}
    return name_items, col_items


def attachments(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> list[Finding]:
    findings: list[Finding] = []
    rec_orgs, rec_names = _recipient_keys(mail, d)
    own_orgs = {normalise_org(o) for reg, o in d.org_by_domain.items() if reg in d.own}
    all_items: dict[str, str] = {}
    people_rows = 0
    for att in mail.attachments:
        name_items, col_items = _items_of(att)
        for item in name_items | col_items:
            all_items.setdefault(item, att.filename)
        findings.extend(_foreign_names(att, d, rec_orgs, rec_names, own_orgs))
        hit = _people_list(att, name_items | col_items)
        if hit:
            findings.append(hit)
            people_rows = max(people_rows, att.rows or 0)
        if att.encrypted:
            findings.append(_protection(att))
    if all_items:
        items = sorted(all_items)
        from_cols = any(a.columns for a in mail.attachments)
        findings.append(
            Finding(
                type="data_items",
                confidence=0.75 if from_cols else 0.55,
                evidence_ja="添付ファイルの名前や列見出しから、次の情報が含まれている可能性があります: "
                + DATA_ITEMS.join(items, "ja") + "。",
                evidence_en="The attachments' names or column headers suggest they contain: "
                + ", ".join(lower_first(DATA_ITEMS.label(i, "en")) for i in items) + ".",
                attachments=sorted(set(all_items.values())),
                data_items=items,
                details={"affected_persons": people_rows} if people_rows else {},
            )
        )
    return findings


def _foreign_names(att: MailAttachment, d: Directory, rec_orgs: set[str], rec_names: set[str], own_orgs: set[str]):
    text = normalise_org(att.filename)
    for key, display in d.orgs.items():
        if key in text and key not in rec_orgs and key not in own_orgs and not any(key in o or o in key for o in rec_orgs if len(o) >= 2):
            yield Finding(
                type="wrong_attachment",
                confidence=0.75,
                evidence_ja=f"添付ファイル「{att.filename}」の名前には「{display}」とありますが、"
                f"宛先に「{display}」の人はいません。別の相手に宛てたファイルの可能性があります。",
                evidence_en=f"The attachment '{att.filename}' names '{display}', but nobody at '{display}' "
                "received the mail. The file may have been meant for someone else.",
                attachments=[att.filename],
                details={"named_organization": display},
            )
            return
    fkey = _key(att.filename)
    for key, contact in d.people.items():
        if len(key) >= 3 and key in fkey and key not in rec_names and contact.address:
            yield Finding(
                type="wrong_attachment",
                confidence=0.6,
                evidence_ja=f"添付ファイル「{att.filename}」の名前には「{contact.name}」さんの名前がありますが、"
                "その人は宛先に含まれていません。",
                evidence_en=f"The attachment '{att.filename}' names {contact.name}, who is not among the recipients.",
                attachments=[att.filename],
                details={"named_person": contact.name},
            )
            return
    for m in _ADDRESSEE.finditer(unicodedata.normalize("NFKC", att.filename)):
        who = normalise_org(m.group(1))
        if len(who) < 2 or who in own_orgs or m.group(1).lstrip("ごお") in GENERIC_ADDRESSEES or m.group(1) in GENERIC_ADDRESSEES:
            continue
        if any(who in o or o in who for o in rec_orgs | rec_names if len(o) >= 2):
            continue
        yield Finding(
            type="wrong_attachment",
            confidence=0.55,
            evidence_ja=f"添付ファイル「{att.filename}」は「{m.group(0)}」宛てのようですが、宛先の組織・氏名と一致しません。",
            evidence_en=f"The attachment '{att.filename}' seems addressed to '{m.group(0)}', which matches none of "
            "the recipients.",
            attachments=[att.filename],
            details={"named_addressee": m.group(1)},
        )
        return


def _people_list(att: MailAttachment, items: set[str]) -> Finding | None:
    name = stem(att.filename)
    keyword = contains_any(name, PEOPLE_LIST_KEYWORDS)
    weak = contains_any(name, LIST_WORDS_WEAK)
    personal_cols = items & _PERSONAL_ITEMS if att.columns else set()
    rows = att.rows or 0
    if rows >= 1000 and (keyword or personal_cols):
        confidence = 0.8
    elif rows >= 50 and (keyword or len(personal_cols) >= 2 or (weak and personal_cols)):
        confidence = 0.65
    elif keyword or (len(personal_cols) >= 2 and rows >= 2):
        confidence = 0.45
    else:
        return None
    shape_ja = f"{rows:,} 行" if att.rows is not None else ""
    shape_en = f"{rows:,} rows" if att.rows is not None else ""
    if att.columns:
        shape_ja += ("、" if shape_ja else "") + "列: " + fmt_list(att.columns, "、")
        shape_en += ("; " if shape_en else "") + "columns: " + fmt_list(att.columns, ", ")
    return Finding(
        type="wrong_attachment",
        confidence=confidence,
        evidence_ja=f"添付ファイル「{att.filename}」は個人の一覧のようです"
        + (f"（{shape_ja}）" if shape_ja else "")
        + "。送るべきファイルだったか、送ってよい相手だったか確認してください。",
        evidence_en=f"The attachment '{att.filename}' looks like a list of people"
        + (f" ({shape_en})" if shape_en else "")
        + ". Check that this file was meant to be sent, and to this recipient.",
        attachments=[att.filename],
        details={"rows": att.rows} if att.rows is not None else {},
    )


def _protection(att: MailAttachment) -> Finding:
    is_zip = att.filename.lower().endswith(".zip") or "zip" in att.content_type
    if is_zip:
        return Finding(
            type="protection",
            confidence=0.7,
            evidence_ja=f"添付ファイル「{att.filename}」はパスワード付き ZIP です。"
            "パスワードを同じ相手に別メールで送った場合は保護になりません（鍵も漏えい）。",
            evidence_en=f"The attachment '{att.filename}' is a password-protected ZIP. If the password went to the "
            "same recipient by a second mail, it protects nothing (the key leaked too).",
            attachments=[att.filename],
            details={"protection": "password_zip"},
        )
    return Finding(
        type="protection",
        confidence=0.5,
        evidence_ja=f"添付ファイル「{att.filename}」は暗号化されています。暗号の方式と、鍵（パスワード）が"
        "相手に渡っていないかを確認してください。",
        evidence_en=f"The attachment '{att.filename}' is encrypted. Check the cipher and whether the key "
        "(password) reached the recipient too.",
        attachments=[att.filename],
        details={"protection": "strong_encryption"},
    )


def inappropriate_content(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> list[Finding]:
    body = mail.body_text[:100_000]
    if not body.strip():
        return []
    external = [r for r in mail.recipients if not d.is_internal(r.address)]
    if not external:
        return []
    findings = []
    text = normalise(body)
    markers = matches(text, INTERNAL_MARKERS)
    if markers:
        findings.append(
            Finding(
                type="inappropriate_content",
                confidence=0.55,
                evidence_ja=f"社外宛てのメール本文に社内向けの表示（{fmt_list(markers, '、')}）があります。"
                "社内コメントや機密情報が残っていないか確認してください。",
                evidence_en=f"The body of a mail to outside recipients carries internal markings "
                f"({fmt_list(markers, ', ')}). Check for internal comments or confidential notes left in it.",
                data_items=["confidential_business"],
            )
        )
    rec_orgs, _names = _recipient_keys(mail, d)
    own_orgs = {normalise_org(o) for reg, o in d.org_by_domain.items() if reg in d.own}
    compact = normalise_org(body)
    others = [
        display
        for key, display in d.orgs.items()
        if len(key) >= 2 and key in compact and key not in rec_orgs and key not in own_orgs
        and not any(key in o or o in key for o in rec_orgs if len(o) >= 2)
    ]
    if others:
        findings.append(
            Finding(
                type="inappropriate_content",
                confidence=0.5,
                evidence_ja=f"本文に宛先ではない組織の名前（{fmt_list(others, '、')}）があります。"
                "過去のメールを流用して別の顧客の情報が残っていないか確認してください。",
                evidence_en=f"The body names organisations that did not receive the mail ({fmt_list(others, ', ')}). "
                "Check that a reused old mail did not keep another client's details.",
                details={"named_organizations": others[:10]},
            )
        )
    return findings
