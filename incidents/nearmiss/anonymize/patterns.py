"""Pattern detectors: mail and web addresses, domains, phone numbers, postal codes, street addresses,
account / card / customer numbers and file names, in Japanese and English text.

Each detector yields `Finding`s with offsets into the text it was given. Dates, amounts and counts are
in coarsen.py; names in names_ja.py / names_en.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phonenumbers import Leniency, PhoneNumberMatcher

from incidents.nearmiss.anonymize import addresses
from incidents.nearmiss.anonymize.types import Finding, Kind

# ---------------------------------------------------------------- building blocks
_A = r"A-Za-z0-9"  # an ASCII word character, for boundaries that also hold next to Japanese text
_NOT_BEFORE = rf"(?<![{_A}._%+\-])"
_NOT_AFTER = rf"(?![{_A}\-])"
_DIGIT = "0-9０-９"
_DASH = "\\-－‐−ー―"  # hyphen, full-width hyphen-minus, hyphen, minus, long vowel mark (often typed for a dash)

PREFECTURES = (
    "北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|"
    "山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|"
    "長崎|熊本|大分|宮崎|鹿児島|沖縄)県"
)
# Municipalities written in hiragana, which the kanji/katakana rule below would not see.
_HIRAGANA_TOWNS = "さいたま|つくばみらい|つくば|ひたちなか|いわき|いちき串木野|かすみがうら|みどり|あきる野|むつ|にかほ|うきは"

FILE_EXTENSIONS = (
    "xlsx|xlsm|xlsb|xls|csv|tsv|docx|docm|doc|pdf|pptx|ppt|zip|7z|lzh|rar|tar|gz|tgz|txt|rtf|odt|ods|odp|"
    "jpeg|jpg|png|gif|heic|tiff|tif|bmp|msg|eml|json|xml|html|htm|key|numbers|pages|mp4|mov|wav|mp3|dat|bak|db|"
    "accdb|mdb|vcf|ics"
)
_FILE_EXT_SET = frozenset(FILE_EXTENSIONS.split("|"))
FILE_EXTENSION_SET = _FILE_EXT_SET

_COMMON_TLDS = frozenset(
    "com net org edu gov mil int info biz name pro mobi asia tel travel jobs app dev io ai co cloud site online "
    "tech xyz shop store blog news media email mail group company global world club live work today".split()
)

# ---------------------------------------------------------------- the expressions
EMAIL = re.compile(rf"{_NOT_BEFORE}[{_A}._%+\-]+[@＠](?:[{_A}\-]+\.)+[A-Za-z]{{2,24}}{_NOT_AFTER}")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'「」『』（）()、。，,【】]+[^\s<>\"'「」『』（）()、。，,【】.!?:;]",
                 re.IGNORECASE)
DOMAIN = re.compile(rf"(?<![{_A}._%+\-@＠/])(?:[{_A}](?:[{_A}\-]{{0,61}}[{_A}])?\.)+([A-Za-z]{{2,24}}){_NOT_AFTER}")

# A file name: a run of characters a name may hold, then a known extension. The run stops at spaces,
# quotes, brackets and sentence punctuation; inside unquoted Japanese text it is cut after the last
# particle so that "誤って顧客一覧.xlsx" keeps "誤って".
FILE = re.compile(
    r"(?P<name>[^\s\\/:*?\"<>|「」『』（）()【】\[\]、。，,：；;！!？?]+?)\.(?P<ext>" + FILE_EXTENSIONS + r")"
    rf"(?![{_A}])",
    re.IGNORECASE,
)
_FILE_CUT = re.compile(r".*[をにでがはへとてたも]")

POSTAL_JA = re.compile(rf"〒\s*[{_DIGIT}]{{3}}[{_DASH}]?[{_DIGIT}]{{4}}|(?<![{_DIGIT}{_DASH}])[{_DIGIT}]{{3}}[{_DASH}][{_DIGIT}]{{4}}"
                       rf"(?![{_DIGIT}]|[{_DASH}][{_DIGIT}])")
POSTAL_US = re.compile(r"(?<![A-Za-z])[A-Z]{2}\s+\d{5}(?:-\d{4})?(?!\d)")
POSTAL_UK = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![A-Za-z0-9])")

PLACE_JA = re.compile(rf"(?:{PREFECTURES})(?:(?:{_HIRAGANA_TOWNS}|[一-龥ァ-ヶー々]{{1,6}}?)[市区町村郡])?")

# Card numbers: 13-19 digits, usually in groups of four.
CARD = re.compile(rf"(?<![{_DIGIT}])(?:[{_DIGIT}]{{4}}[ {_DASH}]?){{3}}[{_DIGIT}]{{1,7}}(?![{_DIGIT}])")
# Any long run of digits (bank accounts, policy, customer, employee numbers), hyphens allowed inside.
LONG_NUMBER = re.compile(rf"(?<![{_DIGIT}{_DASH}.,])[{_DIGIT}](?:[{_DASH}]?[{_DIGIT}]){{5,}}(?![{_DIGIT}])")
# Identifiers mixing letters and digits: INV-2024-0012, C123456, AB12-345.
ALNUM_ID = re.compile(
    r"(?<![A-Za-z0-9\-_])(?=[A-Za-z0-9\-_]*\d)(?=[A-Za-z0-9\-_]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-_]{3,}[A-Za-z0-9](?![A-Za-z0-9\-_])"
)
# A number right after a word that says it is one: 顧客番号 4521, account no. 8812, ID: 77.
KEYED_NUMBER = re.compile(
    r"(?:(?<!電話)(?<!携帯)(?<!FAX)(?<!ファックス)(?<!ファクス)番号|ＩＤ|ID|Id|No\.|No|no\.|(?<![Pp]hone )(?<![Ff]ax )(?:number|Number)|MRN|#)\s*(?:は|:|：)?\s*(?:普通|当座|savings|checking)?\s*"
    rf"(?P<value>[A-Za-z{_DIGIT}][A-Za-z{_DIGIT}{_DASH}]{{2,}})"
)
_DATE_LIKE = re.compile(rf"^(?:\d{{4}}[{_DASH}/.]\d{{1,2}}[{_DASH}/.]\d{{1,2}}|\d{{4}}[{_DASH}/.]\d{{1,2}}|\d{{8}})$")
# Labels that look like identifiers but name nothing.
_ID_ALLOW = re.compile(r"^(?:FY\d{2,4}|Q[1-4]|H[1-2]|\d{1,2}(?:F|th|st|nd|rd|am|pm|AM|PM|min|h|GB|MB|KB)|"
                       r"\d{4}s|ISO\d+|A[3-5]|B[4-5]|[23]FA|MP[34]|IPv[46]|COVID-19|G7|G20|P[DH]CA|\d+[xX]\d+)$")


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def find_emails(text: str) -> Iterator[Finding]:
    for m in EMAIL.finditer(text):
        yield Finding(m.start(), m.end(), Kind.email, "pattern", priority=2)


def find_urls(text: str) -> Iterator[Finding]:
    for m in URL.finditer(text):
        yield Finding(m.start(), m.end(), Kind.url, "pattern", priority=2)


def find_domains(text: str) -> Iterator[Finding]:
    for m in DOMAIN.finditer(text):
        tld = m.group(1).lower()
        if tld in _FILE_EXT_SET:
            continue
        if len(tld) != 2 and tld not in _COMMON_TLDS:
            continue
        value = m.group(0)
        labels = value.split(".")
        if all(len(label) == 1 for label in labels):  # e.g. "i.e", "U.S"
            continue
        yield Finding(m.start(), m.end(), Kind.domain, "pattern")


def find_files(text: str) -> Iterator[Finding]:
    for m in FILE.finditer(text):
        start = m.start("name")
        name = m.group("name")
        cut = _FILE_CUT.match(name)
        if cut and not _quoted(text, m.start()):
            if cut.end() == len(name):
                continue
            start += cut.end()
        yield Finding(start, m.end(), Kind.file, "pattern", priority=2)


def _quoted(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in "「『\"'“‘（(【["


def find_postal_codes(text: str) -> Iterator[Finding]:
    for rx in (POSTAL_JA, POSTAL_US, POSTAL_UK):
        for m in rx.finditer(text):
            yield Finding(m.start(), m.end(), Kind.postal_code, "pattern")


def find_addresses(text: str) -> Iterator[Finding]:
    yield from addresses.find_ja(text)
    for m in PLACE_JA.finditer(text):
        yield Finding(m.start(), m.end(), Kind.place, "pattern")
    yield from addresses.find_en(text)


# Candidate stretches for the phone matcher: a digit run with separators, 7 or more digits.
_PHONE_CANDIDATE = re.compile(rf"[+＋(（]?[{_DIGIT}][{_DIGIT}()（）{_DASH} .]{{5,22}}[{_DIGIT}]")


def find_phones(text: str, regions: tuple[str, ...] = ("JP", "US", "GB")) -> Iterator[Finding]:
    """Phone numbers through Google's libphonenumber (the `phonenumbers` port); lenient, so that
    fictional or partly masked numbers still go. Dates and postal codes are left to their own rules.
    The matcher runs only on candidate stretches (it is the slowest detector on whole texts)."""
    for cand in _PHONE_CANDIDATE.finditer(text):
        if _digits(cand.group(0)) < 7:
            continue
        lo = max(0, cand.start() - 1)
        window = text[lo:cand.end() + 1]
        for region in regions:
            found = False
            for m in PhoneNumberMatcher(window, region, leniency=Leniency.POSSIBLE):
                raw = m.raw_string
                if _DATE_LIKE.match(raw) or POSTAL_JA.fullmatch(raw):
                    continue
                if _digits(raw) < 9 and not raw.startswith(("+", "0", "(", "（", "０")):
                    continue
                if _digits(raw) >= 13 and not raw.startswith("+"):
                    continue  # a card or account number
                start = lo + m.start
                if raw[0] in "(（" and not any(c in raw for c in ")）"):
                    start += 1  # the matcher took an opening bracket that belongs to the sentence
                found = True
                yield Finding(start, lo + m.end, Kind.phone, "phone")
            if found:
                break


def find_accounts(text: str) -> Iterator[Finding]:
    for m in CARD.finditer(text):
        if 13 <= _digits(m.group(0)) <= 19:
            yield Finding(m.start(), m.end(), Kind.account, "card", priority=1)
    for m in LONG_NUMBER.finditer(text):
        if not _DATE_LIKE.match(m.group(0)):
            yield Finding(m.start(), m.end(), Kind.account, "pattern")
    for m in ALNUM_ID.finditer(text):
        value = m.group(0)
        if _digits(value) >= 3 and not _ID_ALLOW.match(value) and not _DATE_LIKE.match(value):
            yield Finding(m.start(), m.end(), Kind.account, "pattern")
    for m in KEYED_NUMBER.finditer(text):
        value = m.group("value")
        if _digits(value) >= 2 and not _DATE_LIKE.match(value):
            yield Finding(m.start("value"), m.end("value"), Kind.account, "keyed", priority=1)


def find_all(text: str) -> Iterator[Finding]:
    yield from find_emails(text)
    yield from find_urls(text)
    yield from find_domains(text)
    yield from find_files(text)
    yield from find_postal_codes(text)
    yield from find_addresses(text)
    yield from find_phones(text)
    yield from find_accounts(text)
