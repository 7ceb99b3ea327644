"""Detection vocabulary, kept as data in one place.

Keywords are matched after NFKC normalisation and case folding, against attachment names,
table column headers and (for content markers) the body. Sources: the data items of the incident
record (`incidents.cases.models.DataItem`) and the APPI categories of sensitive data (要配慮個人情報,
APPI art. 2(3) and Cabinet Order art. 2).
"""

from __future__ import annotations

# data item -> keywords in file names and column headers
DATA_ITEM_KEYWORDS: dict[str, tuple[str, ...]] = {
    "name": ("氏名", "名前", "お名前", "フリガナ", "ふりがな", "宛名", "名簿", "住所録", "fullname", "full name",
             "first name", "last name", "firstname", "lastname", "roster", "name"),
    "email_address": ("メールアドレス", "メアド", "e-mail", "email", "mail address", "アドレス帳"),
    "postal_address": ("住所", "所在地", "郵便番号", "〒", "postal", "zip", "postcode", "street"),
    "phone": ("電話", "携帯", "tel", "phone", "mobile", "fax"),
    "birth_date": ("生年月日", "誕生日", "birth", "dob", "birthday"),
    "gender": ("性別", "gender", "sex"),
    "employee_id": ("社員番号", "従業員番号", "職員番号", "社員id", "employee id", "employee no", "staff id", "emp no"),
    "customer_id": ("顧客番号", "顧客id", "顧客コード", "会員番号", "会員id", "契約番号", "証券番号", "customer id",
                    "customer no", "member id", "membership", "policy no"),
    "bank_account": ("口座", "振込先", "銀行", "bank", "account no", "account number", "iban"),
    "credit_card": ("クレジット", "カード番号", "credit card", "card number", "card no", "cvv"),
    "payment_credentials": ("パスワード", "ログインid", "暗証番号", "password", "passcode", "login id", "pin"),
    "my_number": ("マイナンバー", "個人番号", "my number", "mynumber"),
    "medical": ("病歴", "カルテ", "診療", "診断書", "処方", "患者", "病名", "既往", "medical", "patient",
                "diagnosis", "prescription"),
    "health_checkup": ("健診", "健康診断", "人間ドック", "ストレスチェック", "health check", "checkup"),
    "disability": ("障害者", "障がい", "障碍", "disability"),
    "genome": ("ゲノム", "遺伝子", "genome", "genetic"),
    "criminal_record": ("前科", "犯罪歴", "criminal record"),
    "criminal_procedure": ("逮捕", "起訴", "被疑者", "arrest"),
    "crime_victim": ("犯罪被害", "被害者", "crime victim"),
    "race": ("人種", "race", "ethnicity"),
    "creed": ("信条", "宗教", "religion"),
    "social_status": ("社会的身分", "被差別", "social status"),
    "confidential_business": ("社外秘", "極秘", "機密", "部外秘", "取扱注意", "見積", "原価", "契約書", "議事録",
                              "confidential", "secret", "quotation", "estimate", "minutes"),
}

# Words that name a data item in a column header but not in a file name: «email.eml», «Email template.docx»
# or «name_change.pdf» hold no list of addresses or names. In file names, the plural or a list word is needed.
COLUMN_ONLY_KEYWORDS: frozenset[str] = frozenset(
    {"email", "e-mail", "mail address", "name", "zip", "pin", "sex", "race", "mobile", "tel", "fax", "street", "dob"})
FILENAME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "email_address": ("emails", "e-mails", "email addresses", "email address list", "email list", "mailing list",
                      "mail list", "address list", "addresses"),
    "name": ("names", "name list", "namelist", "full names"),
    "phone": ("telephone", "phone numbers", "tel list"),
    "postal_address": ("zip codes", "postcodes"),
}


def filename_keywords(item: str) -> tuple[str, ...]:
    """The keywords of a data item that count in a file name."""
    return tuple(k for k in DATA_ITEM_KEYWORDS[item] if k not in COLUMN_ONLY_KEYWORDS) + FILENAME_KEYWORDS.get(item, ())


# a file whose name says it lists people (strong words) ...
PEOPLE_LIST_KEYWORDS: tuple[str, ...] = (
    "名簿", "顧客", "会員", "住所録", "個人情報", "患者", "社員", "従業員", "職員", "生徒", "学生",
    "受験者", "当選者", "参加者", "申込者", "応募者", "利用者", "契約者", "加入者", "保護者",
    "customers", "members", "roster", "contacts", "addresses", "patients", "employees", "students",
    "participants", "applicants", "attendees", "subscribers",
)
# ... and words that only say "a list" (a price list is no list of people): they count only
# together with personal columns or many rows
LIST_WORDS_WEAK: tuple[str, ...] = ("一覧", "リスト", "list", "users")

# "〇〇様" in a file name that addresses nobody in particular
GENERIC_ADDRESSEES: frozenset[str] = frozenset(
    "お客 お客さま 皆 皆々 みな みなさま 各位 ご担当者 担当者 ご担当 関係者 関係各位 お得意 会員 利用者 保護者 ご利用者 "
    "ご契約者 契約者 加入者 ご加入者 株主 取引先 お取引先 貴社 御社 先方".split()
)

# body text that should never have left the organisation
INTERNAL_MARKERS: tuple[str, ...] = (
    "社外秘", "部外秘", "社内限り", "社内用", "社内のみ", "内部用", "取扱注意", "転送禁止", "社内メモ", "【社内】",
    # not "confidential" alone: most corporate footers call every mail confidential
    "internal only", "internal use only", "internal memo", "do not forward", "not for distribution",
)

# recipient local parts and display names that look like a mailing list or group
# recipient local parts that look like a mailing list or group: the whole local part is one of
# LIST_LOCAL_WORDS, or its first or last piece (split at - _ .) is one of LIST_LOCAL_AFFIXES
LIST_LOCAL_WORDS = frozenset(
    "all everyone everybody allstaff staff member members employees ml list group grp team dl announce "
    "zenin zensha shain syain".split()
)
LIST_LOCAL_AFFIXES = frozenset("all ml list group grp team dl announce users members".split())
LIST_NAME_KEYWORDS: tuple[str, ...] = (
    "メーリングリスト", "全員", "全社員", "全社", "全職員", "各位", "一同", "ml", "mailing list", "distribution list",
    "all staff", "everyone",
)
