"""The organisation's address book (CSV) and the recipients of a mass mail (a CSV export of the list).

Address book columns (header in Japanese or English, any order):
  address / メールアドレス   a full address; or
  domain  / ドメイン         a whole domain (a partner, a customer, our own)
  name    / 氏名 / 名前
  organization / 会社名 / 組織 / 所属
  kind    / 種別             internal | partner | customer | list  (社内 / 取引先 / 顧客 / ML)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .csvfile import read_rows
from .domains import registrable_domain
from .headers import clean_text, normalise_address
from .types import Contact, DetectionContext, MailAddress

_COLUMNS = {
    "address": ("address", "email", "e-mail", "mail", "emailaddress", "mailaddress", "メールアドレス", "メール", "アドレス", "電子メール"),
    "domain": ("domain", "ドメイン"),
    "name": ("name", "displayname", "fullname", "氏名", "名前", "表示名", "担当者", "宛名"),
    "organization": ("organization", "organisation", "company", "org", "会社名", "会社", "組織", "組織名", "所属", "企業名", "団体名"),
    "kind": ("kind", "type", "category", "種別", "区分", "分類"),
    "field": ("field", "宛先種別", "to/cc/bcc"),
}
_KINDS = {
    "internal": "internal", "社内": "internal", "自社": "internal", "own": "internal",
    "partner": "partner", "取引先": "partner", "協力会社": "partner",
    "customer": "customer", "顧客": "customer", "client": "customer",
    "list": "list", "ml": "list", "group": "list", "メーリングリスト": "list", "グループ": "list",
}
_ORG_AFFIXES = re.compile(
    r"(株式会社|有限会社|合同会社|合資会社|一般社団法人|公益社団法人|一般財団法人|公益財団法人|学校法人|医療法人|社会福祉法人|"
    r"\(株\)|\(有\)|㈱|㈲|co\.,? ?ltd\.?|inc\.?|corp(oration)?\.?|llc|ltd\.?|k\.k\.|gmbh|plc|様|御中)",
    re.I,
)
MAX_ROWS = 100_000
MAX_BOOK_REFERENCES = 20_000


def normalise_org(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _ORG_AFFIXES.sub("", text)
    return re.sub(r"[\s,.\-・]", "", text)


def parse_address_book(data: bytes) -> tuple[list[Contact], int]:
    rows, skipped = read_rows(data, _COLUMNS, max_rows=MAX_ROWS)
    contacts = []
    for row in rows:
        raw = clean_text(row.get("address", ""))
        address = normalise_address(raw) if "@" in raw and not raw.startswith("@") else ""
        domain = clean_text(row.get("domain", "") or (raw if raw.startswith("@") else "")).lstrip("@").lower()
        domain = domain or (address.rpartition("@")[2] if address else "")
        if not domain:
            continue
        kind = _KINDS.get(clean_text(row.get("kind", "")).casefold(), "partner")
        contacts.append(
            Contact(
                address=address,
                domain=domain,
                name=clean_text(row.get("name", "")),
                organization=clean_text(row.get("organization", "")),
                kind=kind,
            )
        )
    return contacts, skipped


def parse_recipient_list(data: bytes, *, field_default: str = "bcc", max_rows: int = 100_000) -> tuple[list[MailAddress], int]:
    """Recipients of a mass mail from the CSV export of the list that was used."""
    rows, skipped = read_rows(data, _COLUMNS, max_rows=max_rows)
    out = []
    for row in rows:
        raw = row.get("address", "")
        if "@" not in raw:
            continue
        fld = row.get("field", "").strip().lower()
        out.append(
            MailAddress(
                address=normalise_address(clean_text(raw)),
                name=clean_text(row.get("name", "")),
                field=fld if fld in ("to", "cc", "bcc") else field_default,
            )
        )
    return out, skipped


@dataclass(slots=True)
class Directory:
    """Indexes over the detection context, built once per classification."""

    own: set[str] = field(default_factory=set)  # registrable domains
    partners: set[str] = field(default_factory=set)
    by_address: dict[str, Contact] = field(default_factory=dict)
    org_by_domain: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, str] = field(default_factory=dict)  # normalised org -> display org
    people: dict[str, Contact] = field(default_factory=dict)  # normalised name -> contact
    lists: set[str] = field(default_factory=set)  # addresses known to be lists
    references: tuple[str, ...] = ()
    cache: dict = field(default_factory=dict)  # per-classification memo (e.g. the recipients' organisations)

    @classmethod
    def build(cls, ctx: DetectionContext) -> "Directory":
        d = cls()
        d.own = {registrable_domain(x) for x in ctx.own_domains if x}
        d.partners = {registrable_domain(x) for x in ctx.partner_domains if x}
        book_domains: Counter[str] = Counter()
        for c in ctx.contacts:
            reg = registrable_domain(c.domain)
            if c.kind == "internal":
                d.own.add(reg)
            else:
                book_domains[reg] += 1
            if c.address:
                d.by_address[c.address.lower()] = c
                if c.kind == "list":
                    d.lists.add(c.address.lower())
            if c.organization:
                d.org_by_domain.setdefault(reg, c.organization)
                key = normalise_org(c.organization)
                if len(key) >= 2:
                    d.orgs.setdefault(key, c.organization)
            if c.name and c.kind != "list":
                key = re.sub(r"\s", "", unicodedata.normalize("NFKC", c.name)).casefold()
                if len(key) >= 2:
                    d.people.setdefault(key, c)
        # the address book's domains are look-alike references too, the most used first and at most
        # MAX_BOOK_REFERENCES of them (the index of known domains costs time and memory per domain)
        d.partners |= {reg for reg, _n in book_domains.most_common(MAX_BOOK_REFERENCES)}
        d.references = tuple(sorted(d.own | d.partners))
        return d

    def is_internal(self, address: str) -> bool:
        domain = address.rpartition("@")[2]
        memo = self.cache.get(domain)
        if memo is None:
            memo = self.cache[domain] = registrable_domain(domain) in self.own
        return memo
