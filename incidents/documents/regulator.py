"""The regulator draft (PPC 漏えい等報告) as sections of labelled fields, ready for the template.

With a database the draft is the regimes domain's model of the PPC online form
(`incidents.regimes.ppc_form.build_form`): the PDF and `incidents regulator export` say the same
thing. Without one (samples, template previews) the same sections are filled from the document
context. Either way: a value not yet known prints as 調査中 / "not yet known", what is not done yet
as 未了 / "not yet done", no code ever reaches the page, and every sentence ends in です・ます.
"""

from __future__ import annotations

from typing import Any

from incidents.i18n import lower_first
from incidents.regimes.labels import OBLIGATION_KINDS

UNKNOWN = {"ja": "調査中", "en": "not yet known"}
# (Japanese, English within a sentence) of the report kinds, from the regimes' label table
PHASES = {p: (OBLIGATION_KINDS.label(p, "ja"), lower_first(OBLIGATION_KINDS.label(p, "en"))) for p in ("preliminary", "final")}


def _field(label: str, value: Any, key: str = "") -> dict[str, Any]:
    text = None if value is None or (isinstance(value, str) and not value.strip()) else str(value)
    return {"key": key, "label": label, "value": text, "known": text is not None, "changed": False, "previous": None}


def from_form(form: Any, lang: str) -> dict[str, Any]:
    """The regimes domain's RegulatorForm (a pydantic model) as template data."""
    en = lang == "en"

    def conv(f: Any) -> dict[str, Any]:
        return {"key": f.key, "label": f.label_en if en else f.label, "value": f.value, "known": f.known,
                "changed": f.changed, "previous": f.previous}

    return {
        "phase": form.phase, "phase_label": PHASES[form.phase][1 if en else 0],
        "title": form.title, "routing": [conv(f) for f in form.routing],
        "sections": [{"title": s.title_en if en else s.title, "fields": [conv(f) for f in s.fields]}
                     for s in form.sections],
        "changes": [{"label": c.label_en if en else c.label, "previous": c.previous, "value": c.value}
                    for c in form.changes],
        "sources": list(form.sources), "unknown": UNKNOWN[lang],
    }


def from_context(ctx: dict[str, Any]) -> dict[str, Any]:
    """The same sections from a document context (no database): Japanese or English."""
    lang = ctx["lang"]
    return _english(ctx) if lang == "en" else _japanese(ctx)


def _relation(ctx: dict[str, Any], lang: str) -> str | None:
    """委託元及び委託先の有無: the relation the incident names, "none" when known to be none, else not yet known."""
    e = ctx.get("entrustment")
    if e:
        return (f"Yes (principal: {e['principal']}; contractor: {e['contractor']})" if lang == "en"
                else f"あり（委託元：{e['principal']}、委託先：{e['contractor']}）")
    if ctx.get("entrustment_known"):
        return "None" if lang == "en" else "なし"
    return None


def _phase(ctx: dict[str, Any]) -> str:
    return "final" if "preliminary_report" in ctx.get("done", []) else "preliminary"


