"""Street addresses as whole units: from the postcode, prefecture or town to the building and the room.

A building or facility name right after the block number («…2-8-1 東京都庁第一本庁舎», «…4-2-8 グランドメゾン
芝公園 502号室») or right before the street («Flat 4, Larkspur House, 48 Mill Lane …») belongs to the address
and goes with it: a near-miss text must never keep it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidents.nearmiss.anonymize.types import Finding, Kind

_DIGIT = "0-9０-９"
_DASH = "\\-－‐−ー―"
_NUM = rf"[{_DIGIT}一二三四五六七八九十〇]+"
PREFECTURES = (
    "北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|"
    "山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|"
    "長崎|熊本|大分|宮崎|鹿児島|沖縄)県"
)
_HIRAGANA_TOWNS = "さいたま|つくばみらい|つくば|ひたちなか|いわき|いちき串木野|かすみがうら|みどり|あきる野|むつ|にかほ|うきは"
_KANJI = "一-龥ァ-ヶー々ヶ"
# a town name may hold が, の, ケ (霞が関, 一ノ瀬) between kanji; Kyoto streets say 上る・下ル・入る
_TOWN = rf"(?:[{_KANJI}]|[がのケヶ](?=[{_KANJI}])|(?:上|下|入)[るル]|[ぁ-ん]{{3,8}}(?={_NUM}|[{_KANJI}]))"
_START = re.compile(
    rf"(?:〒\s*[{_DIGIT}]{{3}}[{_DASH}]?[{_DIGIT}]{{4}}[\s　]*)?"
    rf"(?:(?:{PREFECTURES})(?:(?:{_HIRAGANA_TOWNS}|[{_KANJI}]{{1,7}}?)[市区町村郡]){{0,3}}"
    rf"|(?:(?:{_HIRAGANA_TOWNS}|[{_KANJI}]{{1,7}}?)[市区町村郡]){{1,3}})"
)
# the town and block: 芝公園4-2-8, 三軒茶屋2丁目11番22号, 北1条西5丁目, 烏丸通御池上る二条殿町540, 新都心8
_BLOCK = re.compile(
    rf"(?:{_TOWN}{{0,16}}?{_NUM}(?:丁目|番地の?|番|号|条|線|地割|[{_DASH}]|[東西南北](?={_NUM}))?)+"
    rf"(?:{_NUM}|号)?"
)
_STOP = set("、。，,.\n「」『』（）()【】[]:：;；!！?？")
_PARTICLES = ("の", "に", "へ", "を", "が", "で", "は", "と", "も", "や", "まで", "から", "より", "です", "でし", "にあ")
_ROOM = re.compile(rf"(?:[\s　]*(?:[A-ZＡ-Ｚ]棟|[{_DIGIT}]+(?:階|[FＦ]|号室|号)|#?[{_DIGIT}]{{2,4}}(?![{_DIGIT}])))+")
_HIRAGANA_RUN = re.compile(r"[ぁ-ん]+")
_MAX_BUILDING = 40


_BUILDING_WORD = ("ビル|ビルディング|タワー|タワーズ|ヒルズ|マンション|ハイツ|コーポ|レジデンス|メゾン|ハイム|プラザ|センター|"
                  "スクエア|テラス|コート|ガーデン|会館|庁舎|団地|寮|棟|荘|館")
# a building's name in brackets right after the address: «（丸ビル）», «(森タワー 3F)»
_PAREN_BUILDING = re.compile(
    rf"[\s　]*[（(][^（）()\n、。]{{0,24}}(?:{_BUILDING_WORD})(?:[\s　]*[{_DIGIT}]+(?:階|[FＦ]|号室|号))?[）)]")


def _building_end(text: str, start: int) -> int:
    """Where the building (or facility) name after the block ends: at punctuation, a particle, a name's
    様 or 宛, or a space before the rest of the sentence. `start` when there is none."""
    end = start
    i = start
    limit = min(len(text), start + _MAX_BUILDING)
    while i < limit:
        ch = text[i]
        if ch in _STOP or ch in "様殿宛" or text.startswith("御中", i):
            break
        if ch in " 　":
            j = i
            while j < len(text) and text[j] in " 　":
                j += 1
            if j >= len(text) or text[j] in _STOP or text.startswith(_PARTICLES, j) or text[j] in "様殿宛":
                break
            i = j
            continue
        if ch in "のがケヶ" and i > start and re.match(rf"[{_KANJI}]", text[i - 1]) and text[i - 1] not in "階室号棟館" \
                and i + 1 < len(text) and re.match(rf"[{_KANJI}]", text[i + 1]):
            i += 1  # 丸の内, 霞が関: part of a name
            continue
        if "ぁ" <= ch <= "ん":
            run = _HIRAGANA_RUN.match(text, i).group(0)
            if text.startswith(_PARTICLES, i) or len(run) < 3:
                break
            i += len(run)
            end = i
            continue
        i += 1
        end = i
    room = _ROOM.match(text, end)
    if room is None and end > start and (text[end:end + 1] in ("様", "殿", "宛") or text.startswith("御中", end)):
        return start  # «…4-2-8 田中様»: a person's name, not a building
    return room.end() if room else end


def find_ja(text: str) -> Iterator[Finding]:
    pos = 0
    while True:
        m = _START.search(text, pos)
        if m is None:
            return
        block = _BLOCK.match(text, m.end())
        if block is None or not re.search(rf"[{_DIGIT}]|[一二三四五六七八九十]+(?:丁目|番|号|条)", block.group(0)):
            pos = m.end() if m.end() > m.start() else m.start() + 1
            continue
        end = _building_end(text, block.end())
        paren = _PAREN_BUILDING.match(text, end)
        if paren:
            end = paren.end()  # «…丸の内2-4-1（丸ビル）»
        yield Finding(m.start(), end, Kind.address, "pattern")
        pos = end


# ---- English and continental addresses ---------------------------------------------------------------

_STREET = ("Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq|"
           "Terrace|Crescent|Close|Parkway|Pkwy|Highway|Hwy|Row|Gardens|Mews|Grove|Hill|Walk|Rise|Park")
ADDRESS_EN = re.compile(
    rf"(?<![A-Za-z0-9])\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][A-Za-z.'\-]*\s+){{0,4}}(?:{_STREET})\.?(?![A-Za-z])"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm)\.?\s*#?[A-Za-z0-9\-]+)?"
    r"(?:,\s*[A-Z][a-z][A-Za-z]*(?:\s[A-Z][a-z][A-Za-z]*){0,2}){0,3}"  # towns (not NY, NSW: states)
    r"(?:,?\s*[A-Z]{2,3}\s+\d{4,5}(?:-\d{4})?)?"
    r"(?:,?\s*[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})?"
)
# «Flat 12, Larkspur House, » / «Suite 410, Harborview Tower, » / «The Shard, » before the street
_UNIT = r"(?:Flat|Apartment|Apt\.?|Suite|Ste\.?|Unit|Room|Rm\.?|Level|Floor|Fl\.?)\s+#?[A-Za-z0-9\-]+"
_NAME = r"(?:The\s+)?[A-Z][A-Za-z'’\-]+(?:\s+(?:of\s+|the\s+)?[A-Z][A-Za-z'’\-]+){0,5}"
_BEFORE_STREET = re.compile(rf"(?:{_UNIT},?\s*)?(?:{_NAME},\s*)?(?:{_UNIT},?\s*)?$")
ADDRESS_EU = re.compile(
    r"(?<![A-Za-z])[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|laan|straat|gatan|vej)"
    r"\s+\d{1,4}[a-z]?(?:,\s*\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]+)?"
    r"|(?<![A-Za-z0-9])\d{1,4}(?:bis|ter)?,?\s+(?:rue|avenue|boulevard|place|chemin|allée|via|viale|piazza|calle|avenida)"
    r"\s+[^\d,\n]{2,40}?(?:,\s*\d{4,5}\s+[A-Z][a-zé\-]+)?(?=[,.;\n]|$)"
)


def find_en(text: str) -> Iterator[Finding]:
    for m in ADDRESS_EN.finditer(text):
        head = text[max(0, m.start() - 120):m.start()]
        before = _BEFORE_STREET.search(head)
        start = m.start() - (len(head) - before.start()) if before and before.group(0) else m.start()
        yield Finding(start, m.end(), Kind.address, "pattern")
    for m in ADDRESS_EU.finditer(text):
        yield Finding(m.start(), m.end(), Kind.address, "pattern")
