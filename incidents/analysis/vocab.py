"""Vocabularies of root-cause analysis, as data: the contributing-factor checklist, 4M, 4E and the
countermeasure statuses. Values are the public contract; labels are shown in Japanese and English.

Sources: the factors that recur in published cases of mis-sent mail (haste, autocomplete, reused old
mails, similar file names, no second check...); 4M / 4E as used in Japanese safety practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FourM(StrEnum):
    man = "man"  # 人: the people and their state (haste, fatigue, awareness)
    machine = "machine"  # 機械: tools, software, settings (autocomplete, no send delay)
    media = "media"  # 媒体・環境: information and environment (similar file names, reused mails, remote work)
    management = "management"  # 管理: rules, checks, training, staffing


class FourE(StrEnum):
    education = "education"  # 教育・訓練
    engineering = "engineering"  # 技術・工学: tools and settings
    enforcement = "enforcement"  # 強化・徹底: rules, approvals, checks
    example = "example"  # 模範・事例: examples, sharing cases


class CountermeasureStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    effective = "effective"  # the effectiveness review found it works
    ineffective = "ineffective"  # the review found it does not: plan another
    dropped = "dropped"


OPEN_STATUSES = frozenset({CountermeasureStatus.planned, CountermeasureStatus.in_progress})
# Allowed moves; the review outcome comes after done.
TRANSITIONS: dict[CountermeasureStatus, frozenset[CountermeasureStatus]] = {
    CountermeasureStatus.planned: frozenset({CountermeasureStatus.in_progress, CountermeasureStatus.done,
                                             CountermeasureStatus.dropped}),
    CountermeasureStatus.in_progress: frozenset({CountermeasureStatus.done, CountermeasureStatus.dropped,
                                                 CountermeasureStatus.planned}),
    CountermeasureStatus.done: frozenset({CountermeasureStatus.effective, CountermeasureStatus.ineffective,
                                          CountermeasureStatus.in_progress}),
    CountermeasureStatus.effective: frozenset(),
    CountermeasureStatus.ineffective: frozenset({CountermeasureStatus.in_progress}),
    CountermeasureStatus.dropped: frozenset({CountermeasureStatus.planned}),
}


@dataclass(frozen=True)
class Factor:
    code: str
    four_m: FourM
    ja: str
    en: str


# The contributing-factor checklist: factors that keep coming back in mis-sent mail.
FACTORS: tuple[Factor, ...] = (
    Factor("haste", FourM.man, "急いでいた・時間的余裕がなかった", "Haste, time pressure"),
    Factor("fatigue", FourM.man, "疲労・長時間労働", "Fatigue, long hours"),
    Factor("low_awareness", FourM.man, "誤送信のリスクへの意識が低かった", "Low awareness of the risk"),
    Factor("multitasking", FourM.man, "作業の中断・並行作業", "Interruptions, several tasks at once"),
    Factor("remote_work", FourM.media, "在宅勤務など気が散りやすい環境", "Remote work or a distracting environment"),
    Factor("autocomplete", FourM.machine, "宛先のオートコンプリート", "Address autocomplete"),
    Factor("no_send_delay", FourM.machine, "送信保留（遅延送信）の仕組みがない", "No delayed sending"),
    Factor("no_external_warning", FourM.machine, "社外宛て・多数宛ての警告がない", "No warning for external or many recipients"),
    Factor("reused_mail", FourM.media, "過去のメールを流用した", "A previous mail was reused"),
    Factor("similar_file_names", FourM.media, "似た名前のファイルが複数あった", "Several files with similar names"),
    Factor("similar_names", FourM.media, "同姓・類似の宛先名が複数あった", "Recipients with the same or similar names"),
    Factor("lookalike_domain", FourM.media, "似たドメインが存在した", "A lookalike domain existed"),
    Factor("wrong_field", FourM.media, "To/Cc/Bcc の使い分けが分かりにくい", "To / Cc / Bcc easy to confuse"),
    Factor("no_second_check", FourM.management, "送信前のダブルチェックがない", "No second pair of eyes"),
    Factor("unclear_rules", FourM.management, "メール送信ルールがない・複雑・周知不足", "Mail rules missing, complex or unknown"),
    Factor("no_training", FourM.management, "教育・訓練が不足していた", "Training missing"),
    Factor("workload", FourM.management, "業務量・人員配置の問題", "Workload or staffing"),
    Factor("mass_mail_by_client", FourM.management, "一斉送信をメールソフトで行っていた",
           "Mass mail sent from a mail client instead of a bulk service"),
)
FACTOR_BY_CODE = {f.code: f for f in FACTORS}

FOUR_M_LABELS = {
    FourM.man: ("人", "Man"),
    FourM.machine: ("機械・道具", "Machine"),
    FourM.media: ("媒体・環境", "Media"),
    FourM.management: ("管理", "Management"),
}
FOUR_E_LABELS = {
    FourE.education: ("教育・訓練", "Education"),
    FourE.engineering: ("技術・設備", "Engineering"),
    FourE.enforcement: ("強化・徹底", "Enforcement"),
    FourE.example: ("模範・事例", "Example"),
}
STATUS_LABELS = {
    CountermeasureStatus.planned: ("計画", "Planned"),
    CountermeasureStatus.in_progress: ("実施中", "In progress"),
    CountermeasureStatus.done: ("実施済み", "Done"),
    CountermeasureStatus.effective: ("効果あり", "Effective"),
    CountermeasureStatus.ineffective: ("効果なし", "Not effective"),
    CountermeasureStatus.dropped: ("中止", "Dropped"),
}

# Typical countermeasures organisations adopt, with their 4E class, offered as suggestions.
SUGGESTED_COUNTERMEASURES: tuple[tuple[FourE, str, str], ...] = (
    (FourE.engineering, "送信保留（数分間の遅延送信）を全社で有効にする", "Turn on delayed sending (a hold of a few minutes)"),
    (FourE.engineering, "宛先のオートコンプリートを無効にする", "Turn off address autocomplete"),
    (FourE.engineering, "社外宛て・多数宛て送信時に警告を表示する", "Warn on external or many recipients"),
    (FourE.engineering, "一定数以上の宛先は強制的にBccに変換する", "Force Bcc for mass mail"),
    (FourE.engineering, "添付ファイルを取り消し可能なダウンロードリンクに置き換える", "Replace attachments by revocable links"),
    (FourE.engineering, "一斉送信は専用の配信サービスから行う", "Send mass mail from a bulk-mail service"),
    (FourE.enforcement, "機微な情報を含むメールは上長の承認後に送信する", "Sensitive mail only after a superior's approval"),
    (FourE.enforcement, "送信前チェックリスト（宛先・件名・添付・本文）を必須にする", "Make the pre-send checklist mandatory"),
    (FourE.education, "誤送信の事例を用いた研修を行う", "Training with real misdelivery cases"),
    (FourE.example, "ヒヤリハット事例を全社に共有する", "Share near-miss cases across the organisation"),
)


def factor_label(code: str, locale: str = "ja") -> str:
    f = FACTOR_BY_CODE.get(code)
    if f is None:
        return code
    return f.ja if locale == "ja" else f.en


def four_m_label(value: str, locale: str = "ja") -> str:
    ja, en = FOUR_M_LABELS.get(FourM(value), (value, value))
    return ja if locale == "ja" else en


def four_e_label(value: str, locale: str = "ja") -> str:
    ja, en = FOUR_E_LABELS.get(FourE(value), (value, value))
    return ja if locale == "ja" else en


def status_label(value: str, locale: str = "ja") -> str:
    ja, en = STATUS_LABELS.get(CountermeasureStatus(value), (value, value))
    return ja if locale == "ja" else en