def _japanese(ctx: dict[str, Any]) -> dict[str, Any]:
    i, org, a, p, rc = ctx["incident"], ctx["org"], ctx.get("assessment"), ctx["progress"], ctx.get("root_cause")
    r, wording = ctx["recipients"], ctx["wording"]
    phase = _phase(ctx)
    subject = f"（件名「{i['subject']}」）" if i["subject"] else ""
    wrong = r.get("unintended_count", 0)
    story = i["story"]
    if story == "bcc_exposure":
        event = (f"{i['sent']}、{r.get('total', 0):,}件の宛先に電子メール{subject}を一斉送信した際、本来BCC欄に入力すべき"
                 "メールアドレスをTO欄又はCC欄に入力したため、受信者全員に他の受信者のメールアドレスが表示される状態となりました。")
    elif story == "wrong_attachment":
        event = f"{i['sent']}、電子メール{subject}を送信した際、個人データを含む別のファイルを誤って添付して送信しました。"
    elif story == "inappropriate_content":
        event = f"{i['sent']}、電子メール{subject}を、本文に本来記載すべきでない個人データを含めたまま送信しました。"
    else:
        how = {"lookalike_domain": "宛先のドメイン名を誤り、類似した別のドメインの",
               "distribution_list": "配信リストの誤りにより、本来の宛先ではない"}.get(story, "宛先を誤り、本来の宛先とは異なる")
        event = f"{i['sent']}、電子メール{subject}を送信した際、{how}{wrong:,}件の宛先に送信しました。"
    if i["protection_story"] == "zip_password_sent":
        event += "添付ファイルはパスワード付きZIP形式でしたが、パスワードを同じ宛先に別のメールで送信していました。"
    protection = {
        "none": "なし（暗号化等の保護措置は講じていません）",
        "zip": "パスワード付きZIPファイルで送信しました（パスワードは送信していません。高度な暗号化には当たりません）。",
        "zip_password_sent": "パスワード付きZIPファイルで送信しましたが、パスワードを同じ宛先に別のメールで送信していたため、保護措置として機能していません。",
        "encrypted": "高度な暗号化を施しており、復号のための鍵は漏えいしていません。",
        "encrypted_key_sent": "暗号化していましたが、復号のための鍵も同じ宛先に送信していました。",
    }[i["protection_story"]]
    total = p.get("deletion_total", 0)
    who = "メールアドレスが表示された受信者" if story == "bcc_exposure" else "誤送信先"
    if total and p.get("deletion_confirmed"):
        deletion = (f"{who}{total:,}件のうち削除確認書受領 {p['deletion_confirmed']:,}件（うち未開封 {p['opened_no']:,}件、"
                    f"開封 {p['opened_yes']:,}件、不明 {p['opened_unknown']:,}件）、未回答 {p['deletion_unanswered']:,}件です。")
    elif total and p.get("deletion_requested"):
        deletion = f"{who}{total:,}件のうち{p['deletion_requested']:,}件に削除を依頼し、回答を待っています（削除の確認は未了です）。"
    elif total:
        deletion = f"{who}{total:,}件への削除の依頼は未了です。"
    else:
        deletion = ""
    secondary = deletion + ("現時点で二次被害は確認されていません。" if p.get("all_unopened") else
                            f"現時点で二次被害は確認されていませんが、削除の確認が得られていない{who}があり、調査中です。"
                            if p.get("deletion_unanswered") else "現時点で二次被害は確認されていません。")
    if i["improper_purpose"]:
        secondary += "不正の目的によるおそれがあるため、引き続き調査中です。"
    apologies = (f"電話でのお詫び {p['apology_phoned']:,}件、書面・メールでのお詫び {p['apology_written']:,}件"
                 f"（対象 {p['apology_total']:,}件）です。" if p.get("apology_total") else "")
    if a and a.get("notify_individuals"):
        notice = "本人への通知を実施しました。" if "notify_individuals" in ctx.get("done", []) else "本人への通知は未了です（準備中です）。"
    else:
        notice = "本人への通知の要否を検討中です。"
    measures = None
    if rc and rc.get("countermeasures"):
        measures = "\n".join(f"・{m['title']}" + (f"（{m['due']}までに実施予定）" if m.get("due") else "")
                             for m in rc["countermeasures"])
    elif wording.get("measures"):
        measures = wording["measures"]
    other = []
    if i["eu"]:
        other.append("EU域内の本人を含むため、GDPR第33条に基づく監督機関への通知を併せて行います。")
    grounds = "、".join(a["grounds"]) if a and a.get("grounds") else ("該当なし" if a else None)
    contact = "　".join(x for x in (f"TEL {org['phone']}" if org.get("phone") else "", org.get("email", "")) if x)
    leak = "漏えい（発生）" if a and a.get("leak") else "漏えい（おそれ）"
    sections = [
        ("報告の種類", [_field("報告種別", PHASES[phase][0])]),
        ("報告者", [_field("報告者の氏名又は名称", org["name"]),
                   _field("住所又は所在地", " ".join(x for x in (f"〒{org['postal_code']}" if org.get("postal_code") else "",
                                                         org.get("address", "")) if x)),
                   _field("代表者の氏名", " ".join(x for x in (org.get("signer_title"), org.get("signer_name")) if x)),
                   _field("担当者の所属・氏名", org.get("contact_desk") or org.get("department")),
                   _field("担当者の連絡先（電話番号・メールアドレス）", contact)]),
        ("報告対象事態", [_field("事態の区分（漏えい／滅失／毀損、発生／おそれ）", leak),
                       _field("報告に該当する事由", grounds)]),
        ("(1) 概要", [_field("発生日時", i["sent"]), _field("発覚日時", i["discovered"]),
                     _field("発覚の経緯", i["discovery"]), _field("発生事案", event),
                     _field("委託元及び委託先の有無", _relation(ctx, "ja"))]),
        ("(2) 漏えい等が発生し、又は発生したおそれがある個人データの項目",
         [_field("個人データの項目", i["data_items_text"]), _field("保護措置の状況", protection)]),
        ("(3) 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
         [_field("本人の数", i["affected_text"] if i["affected_persons"] else None)]),
        # the organisation's words for outside readers, or the mistake's own cause (です・ます); the
        # analysis's root cause is internal text and stays in the root-cause report
        ("(4) 原因", [_field("原因", wording.get("cause") or i["cause"])]),
        ("(5) 二次被害又はそのおそれの有無及びその内容", [_field("二次被害又はそのおそれ", secondary)]),
        ("(6) 本人への対応の実施状況", [_field("本人への対応", notice + apologies)]),
        ("(7) 公表の実施状況", [_field("公表", "公表の要否を検討中です（未了）。" if phase == "preliminary" else None)]),
        ("(8) 再発防止のための措置", [_field("再発防止策", measures)]),
        ("(9) その他参考となる事項", [_field("その他", "\n".join(other) or "特にありません。")]),
    ]
    return {"phase": phase, "phase_label": PHASES[phase][0], "title": f"個人データの漏えい等報告（{PHASES[phase][0]}）",
            "routing": [], "sections": [{"title": t, "fields": f} for t, f in sections], "changes": [],
            "sources": ["個人情報保護法第26条・施行規則第8条第1項各号"], "unknown": UNKNOWN["ja"]}


