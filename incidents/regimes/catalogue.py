"""Regimes as data: every duty a Japanese organisation may have after a misdelivery, with its public
sources and the date each version of its rules took effect.

One place to change when a rule changes: add a new `RuleVersion` with the date it takes effect, never edit
an old one. An obligation keeps the version (and a snapshot of its figures) in force when it arose, so a
later change does not rewrite history (see evaluate.py and service.py).

Sources (wording ours):
- APPI (個人情報の保護に関する法律) art. 26 and enforcement rules (施行規則) art. 7 (grounds), art. 8 (速報・確報,
  items), art. 10 (notice to the people concerned); PPC guidelines (通則編) 3-5-3 (3-5-3-3 速報, 3-5-3-4 確報,
  3-5-3-5 委託元への通知による例外); for public bodies (行政機関等) art. 68 of the Act with rules art. 43
  (grounds: more than 100 persons) and art. 44 (速報・確報); amendment of rules art. 7(3) in force 2024-04-01.
- PPC 「漏えい等の報告について」 and its online form (routing questions, the reporter is the organisation).
- GDPR art. 33 (72 hours) and art. 34 (high risk).
- JIPDEC: プライバシーマーク付与に関する規約 (PMK500) and 「個人情報の取扱いにおける事故報告にかかる処理基準」;
  reports through the Pマークポータル since 2024-10-31.
- FSA: 金融分野における個人情報保護に関するガイドライン art. 11 and the business acts' enforcement rules;
  PPC/FSA 「金融機関における個人情報保護に関するQ&A」 Q4-12 (industry associations' batch reports).
- METI: 割賦販売法 art. 35-16 and METI's guidance on leak reports in the credit field.
- MIC: 電気通信事業法 art. 28 (通信の秘密の漏えい) with its enforcement rules art. 57, and
  「電気通信事業における個人情報等の保護に関するガイドライン」.
- 認定個人情報保護団体: APPI art. 47 and art. 54 (個人情報保護指針 of the accredited body).
- 番号法 art. 29-4 and 「特定個人情報の漏えい等に関する報告等に関する規則」 art. 2 (more than 100 persons), art. 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Mapping
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")  # Japanese rules take effect on a date in Japan


class Regime(StrEnum):
    appi = "appi"
    gdpr = "gdpr"
    pmark = "pmark"
    fsa = "fsa"
    meti = "meti"
    mic = "mic"
    accredited = "accredited"  # 認定個人情報保護団体
    local_gov = "local_gov"  # publication by a local government
    mynumber = "mynumber"  # 特定個人情報 (番号法); applies by itself when My Number leaked


class Kind(StrEnum):
    preliminary = "preliminary"  # 速報
    final = "final"  # 確報
    notice = "notice"  # 本人への通知 / communication to the data subjects
    publication = "publication"  # 公表
    batch = "batch"  # 一括報告 (quarterly, for minor misdeliveries)
    report = "report"  # a single report (GDPR art. 33, an accredited body)
    principal = "principal"  # 委託先 → 委託元への通知


class To(StrEnum):
    ppc = "ppc"
    fsa = "fsa"
    meti = "meti"
    mic = "mic"
    jipdec = "jipdec"
    accredited_body = "accredited_body"
    association = "association"
    supervisory_authority = "supervisory_authority"
    individuals = "individuals"
    public = "public"
    principal = "principal"


class Entrustment(StrEnum):
    none = "none"
    principal = "principal"  # 委託元: we entrusted the data to someone else
    contractor = "contractor"  # 委託先: the data was entrusted to us


# --- rule versions --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleVersion:
    """One version of a regime's rules: the figures an evaluator reads, where they come from, and when."""

    regime: Regime
    version: str  # "<regime>[-variant]/<effective date>", kept with every obligation
    effective_from: date
    sources: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    variant: str = ""  # "private" / "public" for APPI

    def in_force_at(self, at: datetime) -> bool:
        return at.astimezone(JST).date() >= self.effective_from

    def snapshot(self) -> dict[str, Any]:
        """What an obligation keeps of the rule (JSON): durations in seconds."""
        params = {k: (v.total_seconds() if isinstance(v, timedelta) else v) for k, v in self.params.items()}
        return {"regime": str(self.regime), "variant": self.variant, "version": self.version,
                "effective_from": self.effective_from.isoformat(), "sources": list(self.sources), "params": params}

    @classmethod
    def from_snapshot(cls, snap: Mapping[str, Any]) -> "RuleVersion":
        """The rule as an obligation kept it (figures in seconds become timedeltas again)."""
        params = {k: (timedelta(seconds=v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                      and k not in _PLAIN_NUMBERS else v) for k, v in dict(snap.get("params") or {}).items()}
        if "to" in params:
            params["to"] = To(params["to"])
        return cls(Regime(snap["regime"]), str(snap["version"]), date.fromisoformat(snap["effective_from"]),
                   tuple(snap.get("sources") or ()), params, variant=str(snap.get("variant") or ""))


_PLAIN_NUMBERS = frozenset({"persons_over"})  # params that are counts, not durations


DAYS = timedelta(days=1)

_APPI_DEADLINES = {
    "preliminary_target": 3 * DAYS,  # PPC guidelines 3-5-3-3: 速報 promptly, about 3-5 days
    "preliminary_limit": 5 * DAYS,
    "final": 30 * DAYS,  # rules art. 8(2) / art. 44(2): 30 days
    "final_improper_purpose": 60 * DAYS,  # 60 days where done with an improper purpose
    "notice": 7 * DAYS,  # design decision: "promptly, as the situation allows" (rules art. 10)
}

CATALOGUE_VERSIONS: tuple[RuleVersion, ...] = (
    RuleVersion(
        Regime.appi, "appi-private/2022-04-01", date(2022, 4, 1),
        ("個人情報保護法第26条第1項・第2項", "個人情報保護法施行規則第7条（報告対象事態）・第8条（速報・確報）・第10条（本人への通知）",
         "個人情報保護委員会「個人情報の保護に関する法律についてのガイドライン（通則編）」3-5-3"),
        {"persons_over": 1000, **_APPI_DEADLINES, "to": To.ppc}, variant="private",
    ),
    RuleVersion(
        Regime.appi, "appi-private/2024-04-01", date(2024, 4, 1),
        ("個人情報保護法第26条第1項・第2項",
         "個人情報保護法施行規則第7条（第3号は令和5年個人情報保護委員会規則第5号により改正、2024年4月1日施行：個人データとして"
         "取り扱われることが予定されている個人情報を含む）・第8条・第10条",
         "個人情報保護委員会「個人情報の保護に関する法律についてのガイドライン（通則編）」3-5-3"),
        {"persons_over": 1000, **_APPI_DEADLINES, "to": To.ppc}, variant="private",
    ),
    RuleVersion(
        Regime.appi, "appi-public/2022-04-01", date(2022, 4, 1),
        ("個人情報保護法第68条第1項・第2項（行政機関等）", "個人情報保護法施行規則第43条（本人の数が100人を超える等）・第44条（速報・確報）・第45条",
         "個人情報保護委員会「個人情報の保護に関する法律についてのガイドライン（行政機関等編）」"),
        {"persons_over": 100, **_APPI_DEADLINES, "to": To.ppc}, variant="public",
    ),
    RuleVersion(
        Regime.appi, "appi-public/2023-04-01", date(2023, 4, 1),
        ("個人情報保護法第68条第1項・第2項（行政機関等。地方公共団体の機関には令和3年改正法により2023年4月1日から適用）",
         "個人情報保護法施行規則第43条・第44条・第45条",
         "個人情報保護委員会「個人情報の保護に関する法律についてのガイドライン（行政機関等編）」"),
        {"persons_over": 100, **_APPI_DEADLINES, "to": To.ppc}, variant="public",
    ),
    RuleVersion(
        Regime.gdpr, "gdpr/2018-05-25", date(2018, 5, 25),
        ("GDPR art. 33(1): the supervisory authority, where feasible within 72 hours of becoming aware",
         "GDPR art. 34(1): the data subjects, without undue delay, when the risk is high"),
        {"authority": timedelta(hours=72), "notice": 7 * DAYS},
    ),
    RuleVersion(
        Regime.pmark, "pmark/2022-04-01", date(2022, 4, 1),
        ("JIPDEC「プライバシーマーク付与に関する規約」（PMK500）", "JIPDEC「個人情報の取扱いにおける事故報告にかかる処理基準」",
         "すべての個人情報の事故（漏えい・滅失・毀損・誤提供等、おそれを含む。暗号化された媒体を含む）は確報を30日以内（不正の目的によるものは60日以内）、"
         "要配慮個人情報・財産的被害・不正の目的・1,000人超・重大な規程違反は速報をおおむね3～5日以内"),
        {"persons_over": 1000, "preliminary_target": 3 * DAYS, "preliminary_limit": 5 * DAYS, "final": 30 * DAYS,
         "final_improper_purpose": 60 * DAYS, "to": To.jipdec, "channel": "JIPDEC・審査機関への事故報告書"},
    ),
    RuleVersion(
        Regime.pmark, "pmark/2024-10-31", date(2024, 10, 31),
        ("JIPDEC「プライバシーマーク付与に関する規約」（PMK500）", "JIPDEC「個人情報の取扱いにおける事故報告にかかる処理基準」",
         "2024年10月31日から事故報告はPマークポータルから提出",
         "すべての個人情報の事故（おそれ・暗号化を含む）は確報を30日以内（不正の目的は60日以内）、重大なものは速報をおおむね3～5日以内"),
        {"persons_over": 1000, "preliminary_target": 3 * DAYS, "preliminary_limit": 5 * DAYS, "final": 30 * DAYS,
         "final_improper_purpose": 60 * DAYS, "to": To.jipdec, "channel": "Pマークポータル"},
    ),
    RuleVersion(
        Regime.fsa, "fsa/2022-04-01", date(2022, 4, 1),
        ("金融分野における個人情報保護に関するガイドライン第11条（顧客の個人情報の漏えい等は、誤送信・誤送付を含め速やかに報告）",
         "各業法の施行規則（銀行法施行規則等）に基づく報告", "個人情報保護委員会・金融庁「金融機関における個人情報保護に関するQ&A」Q4-12（業界団体経由の一括報告）",
         "個人情報保護法第150条（報告徴収等の権限の事業所管大臣への委任）"),
        {"preliminary_target": 3 * DAYS, "preliminary_limit": 5 * DAYS, "final": 30 * DAYS, "to": To.fsa,
         "batch_due_after_quarter": 30 * DAYS},
    ),
    RuleVersion(
        Regime.meti, "meti/2022-04-01", date(2022, 4, 1),
        ("割賦販売法第35条の16（クレジットカード番号等の適切な管理）",
         "経済産業省「個人情報保護法に基づく漏えい等報告について（クレジット分野）」"),
        {"preliminary_target": 3 * DAYS, "preliminary_limit": 5 * DAYS, "final": 30 * DAYS,
         "final_improper_purpose": 60 * DAYS, "to": To.meti},
    ),
    RuleVersion(
        Regime.mic, "mic/2022-04-01", date(2022, 4, 1),
        ("電気通信事業法第28条第1項（通信の秘密の漏えい：遅滞なく報告）", "電気通信事業法施行規則第57条（速やかな報告と30日以内の詳細な報告）",
         "総務省「電気通信事業における個人情報等の保護に関するガイドライン」（個人データの漏えい等報告は総務大臣へ）"),
        {"preliminary_target": 3 * DAYS, "preliminary_limit": 5 * DAYS, "final": 30 * DAYS, "to": To.mic},
    ),
    RuleVersion(
        Regime.accredited, "accredited/2022-04-01", date(2022, 4, 1),
        ("個人情報保護法第47条（認定個人情報保護団体）・第54条（個人情報保護指針）",
         "対象事業者は、団体の個人情報保護指針に従い、漏えい等を団体に報告"),
        {"report": 3 * DAYS, "to": To.accredited_body},
    ),
    RuleVersion(
        Regime.local_gov, "local_gov/2023-04-01", date(2023, 4, 1),
        ("個人情報保護法第68条（行政機関等の漏えい等報告）と各地方公共団体の公表基準",
         "重大な事案（本人の数が100人を超える、要配慮個人情報を含む等）は速やかに個別に公表し、その他は半期ごとに一覧で公表"),
        {"individual_publication": 3 * DAYS, "list_due_after_half": 30 * DAYS, "to": To.public},
    ),
    RuleVersion(
        Regime.mynumber, "mynumber/2022-04-01", date(2022, 4, 1),
        ("番号法第29条の4第1項・第2項", "特定個人情報の漏えい等に関する報告等に関する規則第2条（本人の数が100人を超える等）・第3条（速報・確報）",
         "個人情報保護委員会 漏えい等報告フォーム 問1（マイナンバーを含む場合は特定個人情報の報告フォーム）"),
        {"persons_over": 100, **_APPI_DEADLINES, "to": To.ppc},
    ),
)


@dataclass(frozen=True)
class Catalogue:
    versions: tuple[RuleVersion, ...] = CATALOGUE_VERSIONS
    # (regime, variant) → the version an incident's existing obligations already follow
    pins: Mapping[tuple[str, str], RuleVersion] = field(default_factory=dict)

    def pinned(self, versions: "list[RuleVersion]") -> "Catalogue":
        """The same catalogue, but the given versions stay in force for their regime (history kept)."""
        return Catalogue(self.versions, {**self.pins, **{(v.regime.value, v.variant): v for v in versions}})

    def of(self, regime: Regime | str, variant: str = "") -> list[RuleVersion]:
        return sorted((v for v in self.versions if v.regime == regime and v.variant == variant),
                      key=lambda v: v.effective_from)

    def in_force(self, regime: Regime | str, at: datetime, variant: str = "") -> RuleVersion:
        """The version in force at `at` (a date in Japan). Before the first version: the first one, so an
        old incident filed late is still assessed rather than silently ignored."""
        pin = self.pins.get((str(getattr(regime, "value", regime)), variant))
        if pin is not None:
            return pin
        versions = self.of(regime, variant)
        if not versions:
            raise KeyError(f"no rules for {regime}/{variant}")
        current = versions[0]
        for v in versions:
            if v.in_force_at(at):
                current = v
        return current

    def by_version(self, version: str) -> RuleVersion | None:
        return next((v for v in self.versions if v.version == version), None)


CATALOGUE = Catalogue()

# Regimes an organisation may name in INCIDENTS_REGIMES (My Number applies by itself).
CONFIGURABLE: tuple[Regime, ...] = tuple(r for r in Regime if r is not Regime.mynumber)


def parse_regimes(value: str | None) -> list[Regime]:
    """'appi, gdpr,pmark' → [appi, gdpr, pmark]; an unknown code is an error naming the known ones."""
    out: list[Regime] = []
    for part in (value or "").replace(";", ",").split(","):
        code = part.strip().lower()
        if not code:
            continue
        try:
            regime = Regime(code)
        except ValueError:
            known = ", ".join(r.value for r in CONFIGURABLE)
            raise ValueError(f"unknown regime {code!r} (known: {known})") from None
        if regime not in out:
            out.append(regime)
    return out
