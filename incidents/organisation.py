"""Who the organisation is: its kind decides how it names itself in letters and which public-sector rules apply.

Configured with `INCIDENTS_ORG_KIND` (company | university | school | hospital | clinic | municipality |
prefecture | national_agency | public_agency | association | other) and optionally `INCIDENTS_ORG_SELF_JA` / `INCIDENTS_ORG_SELF_EN` to override the
self-reference. Letters (documents) and the legal assessment (response) both read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from incidents.config import get_settings


class OrgKind(StrEnum):
    company = "company"
    university = "university"
    school = "school"
    hospital = "hospital"
    clinic = "clinic"
    municipality = "municipality"
    prefecture = "prefecture"  # 都道府県
    national_agency = "national_agency"  # 国の行政機関
    public_agency = "public_agency"  # 独立行政法人等・地方独立行政法人 under the public-sector rules
    association = "association"
    other = "other"


# How the writer names itself (business Japanese conventions: 弊社 / 本学 / 本校 / 当院 / 本市 / 当会 / 当法人).
SELF_REFERENCE_JA: dict[OrgKind, str] = {
    OrgKind.company: "弊社",
    OrgKind.university: "本学",
    OrgKind.school: "本校",
    OrgKind.hospital: "当院",
    OrgKind.clinic: "当院",
    OrgKind.municipality: "本市",
    OrgKind.prefecture: "本県",
    OrgKind.national_agency: "当機関",
    OrgKind.public_agency: "当法人",
    OrgKind.association: "当会",
    OrgKind.other: "当法人",
}
SELF_REFERENCE_EN: dict[OrgKind, str] = {kind: "we" for kind in OrgKind}

# 行政機関等 under APPI art. 2(11) and art. 68 with rules art. 43 (public-sector rules, e.g. the "more than 100
# persons" reporting ground). Independent administrative agencies listed in the Act's appended table 2 (national
# universities, hospitals...) follow the private-sector rules: configure them as university/hospital.
PUBLIC_BODIES: frozenset[OrgKind] = frozenset(
    {OrgKind.municipality, OrgKind.prefecture, OrgKind.national_agency, OrgKind.public_agency}
)


class ReaderGroup(StrEnum):
    """Whom the organisation's own people are: the term a letter uses for them as a group."""

    customers = "customers"
    students = "students"
    patients = "patients"
    members = "members"
    residents = "residents"
    guardians = "guardians"
    staff = "staff"
    general = "general"


# The readers an organisation of each kind writes to by default (`INCIDENTS_DOCUMENTS_READERS` overrides).
DEFAULT_READERS: dict[OrgKind, ReaderGroup] = {
    OrgKind.company: ReaderGroup.customers,
    OrgKind.university: ReaderGroup.students,
    OrgKind.school: ReaderGroup.guardians,
    OrgKind.hospital: ReaderGroup.patients,
    OrgKind.clinic: ReaderGroup.patients,
    OrgKind.municipality: ReaderGroup.residents,
    OrgKind.association: ReaderGroup.members,
}


@dataclass(frozen=True)
class OrgProfile:
    kind: OrgKind
    self_ja: str
    self_en: str
    readers: ReaderGroup = ReaderGroup.general

    @property
    def is_public_body(self) -> bool:
        return self.kind in PUBLIC_BODIES


def org_profile() -> OrgProfile:
    s = get_settings()
    try:
        kind = OrgKind(s.org_kind)
    except ValueError:
        kind = OrgKind.other
    try:
        readers = ReaderGroup(s.documents_readers) if s.documents_readers else DEFAULT_READERS.get(
            kind, ReaderGroup.general)
    except ValueError:
        readers = DEFAULT_READERS.get(kind, ReaderGroup.general)
    return OrgProfile(kind=kind, self_ja=s.org_self_ja or SELF_REFERENCE_JA[kind],
                      self_en=s.org_self_en or SELF_REFERENCE_EN[kind], readers=readers)
