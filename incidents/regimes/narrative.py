"""The regulator forms' text, written in one voice, です・ます (the regulator draft PDF prints them), facts only.

Each function reads the CaseView and returns the value of one field, or None when it is not yet known
(the form then shows 調査中). Nothing here copies internal notes: the incident's free-text summary, step
notes and recipient addresses never reach a regulator form.
"""

from __future__ import annotations

from incidents.regimes.catalogue import Entrustment, Regime
from incidents.regimes.labels import ADDRESSEES, OBLIGATION_KINDS
from incidents.regimes.forms import CaseView
from incidents.regimes.models import ObligationStatus

EVENTS = {
    "wrong_recipient": "{sent}、担当者が電子メール{subject}を送信した際、宛先のメールアドレスを誤り、本来の宛先とは異なる"
                       "{wrong}件の宛先に送信しました。",
    "bcc_exposure": "{sent}、担当者が{total}件の宛先に電子メール{subject}を一斉送信した際、本来BCC欄に入力すべきメールアドレスを"
                    "TO欄又はCC欄に入力したため、受信者全員に他の受信者のメールアドレスが表示される状態となりました。",
    "wrong_attachment": "{sent}、担当者が電子メール{subject}を送信した際、本来添付すべきファイルとは異なる、"
                        "個人データを含むファイルを誤って添付して送信しました。",
    "lookalike_domain": "{sent}、担当者が電子メール{subject}を送信した際、宛先のドメイン名を誤り、本来の宛先と類似した別の"
                        "ドメインの{wrong}件のアドレスに送信しました。",
    "distribution_list": "{sent}、担当者が電子メール{subject}を配信リストにより送信した際、リストの選択又は登録内容に誤りがあり、"
                         "本来の宛先ではない{wrong}件の宛先に送信しました。",
    "inappropriate_content": "{sent}、担当者が電子メール{subject}を送信した際、本文に本来記載すべきでない個人データを"
                             "含めたまま送信しました。",
    "other": "{sent}、担当者が電子メール{subject}を送信した際の誤りにより、個人データを含むメールが本来の宛先以外に送信されました。",
}
CAUSES = {
    "wrong_recipient": "送信時に宛先のメールアドレスを誤って入力又は選択し、送信前の確認でも気付かなかったためです。",
    "bcc_exposure": "複数の宛先への一斉送信の際、メールアドレスをBCC欄ではなくTO欄又はCC欄に入力し、送信前の確認でも"
                    "気付かなかったためです。",
    "wrong_attachment": "送信時に添付するファイルを取り違え、送信前の確認でも気付かなかったためです。",
    "lookalike_domain": "宛先のドメイン名を一文字誤って入力し、実在する別のドメインに送信したためです。",
    "distribution_list": "配信リストの選択又は登録内容に誤りがあったためです。",
    "inappropriate_content": "送信前に本文の内容を十分に確認しなかったためです。",
    "other": "メール送信前の確認が不十分であったためです。",
}


DISCOVERY_COURSE = {
    "self_noticed": "送信者本人が気付き、誤送信が発覚",
    "recipient_reported": "受信者からの連絡により誤送信が発覚",
    "colleague_noticed": "他の従業者が気付き、誤送信が発覚",
    "system_alert": "システムの警告により誤送信が発覚",
    "third_party": "第三者からの連絡により誤送信が発覚",
}


def _n(value: int) -> str:
    return f"{value:,}"


def leak_kind(view: CaseView) -> str:
    confirmed = view.deletion.get("done", 0)
    if view.unintended and confirmed == view.unintended and view.opened_yes == 0 and not view.deletion.get("pending"):
        return "漏えいに該当せず（全ての誤送信先が未開封のまま削除したことを確認済み）"
    return "漏えい"


def event(view: CaseView) -> str:
    i = view.incident
    subject = f"（件名「{i.subject.strip()}」）" if (i.subject or "").strip() else ""
    total = view.unintended + view.intended
    text = EVENTS.get(i.mistake_type, EVENTS["other"]).format(
        sent=view.local(i.sent_at), subject=subject, wrong=_n(view.unintended), total=_n(total or view.unintended))
    if i.protection == "password_zip" and i.key_exposed:
        text += "添付ファイルはパスワード付きZIP形式でしたが、パスワードを同じ宛先に別のメールで送信していました。"
    return text