def _english(ctx: dict[str, Any]) -> dict[str, Any]:
    i, org, a, p, rc = ctx["incident"], ctx["org"], ctx.get("assessment"), ctx["progress"], ctx.get("root_cause")
    r, wording = ctx["recipients"], ctx["wording"]
    phase = _phase(ctx)
    wrong = r.get("unintended_count", 0)
    subject = f" (subject “{i['subject']}”)" if i["subject"] else ""
    if i["story"] == "bcc_exposure":
        event = (f"On {i['sent']} an email{subject} was sent to {r.get('total', 0):,} recipients at once with their "
                 "addresses in To or Cc instead of Bcc, so every recipient could see the others’ addresses.")
    else:
        event = (f"On {i['sent']} an email{subject} was sent to a wrong recipient." if wrong == 1 else
                 f"On {i['sent']} an email{subject} was sent to {wrong:,} wrong recipients.")
    if i["protection_story"] == "zip_password_sent":
        event += " Its attachment was a password-protected ZIP file whose password was sent to the same address."
    total = p.get("deletion_total", 0)
    if total and p.get("deletion_confirmed"):
        secondary = (f"Of {total:,} wrong recipients, {p['deletion_confirmed']:,} returned a deletion confirmation "
                     f"(unopened {p['opened_no']:,}, opened {p['opened_yes']:,}, not known {p['opened_unknown']:,}); "
                     f"{p['deletion_unanswered']:,} have not answered.")
    elif total:
        secondary = ("Deletion was requested from the wrong recipient; no confirmation yet." if total == 1 else
                     f"Deletion was requested from {p.get('deletion_requested', 0):,} of {total:,} wrong recipients; "
                     "no confirmation yet.")
    else:
        secondary = ""
    secondary += " No secondary damage has been found so far." + (
        " Recipients who have not confirmed deletion are still being followed up." if p.get("deletion_unanswered") else "")
    if i["improper_purpose"]:
        secondary += " An improper purpose is suspected; the investigation continues."
    measures = None
    if rc and rc.get("countermeasures"):
        measures = "\n".join(f"• {m['title']}" + (f" (by {m['due']})" if m.get("due") else "") for m in rc["countermeasures"])
    elif wording.get("measures"):
        measures = wording["measures"]
    other = ("People in the EU are concerned: notification of the supervisory authority under GDPR art. 33 within "
             "72 hours (nature of the breach, categories and approximate numbers of people and records, contact "
             "point, likely consequences, measures taken or proposed)." if i["eu"] else "None.")
    grounds = "; ".join(a["grounds"]) if a and a.get("grounds") else ("none" if a else None)
    sections = [
        ("Report", [_field("Type of report", PHASES[phase][1])]),
        ("Reporter", [_field("Reporting organisation", org["name"]), _field("Address", org.get("address")),
                      _field("Representative", ", ".join(x for x in (org.get("signer_name"), org.get("signer_title")) if x)),
                      _field("Contact person", org.get("contact_desk") or org.get("department")),
                      _field("Contact (phone, email)", ", ".join(x for x in (org.get("phone"), org.get("email")) if x))]),
        ("Situation", [_field("Kind of event", "leak" if a and a.get("leak") else "possible leak"),
                       _field("Grounds for reporting", grounds)]),
        ("(1) Summary", [_field("Occurred", i["sent"]), _field("Discovered", i["discovered"]),
                         _field("How it was discovered", i["discovery"]), _field("What happened", event),
                         _field("Entrustment (principal / contractor)", _relation(ctx, "en"))]),
        ("(2) Items of personal data", [_field("Items", i["data_items_text"]), _field("Protection", i["protection"])]),
        ("(3) Number of people", [_field("People", f"{i['affected_persons']:,}" if i["affected_persons"] else None)]),
        ("(4) Cause", [_field("Cause", wording.get("cause") or i["cause"])]),
        ("(5) Secondary damage or its risk", [_field("Secondary damage", secondary.strip())]),
        ("(6) Response to the people concerned", [_field("Response", (
            "The people concerned have been notified." if "notify_individuals" in ctx.get("done", [])
            else "Notification of the people concerned: not yet done." if a and a.get("notify_individuals")
            else "Whether to notify the people concerned is under review."))]),
        ("(7) Public announcement", [_field("Announcement", "Under review (not yet done)." if phase == "preliminary" else None)]),
        ("(8) Measures against recurrence", [_field("Measures", measures)]),
        ("(9) Other relevant matters", [_field("Other", other)]),
    ]
    return {"phase": phase, "phase_label": PHASES[phase][1], "title": "Report of a personal data breach (draft)",
            "routing": [], "sections": [{"title": t, "fields": f} for t, f in sections], "changes": [],
            "sources": ["APPI art. 26; enforcement rules art. 8(1)"], "unknown": UNKNOWN["en"]}
