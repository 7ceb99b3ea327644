"""Words the documents print for the record's codes, in Japanese and English.

Rules are data: one table per code list, (ja, en) per value. An unknown code prints as itself.
"""

from __future__ import annotations

from collections.abc import Mapping

Labels = Mapping[str, tuple[str, str]]

MISTAKE_TYPES: Labels = {
    "wrong_recipient": ("宛先の誤り", "wrong recipient"),
    "bcc_exposure": ("BCCで送るべきメールをTO/CCで送信", "addresses exposed in To/Cc instead of Bcc"),
    "wrong_attachment": ("添付ファイルの誤り", "wrong attachment"),
    "lookalike_domain": ("類似ドメインへの誤送信", "look-alike domain"),
    "distribution_list": ("配信リスト・グループの誤り", "wrong distribution list"),
    "inappropriate_content": ("本文への不適切な情報の記載", "inappropriate content in the message"),
    "other": ("その他", "other"),
}

# One or two sentences on the cause, as a letter says it (the reader is not an expert).
CAUSES: Labels = {
    "wrong_recipient": (
        "送信時に宛先のメールアドレスを誤って入力・選択したことによるものです。",
        "The sender entered or selected a wrong email address when sending.",
    ),
    "bcc_exposure": (
        "複数の方へ一斉に送信する際、本来BCC欄に入力すべきメールアドレスをTO欄またはCC欄に入力して送信したことによるものです。",
        "When sending one message to many people, the addresses were put in the To or Cc field instead of Bcc, so every recipient could see the others.",
    ),
    "wrong_attachment": (
        "送信時に添付するファイルを取り違えたことによるものです。",
        "The wrong file was attached when the message was sent.",
    ),
    "lookalike_domain": (
        "送信時に宛先のドメイン名を一文字誤り、実在する別のドメインへ送信したことによるものです。",
        "The recipient's domain name was mistyped by one character, so the message went to a different domain.",
    ),
    "distribution_list": (
        "配信先のリスト（グループ）の選択または登録内容に誤りがあったことによるものです。",
        "The mailing list used for sending was wrong or contained a wrong member.",
    ),
    "inappropriate_content": (
        "本文に本来記載すべきでない情報が残ったまま送信したことによるものです。",
        "Information that should not have been included was left in the body of the message.",
    ),
    "other": ("メール送信時の確認不足によるものです。", "The message was not checked sufficiently before sending."),
}

DISCOVERY_METHODS: Labels = {
    "self_noticed": ("送信者本人が気付いた", "noticed by the sender"),
    "recipient_reported": ("受信者からの連絡", "reported by the recipient"),
    "colleague_noticed": ("同僚が気付いた", "noticed by a colleague"),
    "system_alert": ("システムの警告", "system alert"),
    "third_party": ("第三者からの連絡", "reported by a third party"),
}

DATA_ITEMS: Labels = {
    "name": ("氏名", "name"),
    "email_address": ("メールアドレス", "email address"),
    "postal_address": ("住所", "postal address"),
    "phone": ("電話番号", "phone number"),
    "birth_date": ("生年月日", "date of birth"),
    "gender": ("性別", "gender"),
    "employee_id": ("社員番号", "employee number"),
    "customer_id": ("顧客番号", "customer number"),
    "bank_account": ("銀行口座情報", "bank account details"),
    "credit_card": ("クレジットカード情報", "credit card details"),
    "payment_credentials": ("決済サービスのID・パスワード", "payment service login"),
    "my_number": ("個人番号（マイナンバー）", "My Number (individual number)"),
    "medical": ("病歴・診療情報", "medical history or treatment"),
    "health_checkup": ("健康診断の結果", "health check results"),
    "disability": ("障害に関する情報", "disability"),
    "genome": ("ゲノム情報", "genome data"),
    "criminal_record": ("犯罪の経歴", "criminal record"),
    "criminal_procedure": ("刑事手続に関する情報", "criminal proceedings"),
    "crime_victim": ("犯罪被害の事実", "being a crime victim"),
    "race": ("人種", "race"),
    "creed": ("信条", "creed"),
    "social_status": ("社会的身分", "social status"),
    "confidential_business": ("営業秘密・機密情報", "confidential business information"),
}

FIELDS: Labels = {"to": ("TO", "To"), "cc": ("CC", "Cc"), "bcc": ("BCC", "Bcc")}

RECIPIENT_KINDS: Labels = {
    "unintended": ("誤送信先", "unintended recipient"),
    "intended": ("本来の宛先", "intended recipient"),
}

PROTECTIONS: Labels = {
    "none": ("なし", "none"),
    "strong_encryption": ("高度な暗号化", "strong encryption"),
    "password_zip": ("パスワード付きZIP", "password-protected ZIP"),
}

STATUSES: Labels = {"open": ("対応中", "open"), "closed": ("完了", "closed")}


def label(table: Labels, code: str | None, lang: str) -> str:
    if code is None:
        return ""
    pair = table.get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def join_labels(table: Labels, codes, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(label(table, c, lang) for c in codes or ())

STEP_STATUSES: Labels = {
    "open": ("未了", "open"), "pending": ("未了", "pending"), "in_progress": ("対応中", "in progress"),
    "done": ("完了", "done"), "completed": ("完了", "done"), "waived": ("省略", "waived"),
    "planned": ("予定", "planned"), "not_applicable": ("対象外", "not applicable"), "verified": ("効果確認済", "verified"),
}

FACTOR_CATEGORIES: Labels = {  # 4M and 4E
    "Man": ("人（Man）", "Man"), "Machine": ("設備・システム（Machine）", "Machine"),
    "Media": ("環境・情報（Media）", "Media"), "Management": ("管理（Management）", "Management"),
    "Education": ("教育", "Education"), "Engineering": ("技術・仕組み", "Engineering"),
    "Enforcement": ("規程・徹底", "Enforcement"), "Example": ("模範・事例", "Example"),
}
