"""Who reads a letter and how the letter names them.

A reader is one of four shapes:
- a person (山田 太郎 様; English "Dear Taro Yamada," only when the name is in Latin script),
- an organisation (株式会社北風製作所 御中; 貴社 / 貴学 / 貴院 in the text),
- a person in an organisation (株式会社北風製作所 / 山田 太郎 様; the organisation is 貴社 in the text),
- one of the organisation's own people known only by address: the group's own term (学生の皆様,
  患者の皆様, お客様各位 ...), never «ご担当者 様» for a student.

Names are stored without honorifics, and stripped once more here: a letter never says «様 様».
The body of a letter to a person uses no pronoun at all (Japanese needs none): the reader term
`you` is only set where the text speaks of an organisation or a group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from incidents.documents.japanese import addressee as honorific_addressee
from incidents.names import strip_honorific
from incidents.organisation import ReaderGroup

# group -> (ja: heading line, ja: the group in running text, en: neutral salutation, en: the group)
GROUP_TERMS: dict[str, tuple[str, str, str, str]] = {
    ReaderGroup.customers: ("お客様各位", "お客様", "Dear Customer,", "customers"),
    ReaderGroup.students: ("学生の皆様", "学生の皆様", "Dear Student,", "students"),
    ReaderGroup.patients: ("患者の皆様", "患者の皆様", "Dear Patient,", "patients"),
    ReaderGroup.members: ("会員の皆様", "会員の皆様", "Dear Member,", "members"),
    ReaderGroup.residents: ("住民の皆様", "住民の皆様", "Dear Resident,", "residents"),
    ReaderGroup.guardians: ("保護者の皆様", "保護者の皆様", "Dear Parent or Guardian,", "parents and guardians"),
    ReaderGroup.staff: ("職員の皆様", "職員の皆様", "Dear Colleague,", "staff"),
    ReaderGroup.general: ("関係者各位", "皆様", "Dear Sir or Madam,", "the people concerned"),
}
_RESIDENT_SUFFIX = {"市": "市民", "町": "町民", "村": "村民", "区": "区民", "県": "県民", "都": "都民", "府": "府民",
                    "道": "道民"}

# How the text names an organisation that reads the letter, by what its name says it is.
_ORG_YOU = (
    (re.compile(r"(大学|学院|短期大学|高等専門学校)"), "貴学"),
    (re.compile(r"(高等学校|中学校|小学校|学園|学校)"), "貴校"),
    (re.compile(r"(病院|医院|クリニック|診療所|医療センター|医療法人)"), "貴院"),
    (re.compile(r"(市役所|区役所|町役場|村役場)$|^[^\s]+[市区町村]$"), "貴庁"),
    (re.compile(r"(協会|連合会|組合|学会|財団|社団)"), "貴会"),
)
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .,'\-]*$")


def group_terms(group: str | ReaderGroup, self_ja: str = "") -> tuple[str, str, str, str]:
    terms = GROUP_TERMS.get(str(group), GROUP_TERMS[ReaderGroup.general])
    if str(group) == ReaderGroup.residents and self_ja[-1:] in _RESIDENT_SUFFIX:  # 本市 -> 市民の皆様
        word = _RESIDENT_SUFFIX[self_ja[-1]]
        return (f"{word}の皆様", f"{word}の皆様", terms[2], terms[3])
    return terms


def organisation_you(organization: str) -> str:
    """貴社 by default; 貴学 / 貴校 / 貴院 / 貴庁 / 貴会 when the name says what the reader is."""
    for pattern, word in _ORG_YOU:
        if pattern.search(organization):
            return word
    return "貴社"


def latin_name(name: str) -> bool:
    text = unicodedata.normalize("NFKC", name or "").strip()
    return bool(text) and bool(_LATIN.match(text))


@dataclass(frozen=True)
class Reader:
    shape: str  # person | organisation | person_in_organisation | group
    lines: tuple[str, ...]  # the address block
    salutation: str  # English salutation line ("" in Japanese: the address block is the salutation)
    closing: str  # English complimentary close
    you: str  # 貴社 / 貴学 / 学生の皆様 ... or "" (a person: no pronoun)


def reader_of(*, name: str | None, organization: str | None, address: str | None, lang: str,
              group: str | ReaderGroup | None = None, self_ja: str = "") -> Reader:
    """How a letter addresses one reader. `group` is set when the reader is one of the organisation's
    own people (a notice to those concerned, a Bcc exposure, the intended recipient); a wrong
    recipient is a third party and gets the neutral terms."""
    name = strip_honorific(name or "") or ""
    organization = strip_honorific(organization or "") or ""
    address = (address or "").strip()
    heading, running, salute_en, _ = group_terms(group or ReaderGroup.general, self_ja)
    if name and organization:
        shape = "person_in_organisation"
    elif name:
        shape = "person"
    elif organization:
        shape = "organisation"
    else:
        shape = "group"
    if lang == "en":
        base = honorific_addressee(name=name, organization=organization, address=address, lang="en")
        if name and latin_name(name):
            return Reader(shape, base.lines, f"Dear {name},", "Yours sincerely,", "you")
        salutation = salute_en if group else "Dear Sir or Madam,"
        closing = "Yours faithfully," if salutation == "Dear Sir or Madam," else "Yours sincerely,"
        lines = base.lines if (name or organization) else ((address,) if address else ())
        return Reader(shape, lines, salutation, closing, "you")
    if shape == "group":
        lines = ((address,) if address else ()) + ((heading,) if group else ("ご担当者 様",))
        return Reader(shape, lines, "", "", running if group else "")
    base = honorific_addressee(name=name, organization=organization, address=address, lang="ja")
    you = organisation_you(organization) if organization else ""
    return Reader(shape, base.lines, "", "", you)


def generic_reader(*, lang: str, group: str | ReaderGroup | None, self_ja: str = "") -> Reader:
    """The reader of a letter printed without a single addressee (a notice to everyone concerned)."""
    heading, running, salute_en, _ = group_terms(group or ReaderGroup.general, self_ja)
    if lang == "en":
        closing = "Yours faithfully," if salute_en == "Dear Sir or Madam," else "Yours sincerely,"
        return Reader("group", (), salute_en, closing, "you")
    return Reader("group", (heading,), "", "", running)
