"""Names in Japanese text through the Sudachi morphological analyser (sudachipy + sudachidict_core,
Apache-2.0, the dictionary ships in the wheel: nothing is downloaded at run time).

Finds: proper nouns tagged person (人名) or place (地名); other proper nouns (companies, banks,
schools) unless they are well-known software; organisation names built from a legal form or a
typical suffix (株式会社○○, ○○商事, ○○銀行, ○○クリニック); nouns in front of an honorific or a job
title (○○様, ○○さん, ○○部長) that are not generic words (お客様, 担当者様).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

from incidents.nearmiss.anonymize.types import Finding, Kind

HONORIFICS = frozenset("様 さま さん 氏 殿 君 くん ちゃん 先生 御中 宛 宛て あて".split())
TITLES = frozenset(
    "部長 課長 係長 主任 社長 副社長 専務 常務 取締役 会長 室長 所長 店長 支店長 局長 次長 部長代理 課長代理 "
    "マネージャー リーダー 担当 院長 教授 准教授 校長 教頭 理事長 議員 弁護士 税理士 医師 看護師".split()
)
# Words that come before an honorific or title and name no one.
GENERIC = frozenset(
    "お客 お客様 客 皆 皆様 みな 各位 担当 担当者 取引先 先方 顧客 利用者 患者 会員 受信者 送信者 上司 部下 同僚 "
    "本人 ご本人 相手 相手方 関係者 依頼者 申込者 応募者 保護者 学生 生徒 社員 職員 従業員 株主 お取引先 弊社 当社 "
    "御社 貴社 先生方 各社 各位 宛先 誤送信先 送付先 送信先 管理者 責任者 代表者 代表 窓口 事務局 営業 総務 人事 "
    "経理 法務 情報システム 情シス 役員 新人 派遣 委託先 委託 外部 社外 社内 部内 課内 別 他 前任 後任 当該 同 某 "
    "一部 全員 各 両 別件 次回 前回 今回 私 わたし 自分 我々 本件 方 人 者 同社".split()
)
ORG_SUFFIXES = frozenset(
    "株式会社 有限会社 合同会社 合資会社 社団法人 財団法人 法人 商事 商店 商会 物産 産業 工業 興業 製作所 電機 電気 "
    "建設 工務店 不動産 銀行 信用金庫 信金 信用組合 証券 保険 生命 損保 海上 病院 医院 クリニック 診療所 歯科 薬局 "
    "大学 短期大学 高校 高等学校 中学校 小学校 学園 学院 幼稚園 保育園 市役所 区役所 町役場 村役場 役場 県庁 "
    "協会 組合 財団 機構 研究所 事務所 ホールディングス グループ システムズ ソリューションズ テクノロジーズ "
    "テクノロジー コンサルティング ジャパン 運輸 運送 物流 倉庫 製薬 薬品 印刷 リース サービス 設計 電工 化学 食品 "
    "出版 新聞 放送 通信 交通 鉄道 航空 観光 旅行 企画 工房 会計事務所 法律事務所 健康保険組合 労働組合 協同組合 "
    "共済 商社 製菓 酒造 農園 牧場 ホテル 旅館 百貨店 ストア 水産 農産 畜産 漁業 林業 鉱業 石油 電力 製紙 繊維 精機 "
    "工機 機械 機工 化成 化工 住建 ハウス 荘 亭 屋 堂 庵 閣 社".split()
)
# Words that end the name of a building or a facility (○○ビル, ○○タワー, ○○会館) and words that begin one
# (ホテル○○, メゾン○○): with a name before or after them, the whole is a place that identifies.
BUILDING_WORDS = (
    "ビル ビルディング タワー タワーズ ヒルズ マンション ハイツ コーポ レジデンス レジデンシャル メゾン ハイム ヴィラ "
    "パレス テラス コート ガーデン ガーデンズ スクエア プラザ センター アリーナ ホール ドーム スタジアム パークハウス "
    "シティ フォレスト ゲート ハウス 会館 公民館 図書館 美術館 博物館 体育館 庁舎 本庁舎 団地 寮 別館 本館 新館 棟 荘 "
    "住宅 ハイム キャンパス 展示場 斎場 霊園 温泉"
).split()
BUILDING_PREFIXES = frozenset("ホテル メゾン グランドメゾン ヴィラ パークハウス ドミール シティハウス ライオンズ パークシティ "
                              "ザ・ グランド".split())
_BUILDING_END = re.compile("(?:" + "|".join(sorted(map(re.escape, BUILDING_WORDS), key=len, reverse=True)) + ")$")
BUILDING_GENERIC = frozenset("本社 自社 支社 商業 雑居 高層 賃貸 分譲 駅 駅前 ショッピング サービス サポート カスタマー "
                             "コール データ オフィス 物流 配送 研修 会議 イベント 文化 市民 県民 区民 町民 総合 医療 "
                             "健康 保健 福祉 地域 交流 教育 研究 技術 情報 計算 管理 貸し 共同 新 旧 第 本 テナント "
                             "ワンルーム 大型 小型 近く 隣 向かい".split())
# Katakana common nouns that, next to a place name, make no facility name (東京オフィス, 大阪エリア).
KATAKANA_GENERIC = frozenset("オフィス エリア チーム センター サービス システム サーバ サーバー ユーザー ユーザ メンバー "
                             "スタッフ ブランチ サイト ルート マップ ビジネス イベント セミナー ツアー キャンペーン "
                             "ショップ ストア カウンター ロビー フロア エントランス ゲート ホーム ライン".split())
# Compounds of ordinary words that read like a name to the rules (管理組合: a suffix after a common word).
GENERIC_COMPOUNDS = frozenset("管理組合 オフィスビル テナントビル 駅ビル 雑居ビル 商業ビル 本社ビル 自社ビル 賃貸マンション "
                              "分譲マンション 高層マンション タワーマンション ワンルームマンション".split())
_PUBLIC_FACILITY = re.compile(
    r"[一-龥ァ-ヶぁ-んー]{1,8}?(?:市|県|区|町|村|都|府|国|私)立[一-龥ァ-ヶー]{0,8}?"
    r"(?:図書館|公民館|体育館|美術館|博物館|病院|小学校|中学校|高等学校|高校|大学|幼稚園|保育園|会館|センター|ホール)")
_ROOM_AFTER = re.compile(r"[\s　]*(?:[A-ZＡ-Ｚ]棟)?[\s　]*[0-9０-９]+(?:階|[FＦ]|号室|号)")
LEGAL_FORMS = frozenset("株式会社 有限会社 合同会社 合資会社 （株） (株) （有） (有) 一般社団法人 公益財団法人 医療法人 学校法人".split())
# Proper nouns that are software or services, not identifying anyone.
SOFTWARE = frozenset(
    "excel エクセル word ワード outlook アウトルック gmail teams slack zoom powerpoint パワーポイント windows mac "
    "google グーグル microsoft マイクロソフト office chatwork line ライン box dropbox onedrive sharepoint "
    "salesforce kintone サイボウズ garoon iphone android thunderbird yahoo ヤフー".split()
)
# Proper nouns that identify no one: eras, the national ID system, countries and regions.
NOT_NAMES = frozenset(
    "令和 平成 昭和 大正 明治 マイナンバー 日本 日本国 国内 海外 米国 アメリカ 中国 韓国 台湾 欧州 ヨーロッパ 英国 "
    "イギリス ドイツ フランス アジア 東アジア 個人情報保護委員会 総務省 経済産業省 厚生労働省 金融庁 警察 ヒヤリハット "
    "プライバシーマーク Ｐマーク".split()
)
_KATAKANA = re.compile(r"^[ァ-ヶー・]+$")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9&.\-]*$")
_ASCIIISH = re.compile(r"^[\x00-\x7fＡ-Ｚａ-ｚ０-９]+$")
_MAX_CHUNK = 3000  # characters per call to the analyser

_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode

        tok = _dictionary().create(mode=SplitMode.C)
        _local.tokenizer = tok
    return tok


class Token:
    __slots__ = ("surface", "start", "end", "pos", "oov")

    def __init__(self, surface: str, start: int, end: int, pos: tuple, oov: bool):
        self.surface, self.start, self.end, self.pos, self.oov = surface, start, end, pos, oov

    @property
    def noun(self) -> bool:
        return self.pos[0] == "名詞"

    @property
    def proper(self) -> bool:
        return self.pos[0] == "名詞" and self.pos[1] == "固有名詞"

    @property
    def numeral(self) -> bool:
        return self.pos[1] == "数詞" or self.surface.isdigit()

    @property
    def name_like(self) -> bool:
        """Could be part of a name: proper, unknown to the dictionary, katakana or Latin."""
        if not self.noun or self.numeral:
            return False
        return self.proper or self.oov or bool(_KATAKANA.match(self.surface)) or bool(_LATIN.match(self.surface))


def tokenize(text: str) -> list[Token]:
    tok = _tokenizer()
    out: list[Token] = []
    for offset, chunk in _chunks(text):
        for m in tok.tokenize(chunk):
            out.append(Token(m.surface(), offset + m.begin(), offset + m.end(), m.part_of_speech(), m.is_oov()))
    return out


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + _MAX_CHUNK)
        if end < n:
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


_HAS_JA = re.compile(r"[ぁ-んァ-ヶ一-龥々]")


def find_names(text: str, tokens: list[Token] | None = None) -> Iterator[Finding]:
    if not _HAS_JA.search(text):
        return
    toks = tokens if tokens is not None else tokenize(text)
    yield from find_buildings(text, toks)
    n = len(toks)
    for i, t in enumerate(toks):
        if _ASCIIISH.match(t.surface):
            pass  # Latin words are judged by the English rules (names_en)
        elif t.surface in NOT_NAMES:
            pass
        elif t.proper:
            sub = t.pos[2]
            if sub == "人名":
                yield Finding(t.start, t.end, Kind.person, "morph")
            elif sub == "地名":
                yield Finding(t.start, t.end, Kind.place, "morph")
            elif t.surface.lower() not in SOFTWARE:
                yield Finding(t.start, t.end, Kind.organization, "morph")
        elif t.oov and t.noun and not t.numeral and len(t.surface) >= 2 and not _LATIN.match(t.surface) \
                and not generic_building(t.surface):
            yield Finding(t.start, t.end, Kind.organization, "morph")

        # ○○様 / ○○さん / ○○部長: the nouns before it name a person unless they are generic words.
        if (t.surface in HONORIFICS or t.surface in TITLES) and i > 0:
            j = i - 1
            while j >= 0 and toks[j].surface in (" ", "　"):
                j -= 1
            first = j
            while j >= 0 and toks[j].noun and not toks[j].numeral and i - j <= 4 and toks[j].surface not in TITLES:
                j -= 1
            span = toks[j + 1:first + 1]
            words = "".join(x.surface for x in span)
            if span and words not in GENERIC and not any(x.surface in GENERIC for x in span) \
                    and not any(x.surface in ORG_SUFFIXES for x in span) and words.lower() not in SOFTWARE:
                yield Finding(span[0].start, span[-1].end, Kind.person, "morph", priority=1)

        # 株式会社○○ / ○○株式会社: the legal form and the nouns around it.
        if t.surface in LEGAL_FORMS:
            k = i + 1
            while k < n and k - i <= 4 and toks[k].noun and not toks[k].numeral and toks[k].surface not in GENERIC \
                    and toks[k].pos[2] != "副詞可能":
                k += 1
            j = _extend_back(toks, i)
            if k > i + 1 or j < i - 1:
                yield Finding(toks[j + 1].start, toks[k - 1].end, Kind.organization, "morph")
        # ○○商事 / ○○銀行 / ○○社, and proper nouns such as 健康保険組合 with a name before them.
        elif (t.surface in ORG_SUFFIXES or (t.proper and t.pos[2] == "一般")) and i > 0:
            j = _extend_back(toks, i)
            inner = toks[j + 1:i]
            if inner and "".join(x.surface for x in inner) + t.surface in GENERIC_COMPOUNDS:
                continue
            if inner and any(not x.numeral for x in inner) and (t.surface != "社" or any(x.name_like for x in inner)):
                yield Finding(inner[0].start, t.end, Kind.organization, "morph")


def generic_building(surface: str) -> bool:
    """オフィスビル, テナントビル, 駅ビル: a kind of building, no name (Sudachi may not know the compound)."""
    if surface in GENERIC_COMPOUNDS:
        return True
    m = _BUILDING_END.search(surface)
    return m is not None and m.start() > 0 and surface[:m.start()] in BUILDING_GENERIC


def _place_compounds(text: str, toks: list[Token]) -> Iterator[Finding]:
    """パシフィコ横浜, グランフロント大阪北館, 東京ミッドタウン日比谷, 幕張メッセ: a noun compound of a place name and
    a katakana word that is not a common one is a facility's name, as a whole."""
    n = len(toks)
    i = 0
    while i < n:
        j = i
        while j < n and (toks[j].noun and not toks[j].numeral or toks[j].pos[0] == "接尾辞" and j > i):
            j += 1
        if j - i >= 2:
            part = toks[i:j]
            place = any(x.proper and x.pos[2] == "地名" for x in part)
            kana = any(_KATAKANA.match(x.surface) and len(x.surface) >= 2 and x.surface not in KATAKANA_GENERIC
                       and not generic_building(x.surface) and x.surface.lower() not in SOFTWARE for x in part)
            if place and kana:
                room = _ROOM_AFTER.match(text, part[-1].end)
                yield Finding(part[0].start, room.end() if room else part[-1].end, Kind.place, "morph")
        i = max(j, i + 1)


