"""Sentences of the near-miss draft, in Japanese and English (rules are data: one place for wording)."""

from __future__ import annotations

KIND_OF_WORK = {
    "wrong_recipient": ("個別の宛先へのメール送信", "Sending a mail to one recipient"),
    "bcc_exposure": ("複数の宛先への一斉メール送信", "Sending one mail to many recipients"),
    "wrong_attachment": ("ファイルを添付したメールの送信", "Sending a mail with an attachment"),
    "lookalike_domain": ("社外ドメイン宛てのメール送信", "Sending a mail to an outside domain"),
    "distribution_list": ("メーリングリスト・グループ宛てのメール送信", "Sending to a mailing list or group"),
    "inappropriate_content": ("過去のメールや雛形を使った文面の作成と送信",
                              "Writing a mail from an earlier mail or a template"),
    "other": ("メールの送信", "Sending a mail"),
}

WHAT_WENT_WRONG = {
    "wrong_recipient": ("本来とは別の相手にメールが送信されました。", "A mail went to someone other than the intended recipient."),
    "bcc_exposure": ("一斉送信の際にメールアドレスがTo/Cc欄に入り、受信者同士にアドレスが見える状態になりました。",
                     "In a mass mailing the addresses were put in To or Cc, so every recipient saw the others."),
    "wrong_attachment": ("誤ったファイルが添付されたまま送信されました。", "The wrong file was attached and sent."),
    "lookalike_domain": ("正しいドメインとよく似た別のドメイン宛てに送信されました。",
                         "The mail went to a lookalike domain, one typo away from the real one."),
    "distribution_list": ("メーリングリスト・グループの誤ったメンバーにも届きました。",
                          "A mailing list or group delivered the mail to a wrong member."),
    "inappropriate_content": ("本文に送るべきでない情報が残ったまま送信されました。",
                              "The body still held information that should not have been sent."),
    "other": ("メールの誤送信が発生しました。", "A mail was misdelivered."),
}

DISCOVERY = {
    "self_noticed": ("送信者本人が気付きました", "The sender noticed it"),
    "recipient_reported": ("受信者からの指摘で分かりました", "The recipient pointed it out"),
    "colleague_noticed": ("同僚が気付きました", "A colleague noticed it"),
    "system_alert": ("システムの警告で分かりました", "A system alert showed it"),
    "third_party": ("第三者からの連絡で分かりました", "A third party reported it"),
}

# (upper bound in minutes, ja, en): how long after sending the mistake was found.
DELAY_BUCKETS = (
    (10, "送信から10分以内に", "within 10 minutes of sending"),
    (60, "送信から1時間以内に", "within an hour of sending"),
    (24 * 60, "送信から1日以内に", "within a day of sending"),
    (7 * 24 * 60, "送信から1週間以内に", "within a week of sending"),
    (None, "送信から1週間以上たってから", "more than a week after sending"),
)

SECTION_TITLES = {
    "kind_of_work": ("業務の種類", "Kind of work"),
    "what_happened": ("何が起きたか", "What happened"),
    "could_have_led_to": ("起こり得た結果", "What it could have led to"),
    "causes": ("原因と背景", "Causes and background"),
    "what_changed": ("変えたこと", "What was changed"),
}

T = {
    "attachments": ("（添付ファイルあり：{exts}）", " (with attachments: {exts})"),
    "recipients": ("宛先は{n}件。", "{n} recipients. "),
    "summary": ("経緯：", "Summary: "),
    "leak": ("{items}を含む{n}分の情報が漏えいするおそれがありました。",
             "Information on {n}, including {items}, could have leaked."),
    "leak_no_items": ("{n}分の情報が漏えいするおそれがありました。", "Information on {n} could have leaked."),
    "persons_unit": ("名", "people"),
    "sensitive": ("要配慮個人情報を含むため、1名分でも個人情報保護委員会への報告と本人への通知が必要となり得る事案でした。",
                  "It held sensitive data (要配慮個人情報): reportable to the regulator and to the people concerned even for one person."),
    "financial": ("財産的被害のおそれがある情報を含むため、報告対象となり得る事案でした。",
                  "It held data whose misuse may cause financial loss: reportable."),
    "over_1000": ("影響を受ける方が1,000名を超えるため、報告対象となり得る規模でした。",
                  "More than 1,000 people were affected: reportable for that reason alone."),
    "password_zip": ("パスワード付きZIPは、パスワードが同じ宛先に届けば保護になりません。",
                     "A password ZIP protects nothing once the password reaches the same wrong address."),
    "encrypted": ("データは高度な暗号化で保護されていました。", "The data was protected by strong encryption."),
    "no_data": ("個人情報は含まれていませんでしたが、取引先の信頼を損なうおそれがありました。",
                "No personal data was involved, but it could have damaged a client's trust."),
    "factors": ("背景にあった要因：", "Contributing factors:"),
    "whys": ("なぜなぜ分析：", "Five whys:"),
    "why_n": ("なぜ{n}：", "Why {n}: "),
    "causes_free": ("その他の原因：", "Other causes:"),
    "no_analysis": ("原因分析はまだ記録されていません。", "No root-cause analysis has been recorded yet."),
    "no_countermeasures": ("対策はまだ記録されていません。", "No countermeasure has been recorded yet."),
    "title": ("【ヒヤリハット】{mistake}（{when}）", "Near miss: {mistake} ({when})"),
    "bullet": ("・", "- "),
}


def pick(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]


def t(key: str, locale: str, **params) -> str:
    return pick(T[key], locale).format(**params)
