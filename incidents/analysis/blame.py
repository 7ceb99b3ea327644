"""The person-blame detector of the five whys (なぜなぜ分析).

"He was careless" is never a root cause: ask why until the answer is a cause in the system. The last answer of a chain is checked:
when it names a failing of the person (不注意, 確認不足, careless, human error...) and nothing of the
system around them (a rule, a tool, a setting, the workload...), the analysis is not finished and the
tool says so. It does not block saving: it asks for one more "why".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Terms that put the cause in the person. Matched on NFKC-normalised, lower-cased text.
BLAME_TERMS_JA = (
    "不注意", "注意不足", "注意力", "注意散漫", "確認不足", "確認漏れ", "確認もれ", "確認ミス", "確認を怠", "確認しなかった",
    "確認していなかった", "確認が不十分", "確認不十分", "チェック不足", "チェック漏れ", "うっかり", "ケアレスミス",
    "ヒューマンエラー", "人為的ミス", "人的ミス", "本人のミス", "担当者のミス", "個人のミス", "気の緩み", "気が緩", "集中力",
    "油断", "慢心", "不用意", "軽率", "怠慢", "意識が低", "意識不足", "自覚が足り", "自覚不足", "思い込み", "勘違い",
    "見落とし", "見落と", "失念", "不注意", "ミス", "間違えた", "間違った", "怠った", "だらしな", "たるんで",
)
BLAME_TERMS_EN = (
    "careless", "carelessness", "inattention", "inattentive", "not careful", "lack of attention", "lack of care",
    "not paying attention", "did not pay attention", "didn't pay attention", "human error", "operator error",
    "user error", "mistake", "negligence", "negligent", "sloppy", "oversight", "overlooked", "forgot", "forgetful",
    "did not check", "didn't check", "failed to check", "not checking", "did not double-check",
    "didn't double-check", "complacency", "complacent", "his fault", "her fault", "their fault", "lazy",
    "lack of concentration", "lost concentration", "lapse", "misjudged", "wrong assumption", "assumed",
)
# Words that point at the system around the person: when one is there, the answer is not blame alone.
SYSTEM_CUES_JA = (
    "仕組み", "ルール", "規程", "規定", "手順", "マニュアル", "設定", "機能", "システム", "ツール", "ソフト", "チェックリスト",
    "体制", "承認", "ダブルチェック", "二重チェック", "教育", "研修", "訓練", "人員", "業務量", "負荷", "残業", "締切", "締め切り",
    "納期", "環境", "在宅", "オートコンプリート", "自動補完", "入力補完", "候補", "送信保留", "遅延送信", "警告", "画面", "表示",
    "テンプレート", "雛形", "流用", "使い回", "ファイル名", "似た", "類似", "同姓", "同じ名前", "周知", "運用", "管理", "配置",
    "アドレス帳", "メーリングリスト", "bcc", "一斉送信", "配信", "上長", "確認者", "レビュー", "フロー", "様式", "方法がない",
    "できない", "なかったため", "されていない", "存在しない",
)
SYSTEM_CUES_EN = (
    "process", "rule", "procedure", "policy", "guideline", "manual", "setting", "feature", "system", "tool", "software",
    "checklist", "approval", "second check", "second pair", "four-eyes", "review", "training", "staffing", "workload",
    "overtime", "deadline", "environment", "remote", "autocomplete", "auto-complete", "suggest", "delay", "warning",
    "screen", "display", "template", "reused", "file name", "filename", "similar", "same name", "lookalike",
    "address book", "mailing list", "bcc", "bulk", "supervisor", "no way to", "not possible", "there was no",
    "there is no", "had no", "lacked a", "no one checks", "nobody checks", "interface", "layout", "default",
)

_JA_RX = re.compile("|".join(re.escape(t) for t in sorted(set(BLAME_TERMS_JA), key=len, reverse=True)))
_EN_RX = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(set(BLAME_TERMS_EN), key=len, reverse=True)) + r")\b")
_CUE_JA = re.compile("|".join(re.escape(t) for t in SYSTEM_CUES_JA))
_CUE_EN = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in SYSTEM_CUES_EN) + r")")
# "not carelessness but ..." / 「不注意ではなく」: the answer rejects blame.
_NEGATED = re.compile(r"(?:ではなく|じゃなく|ではない|とは言えない|\bnot\s+(?:just\s+|simply\s+|merely\s+)?(?:a\s+)?(?:matter\s+of\s+)?$)")

MESSAGE_JA = ("最後の答え「{answer}」は人の注意（{term}）に原因を置いています。不注意や確認不足は原因ではなく結果です。"
              "なぜそれが起きたのか（時間的な余裕、画面や候補の表示、確認の仕組み、ルール）をもう一段問いかけてください。")
MESSAGE_EN = ('The last answer "{answer}" puts the cause in the person ({term}). Carelessness is a result, not a cause: '
              "ask why once more (time pressure, what the screen or autocomplete showed, how checking works, the rules).")


@dataclass(frozen=True)
class BlameWarning:
    answer: str
    term: str
    message_ja: str
    message_en: str

    def message(self, locale: str = "ja") -> str:
        return self.message_ja if locale == "ja" else self.message_en

    def public(self) -> dict:
        return {"answer": self.answer, "term": self.term, "message_ja": self.message_ja, "message_en": self.message_en}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def blamed_term(answer: str) -> str | None:
    """The blame term of an answer that blames a person alone, or None."""
    text = _norm(answer)
    if not text:
        return None
    term = None
    for rx in (_JA_RX, _EN_RX):
        for m in rx.finditer(text):
            if _NEGATED.search(text[:m.start()]) or re.match(r"\s*(?:ではなく|じゃなく|ではない)", text[m.end():]):
                continue
            term = m.group(0)
            break
        if term:
            break
    if term is None:
        return None
    if _CUE_JA.search(text) or _CUE_EN.search(text):
        return None
    return term


def check_answer(answer: str) -> BlameWarning | None:
    term = blamed_term(answer)
    if term is None:
        return None
    shown = answer.strip()
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return BlameWarning(answer=answer, term=term, message_ja=MESSAGE_JA.format(answer=shown, term=term),
                        message_en=MESSAGE_EN.format(answer=shown, term=term))


def check_chain(answers: list[str]) -> BlameWarning | None:
    """Check the last non-empty answer of a five-whys chain."""
    filled = [a for a in answers if a and a.strip()]
    return check_answer(filled[-1]) if filled else None