def find_buildings(text: str, toks: list[Token]) -> Iterator[Finding]:
    """○○ビル 3階, 東京ビッグサイト, ホテル北斗, サンライズ三茶 305号室: buildings and facilities with a name;
    not the kinds of building (オフィスビル, 駅ビル)."""
    for m in _PUBLIC_FACILITY.finditer(text):
        yield Finding(m.start(), m.end(), Kind.organization, "pattern")
    yield from _place_compounds(text, toks)
    n = len(toks)
    for i, t in enumerate(toks):
        if _BUILDING_END.search(t.surface) and t.surface not in GENERIC and not generic_building(t.surface):
            j = _extend_back(toks, i)
            inner = toks[j + 1:i]
            own = t.surface[: _BUILDING_END.search(t.surface).start()]  # スクエアビル as one token
            if any(x.name_like or x.proper for x in inner) and not all(x.surface in BUILDING_GENERIC for x in inner) \
                    or (own and not inner and len(own) >= 2 and t.oov):
                start = inner[0].start if inner else t.start
                room = _ROOM_AFTER.match(text, t.end)
                yield Finding(start, room.end() if room else t.end, Kind.place, "morph")
        elif t.surface in BUILDING_PREFIXES and i + 1 < n:
            k = i + 1
            while k < n and k - i <= 4 and toks[k].noun and not toks[k].numeral and toks[k].surface not in GENERIC:
                k += 1
            if k > i + 1 and any(x.name_like or x.proper or x.noun for x in toks[i + 1:k]):
                yield Finding(t.start, toks[k - 1].end, Kind.place, "morph")
        elif t.surface in ("号室", "号") and i >= 2 and toks[i - 1].numeral:
            j = i - 2
            while j >= 0 and toks[j].surface in (" ", "　"):
                j -= 1
            end = j
            while j >= 0 and end - j < 5 and toks[j].noun and toks[j].surface not in GENERIC \
                    and not (toks[j].numeral and toks[j].surface.isdigit()):
                j -= 1
            inner = toks[j + 1:end + 1]
            if inner and any(x.name_like or x.proper for x in inner):
                yield Finding(inner[0].start, t.end, Kind.place, "morph")


def _extend_back(toks: list[Token], i: int, limit: int = 4) -> int:
    """Index before the compound that ends at toks[i]: nouns and prefixes that are not generic words,
    numbers only after a prefix (第一)."""
    j = i - 1
    while j >= 0 and i - j <= limit:
        x = toks[j]
        if x.surface in GENERIC or x.surface in TITLES or x.surface in HONORIFICS or x.pos[2] == "副詞可能":
            break
        if x.numeral:
            if j > 0 and toks[j - 1].pos[0] == "接頭辞":
                j -= 1
                continue
            break
        if x.noun or x.pos[0] == "接頭辞":
            j -= 1
            continue
        break
    return j
