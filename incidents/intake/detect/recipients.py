"""Detectors that look at the recipients: bcc_exposure, lookalike_domain, distribution_list,
wrong_recipient (with an address book)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter, defaultdict

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..addressbook import Directory
from ..domains import FREE_MAIL_DOMAINS, LookalikeIndex, domain_info, lookalike_index
from ..types import DetectionContext, Finding, ParsedMail
from ..rules import LIST_LOCAL_AFFIXES, LIST_LOCAL_WORDS, LIST_NAME_KEYWORDS
from .text import contains_any, fmt_list, normalise

_PIECES = re.compile(r"[-_.]")
MAX_WRONG_RECIPIENT_FINDINGS = 50


def looks_like_list(local: str) -> bool:
    local = local.lower()
    if local in LIST_LOCAL_WORDS:
        return True
    pieces = _PIECES.split(local)
    return len(pieces) > 1 and (pieces[0] in LIST_LOCAL_AFFIXES or pieces[-1] in LIST_LOCAL_AFFIXES)
_REASONS = {
    "typo": ("{d} 文字違いで、タイプミスの疑いがあります", "is {d} character(s) away (a likely typo)"),
    "homoglyph": ("見た目がよく似た文字に置き換わっています", "uses look-alike characters"),
    "suffix": ("末尾（{suffix}）が欠けているか、違っています", "has a missing or different ending ({suffix})"),
    "separator": ("ハイフンや点の位置だけが違います", "differs only by hyphens or dots"),
}


def bcc_exposure(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> Finding | None:
    visible: dict[str, str] = {}
    named = 0
    for r in mail.recipients:
        if r.field in ("to", "cc") and not d.is_internal(r.address):
            key = r.address.lower()
            if key not in visible:
                visible[key] = r.domain
                named += bool(r.name and r.name.lower() != key)
    n = len(visible)
    if n < 3:
        return None
    orgs: set[str] = set()
    personal = 0
    for address, domain in visible.items():
        reg = domain_info(domain).registrable
        if reg in FREE_MAIL_DOMAINS:
            personal += 1
            orgs.add(address)  # a private address is a person of its own
        else:
            orgs.add(reg)
    m = len(orgs)
    threshold = ctx.mass_mail_threshold
    if n >= threshold and m >= 2:
        confidence = 0.95 if n >= 100 else 0.85 if n >= 2 * threshold else 0.75
    elif m >= 3:
        confidence = 0.35  # a few people of several companies: often an ordinary project mail
    elif n >= threshold:
        confidence = 0.35  # many people of one organisation: often a normal working mail
    else:
        return None
    confidence, context_ja, context_en = _thread_context(mail, visible, confidence)
    bcc = len(mail.by_field("bcc"))
    personal_ja = f"、うち個人のフリーメール {personal:,} 件" if personal else ""
    personal_en = f", {personal:,} of them personal free-mail addresses" if personal else ""
    items = ["email_address"] + (["name"] if named >= max(1, n // 2) else [])
    return Finding(
        type="bcc_exposure",
        confidence=confidence,
        evidence_ja=(
            f"To/Cc に社外のアドレスが {n:,} 件（{m:,} 組織{personal_ja}）表示されていました。"
            "受信者全員がほかの受信者のアドレスを見られる状態で、Bcc で送るべき一斉送信だった可能性があります。"
            + (f"（Bcc は {bcc:,} 件）" if bcc else "") + context_ja
        ),
        evidence_en=(
            f"{n:,} external addresses of {m:,} organisations{personal_en} were visible in To/Cc: every recipient "
            "could see all the others. This looks like a mass mail that should have gone out as Bcc."
            + (f" ({bcc:,} in Bcc.)" if bcc else "") + context_en
        ),
        addresses=list(visible),
        data_items=items,
        details={"visible_external": n, "organizations": m, "affected_persons": n},
    )


_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv|vs|antw|réf|rif|答复|回复|返信)\s*(\[\d+\])?\s*[:：]", re.I)
_ADDRESS_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _thread_context(mail: ParsedMail, visible: dict[str, str], confidence: float) -> tuple[float, str, str]:
    """A post to a mailing list, or a reply in a thread whose recipients already saw each other, exposes
    nobody anew: the confidence drops below the level at which the mistake type is proposed."""
    if mail.list_id:
        return (min(confidence, 0.2), "ただし、メーリングリストへの投稿です（List-Id）。宛先が見えるのは通常の動作です。",
                " It is a post to a mailing list (List-Id), where visible addresses are normal.")
    reply = bool(mail.in_reply_to or mail.references or _REPLY_SUBJECT.match(mail.subject or ""))
    if not reply:
        return confidence, "", ""
    quoted = {a.lower() for a in _ADDRESS_IN_TEXT.findall(mail.body_text[:200_000])}
    already = sum(1 for a in visible if a in quoted)
    if already * 2 >= len(visible):
        return (min(confidence, 0.2),
                f"ただし、スレッドへの返信で、表示された宛先のうち {already:,} 件は引用された元のメールにすでに載っています。",
                f" It is a reply in a thread; {already:,} of the visible addresses were already in the quoted mail.")
    return (min(confidence, 0.35), "ただし、スレッドへの返信です（全員への返信では宛先が見えるのが通常です）。",
            " It is a reply in a thread (a reply to all shows the addresses as usual).")


def lookalike_domains(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> list[Finding]:
    by_domain: dict[str, list[str]] = defaultdict(list)
    for r in mail.recipients:
        by_domain[r.domain].append(r.address)
    index = lookalike_index(d.references + tuple(sorted(FREE_MAIL_DOMAINS)))
    local, counts, sender_reg = _mail_references(mail, by_domain)
    findings = []
    for domain, addresses in by_domain.items():
        if not domain or d.is_internal(addresses[0]):
            continue
        hit = index.find(domain)
        whose = None
        if hit is None and local is not None:
            mine = counts.get(domain_info(domain).registrable, 0)
            hit = local.find_among(domain, lambda ref: ref.registrable == sender_reg
                                   or counts.get(ref.registrable, 0) >= max(2, 2 * mine))
            if hit is not None and (hit.reason == "typo" and hit.distance > 1 or _numbered(hit.domain, hit.reference)):
                hit = None  # two edits, or company2 next to company: a coincidence or a sibling, not a finding
            if hit is not None:
                ref_reg = domain_info(hit.reference).registrable
                n = counts.get(ref_reg, 0)
                whose = (("差出人のドメイン", "the sender's own domain") if ref_reg == sender_reg else
                         (f"ほかの宛先 {n:,} 件のドメイン", f"the domain of {n:,} other recipients"))
                hit = dataclasses.replace(hit, confidence=min(hit.confidence, 0.8))
        if hit is None:
            continue
        ref_reg = domain_info(hit.reference).registrable
        if whose:
            whose_ja, whose_en = whose
        elif ref_reg in d.own:
            whose_ja, whose_en = "自社ドメイン", "our own domain"
        elif ref_reg in FREE_MAIL_DOMAINS:
            whose_ja, whose_en = "フリーメールのドメイン", "the free-mail domain"
        else:
            org = d.org_by_domain.get(ref_reg)
            whose_ja = f"取引先（{org}）のドメイン" if org else "取引先のドメイン"
            whose_en = f"the partner domain of {org}" if org else "the partner domain"
        confidence = hit.confidence if ref_reg not in FREE_MAIL_DOMAINS else min(hit.confidence, 0.7)
        rj, re_ = _REASONS[hit.reason]
        suffix = domain_info(hit.reference).suffix
        extra_ja, extra_en = "", ""
        if hit.mixed_scripts:
            extra_ja += "ラテン文字と他の文字種（キリル文字など）が混在しています。"
            extra_en += " It mixes Latin with another script (e.g. Cyrillic)."
        if hit.idn:
            ascii_form = domain_info(domain).ascii
            extra_ja += f"国際化ドメイン名（{ascii_form}）です。"
            extra_en += f" It is an internationalised domain name ({ascii_form})."
        findings.append(
            Finding(
                type="lookalike_domain",
                confidence=confidence,
                evidence_ja=(
                    f"宛先ドメイン「{hit.domain}」は{whose_ja}「{hit.reference}」とよく似ています"
                    f"（{rj.format(d=hit.distance, suffix=suffix)}）。{extra_ja}"
                    "第三者が取得したドッペルゲンガー・ドメインの可能性があります。"
                ),
                evidence_en=(
                    f"The recipient domain '{hit.domain}' closely resembles {whose_en} '{hit.reference}': it "
                    f"{re_.format(d=hit.distance, suffix=suffix)}.{extra_en} It may be a doppelganger domain "
                    "registered by a third party."
                ),
                addresses=addresses,
                details={"domain": hit.domain, "intended_domain": hit.reference, "reason": hit.reason},
            )
        )
    return findings


def _numbered(domain: str, reference: str) -> bool:
    a, b = domain_info(domain).label, domain_info(reference).label
    return a != b and re.sub(r"\d+$", "", a) == re.sub(r"\d+$", "", b)


MAJORITY_REFERENCES = 20  # the most frequent recipient domains a minority domain is compared with


def _mail_references(mail: ParsedMail, by_domain: dict[str, list[str]]):
    """The mail's own references, with no configuration: the sender's domain and the domains that hold
    most of the recipients (at least two each; the MAJORITY_REFERENCES most frequent)."""
    counts: Counter[str] = Counter()
    for domain, addresses in by_domain.items():
        if domain:
            counts[domain_info(domain).registrable] += len(addresses)
    sender_reg = domain_info(mail.sender.domain).registrable if mail.sender and mail.sender.domain else ""
    refs = [reg for reg, n in counts.most_common(MAJORITY_REFERENCES) if n >= 2]
    if sender_reg and sender_reg not in FREE_MAIL_DOMAINS:
        refs.append(sender_reg)
    refs = [r for r in refs if r not in FREE_MAIL_DOMAINS]
    if not refs:
        return None, counts, sender_reg
    return LookalikeIndex(tuple(refs)), counts, sender_reg


def distribution_lists(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> Finding | None:
    hits: dict[str, tuple[float, str, str]] = {}

    def add(address: str, confidence: float, ja: str, en: str) -> None:
        if address not in hits or hits[address][0] < confidence:
            hits[address] = (confidence, ja, en)

    for r in mail.recipients:
        addr = r.address.lower()
        if r.is_list:
            add(addr, 0.9, "メールソフトが配布リストと記録", "marked as a distribution list by the mail program")
        elif addr in d.lists:
            add(addr, 0.9, "アドレス帳でメーリングリスト", "a list in the address book")
        elif r.group:
            add(addr, 0.6, f"グループ「{r.group}」の一員として指定", f"addressed through the group '{r.group}'")
        elif looks_like_list(r.local):
            add(addr, 0.55, "アドレスの形がメーリングリスト", "the address looks like a mailing list")
        elif r.name and contains_any(normalise(r.name), LIST_NAME_KEYWORDS):
            add(addr, 0.5, f"表示名「{r.name}」がグループ", f"the display name '{r.name}' names a group")
    if not hits:
        return None
    ordered = sorted(hits.items(), key=lambda kv: -kv[1][0])
    external = [a for a, _ in ordered if not d.is_internal(a)]
    lines_ja = [f"{a}（{v[1]}）" for a, v in ordered]
    lines_en = [f"{a} ({v[2]})" for a, v in ordered]
    ext_ja = f"そのうち {len(external)} 件は社外のリストです。" if external else ""
    ext_en = f" {len(external)} of them outside the organisation." if external else ""
    return Finding(
        type="distribution_list",
        confidence=ordered[0][1][0],
        evidence_ja=f"宛先にメーリングリストまたはグループのアドレスがあります: {fmt_list(lines_ja, '、')}。{ext_ja}"
        "リストのメンバーや選んだリストが正しかったか確認してください。",
        evidence_en=f"Mailing-list or group addresses among the recipients: {fmt_list(lines_en, '; ')}.{ext_en} "
        "Check the list's members and that the right list was chosen.",
        addresses=[a for a, _ in ordered],
    )


def _name_key(name: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name)).casefold()


def wrong_recipients(mail: ParsedMail, d: Directory, ctx: DetectionContext) -> list[Finding]:
    if not d.by_address:
        return []
    known_by_domain: dict[str, list[str]] = defaultdict(list)  # domain -> known local parts
    for address in d.by_address:
        local, _, domain = address.rpartition("@")
        known_by_domain[domain].append(local)
    findings: list[Finding] = []
    for r in mail.recipients:
        if len(findings) >= MAX_WRONG_RECIPIENT_FINDINGS:
            break
        addr = r.address.lower()
        if addr in d.by_address or d.is_internal(addr):
            continue
        contact = d.people.get(_name_key(r.name)) if r.name else None
        if contact and contact.address and contact.address != addr:
            findings.append(
                Finding(
                    type="wrong_recipient",
                    confidence=0.7,
                    evidence_ja=f"表示名「{r.name}」はアドレス帳では {contact.address} ですが、実際の宛先は {addr} でした"
                    "（オートコンプリートで同姓同名の別人を選んだ疑い）。",
                    evidence_en=f"The display name '{r.name}' belongs to {contact.address} in the address book, but the "
                    f"mail went to {addr} (autocomplete may have picked a namesake).",
                    addresses=[addr],
                    details={"intended_address": contact.address},
                )
            )
            continue
        local, _, domain = addr.rpartition("@")
        known_locals = known_by_domain.get(domain)
        if not known_locals or len(local) < 4:
            continue
        best = process.extractOne(local, known_locals, scorer=OSA.distance, score_cutoff=2)  # C++
        if best is None:
            continue
        dist = int(best[1])
        known = d.by_address[f"{best[0]}@{domain}"].address or f"{best[0]}@{domain}"
        findings.append(
            Finding(
                type="wrong_recipient",
                confidence=0.65 if dist == 1 else 0.5,
                evidence_ja=f"宛先 {addr} はアドレス帳にありません。登録済みの {known} と {dist} 文字違いです"
                "（入力ミスの疑い）。",
                evidence_en=f"The recipient {addr} is not in the address book; it is {dist} character(s) away "
                f"from the known address {known} (a likely typo).",
                addresses=[addr],
                details={"intended_address": known},
            )
        )
    return findings
