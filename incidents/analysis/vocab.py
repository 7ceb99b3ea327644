"""Vocabularies of root-cause analysis, as data: the contributing-factor checklist, 4M, 4E and the
countermeasure statuses. Values are the public contract; labels are shown in Japanese and English.

Sources: the factors that recur in published cases of mis-sent mail (haste, autocomplete, reused old
mails, similar file names, no second check...); 4M / 4E as used in Japanese safety practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from incidents.analysis.labels import COUNTERMEASURE_STATUSES, FACTOR_LABELS, FOUR_E, FOUR_M
from incidents.i18n import N_


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

    @property
    def ja(self) -> str:
        return FACTOR_LABELS.label(self.code, "ja")

    @property
    def en(self) -> str:
        return FACTOR_LABELS.label(self.code, "en")


# The contributing-factor checklist: factors that keep coming back in mis-sent mail.
FACTORS: tuple[Factor, ...] = (
    Factor("haste", FourM.man),
    Factor("fatigue", FourM.man),
    Factor("low_awareness", FourM.man),
    Factor("multitasking", FourM.man),
    Factor("remote_work", FourM.media),
    Factor("autocomplete", FourM.machine),
    Factor("no_send_delay", FourM.machine),
    Factor("no_external_warning", FourM.machine),
    Factor("reused_mail", FourM.media),
    Factor("similar_file_names", FourM.media),
    Factor("similar_names", FourM.media),
    Factor("lookalike_domain", FourM.media),
    Factor("wrong_field", FourM.media),
    Factor("no_second_check", FourM.management),
    Factor("unclear_rules", FourM.management),
    Factor("no_training", FourM.management),
    Factor("workload", FourM.management),
    Factor("mass_mail_by_client", FourM.management),
)
FACTOR_BY_CODE = {f.code: f for f in FACTORS}

# Typical countermeasures organisations adopt, with their 4E class, offered as suggestions.
SUGGESTED_COUNTERMEASURES: tuple[tuple[FourE, str], ...] = (  # (4E, English msgid)
    (FourE.engineering, N_("Turn on delayed sending (a hold of a few minutes)")),
    (FourE.engineering, N_("Turn off address autocomplete")),
    (FourE.engineering, N_("Warn on external or many recipients")),
    (FourE.engineering, N_("Force Bcc for mass mail")),
    (FourE.engineering, N_("Replace attachments by revocable links")),
    (FourE.engineering, N_("Send mass mail from a bulk-mail service")),
    (FourE.enforcement, N_("Sensitive mail only after a superior's approval")),
    (FourE.enforcement, N_("Make the pre-send checklist mandatory")),
    (FourE.education, N_("Training with real misdelivery cases")),
    (FourE.example, N_("Share near-miss cases across the organisation")),
)


def factor_label(code: str, locale: str | None = None) -> str:
    return FACTOR_LABELS.label(code, locale)


def four_m_label(value: str, locale: str | None = None) -> str:
    return FOUR_M.label(value, locale)


def four_e_label(value: str, locale: str | None = None) -> str:
    return FOUR_E.label(value, locale)


def status_label(value: str, locale: str | None = None) -> str:
    return COUNTERMEASURE_STATUSES.label(value, locale)