def entrustment(view: CaseView) -> str:
    o, name = view.overrides, view.settings.org_name
    if o.entrustment == Entrustment.principal:
        return f"あり（委託元：{name}、委託先：{o.counterpart}）"
    if o.entrustment == Entrustment.contractor:
        return f"あり（委託元：{o.counterpart}、委託先：{name}）"
    return "なし"


def course(view: CaseView) -> str:
    i, lines = view.incident, []
    lines.append(f"{view.local(i.sent_at)} 電子メールを送信")
    lines.append(f"{view.local(i.discovered_at)} {DISCOVERY_COURSE.get(i.discovery_method, '誤送信が発覚')}")
    for key, what in (("first_report", "上長へ報告"), ("decision", "組織としての対応方針を決定"),
                      ("containment", "拡大防止の措置を実施")):
        step = view.steps.get(key)
        if step is not None and step.status == "done" and step.done_at:
            lines.append(f"{view.local(step.done_at)} {what}")
    done, requested = view.deletion.get("done", 0), max(view.deletion_requested, view.deletion.get("done", 0))
    if view.unintended and requested:
        line = f"誤送信先{_n(view.unintended)}件のうち{_n(requested)}件に削除を依頼"
        if done:
            line += f"し、{_n(done)}件から削除の確認を取得"
            if view.opened_yes:
                line += f"（うち開封済み{_n(view.opened_yes)}件）"
        lines.append(line)
    apologised = view.apology.get("done", 0)
    if apologised:
        lines.append(f"{_n(apologised)}件の宛先にお詫びの連絡を実施")
    for ob in sorted(view.obligations, key=lambda o: o.submitted_at or o.due_at):
        if ob.status == ObligationStatus.submitted and ob.submitted_at:
            lines.append(f"{view.local(ob.submitted_at)} {ADDRESSEES.label(ob.to, 'ja')}へ"
                         f"{OBLIGATION_KINDS.label(ob.kind, 'ja')}")
    return "\n".join(lines)


def medium(view: CaseView) -> str:
    return "電子メール（添付ファイルを含む）" if getattr(view, "attachments", 0) else "電子メール"


def protection(view: CaseView) -> str:
    i = view.incident
    if i.protection == "password_zip":
        if i.key_exposed:
            return ("パスワード付きZIPファイルで送信したが、パスワードを同じ宛先に別のメールで送信していたため、"
                    "保護措置として機能していません。")
        return "パスワード付きZIPファイルで送信しました（パスワードは送信していません。ただし、高度な暗号化には当たりません）。"
    if i.protection == "strong_encryption":
        if i.key_exposed:
            return "暗号化していましたが、復号のための鍵も同じ宛先に送信していました。"
        return "高度な暗号化を施しており、復号のための鍵は漏えいしていません。"
    return "なし（暗号化等の保護措置は講じていません）"


def caused_by_contractor(view: CaseView) -> bool:
    return view.overrides.entrustment == Entrustment.principal


def cause(view: CaseView) -> str:
    i = view.incident
    text = "（直接の原因）" + CAUSES.get(i.mistake_type, CAUSES["other"])
    if view.causes:
        text += "\n（根本原因）" + "\n".join(f"・{c}" for c in view.causes)
    else:
        text += "\n根本原因については調査中です。"
    return text


def secondary(view: CaseView) -> str:
    i = view.incident
    done, wrong = view.deletion.get("done", 0), view.unintended
    if wrong and done >= wrong and view.opened_yes == 0:
        text = "全ての誤送信先から、メールを開封せずに削除した旨の確認を得ており、二次被害のおそれはないと考えております。"
    elif wrong and done >= wrong:
        text = "全ての誤送信先から、メールを削除し、転送・複製・利用をしない旨の確認を得ました。現時点で二次被害は確認されていません。"
    else:
        text = "現時点で二次被害は確認されていません。"
        if wrong:
            text += (f"誤送信先{_n(wrong)}件のうち{_n(done)}件から削除の確認を得ており、残りについては確認中です。" if done
                     else f"誤送信先{_n(wrong)}件に対し、メールの削除及び転送・複製・利用をしないことの確認を進めています。")
    if i.improper_purpose:
        text += "不正の目的によるおそれがあるため、引き続き調査中です。"
    if set(i.data_items or []) & {"credit_card", "payment_credentials"}:
        text += "不正利用による財産的被害のおそれがあるため、関係機関と連携して監視しています。"
    return text


def _ob(view: CaseView, key: str):
    return next((o for o in view.obligations if o.key == key and o.status != ObligationStatus.withdrawn), None)


def individuals(view: CaseView, phase: str) -> str | None:
    parts = []
    notice = _ob(view, "appi:notice")
    if notice is not None:
        if notice.status == ObligationStatus.submitted and notice.submitted_at:
            parts.append(f"{view.local(notice.submitted_at, with_time=False)}、本人に対し事案の概要等を通知しました。")
        elif notice.status == ObligationStatus.released:
            parts.append("本人への通知は委託元が行います。")
        else:
            parts.append(f"本人への通知を準備中です（{view.local(notice.due_at, with_time=False)}までに実施予定）。")
    total = sum(view.apology.values()) - view.apology.get("not_applicable", 0)
    if total:
        parts.append(f"誤送信先及び本来の宛先{_n(total)}件のうち{_n(view.apology.get('done', 0))}件に、"
                     "お詫びの連絡を行いました。")
    if not parts:
        return "本人への通知の要否を検討中です。" if phase == "preliminary" else None
    return "".join(parts)


def publication(view: CaseView, phase: str) -> str | None:
    pub = _ob(view, "local_gov:publication")
    if pub is not None and pub.status == ObligationStatus.submitted and pub.submitted_at:
        return f"公表済み（{view.local(pub.submitted_at, with_time=False)}）"
    step = view.steps.get("public_announcement")
    if step is not None and step.status != "not_applicable":
        if step.status == "done" and step.done_at:
            return f"公表済み（{view.local(step.done_at, with_time=False)}）"
        if step.status == "waived":
            return f"公表しません（理由：{step.waive_reason}）" if step.waive_reason else "公表しません"
        return "公表の要否を検討中" if phase == "preliminary" else None
    if pub is not None:
        return f"公表予定（{view.local(pub.due_at, with_time=False)}までに公表）"
    return "公表の予定なし"


def measures(view: CaseView) -> tuple[str | None, str | None]:
    if not view.countermeasures:
        return None, None
    done = [c for c in view.countermeasures if c.status in ("done", "effective")]
    planned = [c for c in view.countermeasures if c.status in ("planned", "in_progress")]
    done_text = "\n".join(f"・{c.title}" + (f"（{view.local(c.done_at, with_time=False)}実施）" if c.done_at else "")
                          for c in done) or "なし"
    planned_text = "\n".join(f"・{c.title}（{view.day(c.due_on)}までに実施）" for c in planned) or "なし"
    return done_text, planned_text


def other(view: CaseView) -> str:
    lines = []
    for ob in view.obligations:
        if ob.regime == Regime.appi or ob.status == ObligationStatus.withdrawn:
            continue
        state = "提出済み" if ob.status == ObligationStatus.submitted else "予定"
        lines.append(f"{ADDRESSEES.label(ob.to, 'ja')}への{OBLIGATION_KINDS.label(ob.kind, 'ja')}"
                     f"（{state}、期限 {view.local(ob.due_at, with_time=False)}）")
    if "eu" in (view.incident.jurisdictions or []):
        lines.append("EU域内の本人を含むため、GDPR第33条に基づく監督機関への通知を併せて行います。")
    if view.overrides.entrustment != Entrustment.none and view.overrides.joint_report:
        lines.append("委託元及び委託先の連名による報告です。")
    return "\n".join(lines) or "特になし"
