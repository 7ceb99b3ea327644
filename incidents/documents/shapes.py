"""Four incidents shaped on real ones, as plain data: the tests render every kind of document for
each, in both languages, and docs/samples shows them.

- `client`: a quotation to a client company went to another company (one wrong recipient, one
  intended recipient), with internal notes on every step that must never reach a letter;
- `university`: a university sent one mail to 4,500 students with every address in To;
- `hospital`: a hospital sent patients' data to an address nobody knows (a free-mail address);
- `password`: a password ZIP whose password followed, by a second mail, to the same wrong address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidents.documents import samples
from incidents.documents.context import Extras, Letterhead
from incidents.documents.references import format_reference as _ref

# Text that is internal to the organisation: it appears in the step notes and the decision of the
# shapes, and must never be printed by a document that leaves the organisation.
INTERNAL_NOTES = (
    "11:30 佐藤様に電話でお詫び", "先方（北風製作所）は添付を開封済みとのこと", "部長決裁済み・社外秘",
    "tanaka@minami.example にも電話", "internal: the recipient said they opened the attachment",
)


@dataclass
class Shape:
    key: str
    org_kind: str
    incident: dict[str, Any]
    letterhead_ja: Letterhead
    letterhead_en: Letterhead
    steps: list[dict[str, Any]] = field(default_factory=list)
    grounds: tuple[str, ...] = ("over_1000_persons",)  # the assessment's APPI grounds (none: not reportable)
    unintended: dict[str, Any] | None = None  # the reader of apology_unintended
    intended: dict[str, Any] | None = None  # the reader of apology_intended
    affected: dict[str, Any] | None = None  # the reader of notice_affected
    english_names: dict[str, str] = field(default_factory=dict)  # a Latin-script name where one is recorded

    def letterhead(self, lang: str) -> Letterhead:
        return self.letterhead_en if lang == "en" else self.letterhead_ja

    def reader(self, kind: str, lang: str) -> dict[str, Any] | None:
        """The reader of a letter of this kind; in English with the Latin-script name where one is recorded."""
        reader = {"apology_unintended": self.unintended, "apology_intended": self.intended,
                  "notice_affected": self.affected}.get(str(kind))
        if reader is None:
            return None
        reader = dict(reader)
        if lang == "en" and reader.get("address") in self.english_names:
            reader["name"] = self.english_names[reader["address"]]
        return reader

    def extras(self, lang: str) -> Extras:
        base = samples.extras(lang)
        base.assessment = _assessment(self.grounds)
        base.steps = [dict(s) for s in self.steps]
        base.actions_taken = []
        base.progress = None
        base.decided = True
        return base


GROUND_WORDS = {"over_1000_persons": ("1,000人を超える個人データの漏えい等", "more than 1,000 people affected"),
                "sensitive_data": ("要配慮個人情報が含まれる個人データの漏えい等", "sensitive personal data")}


def _assessment(grounds: tuple[str, ...]) -> dict[str, Any]:
    a = samples.assessment()
    a["appi"].update(grounds=list(grounds), reportable=bool(grounds), notify_individuals=bool(grounds),
                     ground_details=[{"ground": g, "label_ja": GROUND_WORDS[g][0], "label_en": GROUND_WORDS[g][1]}
                                     for g in grounds])
    return a


def _step(kind: str, status: str, note: str, recipient: str | None = None, **extra: Any) -> dict[str, Any]:
    """A step as the response domain's StepPublic shapes it (`extra` overrides, e.g. done_at)."""
    titles = {"first_report": ("上長への第一報（受領確認）", "First report to the supervisor (acknowledged)"),
              "decision": ("組織としての対応方針の決定", "The organisation's decision on the response"),
              "containment": ("拡大防止（送信取消・リンク無効化・先方への連絡）", "Containment (recall, revoke links, call the recipient)"),
              "deletion": ("削除依頼と削除確認書の受領", "Deletion request and written confirmation"),
              "apology": ("お詫び（電話の後、書面またはメール）", "Apology (phone, then letter or email)"),
              "assessment": ("法的義務の評価", "Assessment of the legal duties")}
    ja, en = titles[kind]
    return {"kind": kind, "key": f"{kind}:{recipient}" if recipient else kind, "title_ja": ja, "title_en": en,
            "status": status, "note": note, "recipient": recipient, "due_at": "2025-06-20T18:00:00+09:00",
            "done_at": "2025-06-20T16:10:00+09:00" if status == "done" else None} | extra


def client() -> Shape:
    incident = samples.incident()
    steps = [
        _step("first_report", "done", INTERNAL_NOTES[2]),
        _step("decision", "done", "課長から先方へ電話、書面は翌日発送。" + INTERNAL_NOTES[2]),
        _step("containment", "done", INTERNAL_NOTES[0]),
        _step("deletion", "pending", INTERNAL_NOTES[1], "yamada@kitakaze.example",
              request_sent_at="2025-06-20T16:10:00+09:00"),
        _step("apology", "pending", INTERNAL_NOTES[3], "yamada@kitakaze.example", phone_at="2025-06-20T16:30:00+09:00"),
        _step("apology", "pending", INTERNAL_NOTES[4], "tanaka@minami.example"),
        _step("assessment", "done", INTERNAL_NOTES[2]),
    ]
    return Shape("client", "company", incident, samples.letterhead(), samples.letterhead_en(), steps,
                 unintended=dict(incident["recipients"][0], reference=_ref(42, 1)),
                 intended=dict(incident["recipients"][1], reference=_ref(42, 2)),
                 affected={"address": "sato.yumi@example.jp", "name": "佐藤 由美 様",
                           "postal_address": "〒150-0001 東京都渋谷区神宮前一丁目2番3号 神宮前グリーンハイツ201号室"},
                 english_names={"yamada@kitakaze.example": "Taro Yamada", "tanaka@minami.example": "Hanako Tanaka"})


def university() -> Shape:
    count = 4500
    recipients = [{"address": f"s{24000 + i:05d}@st.hokuto-u.ac.jp", "name": None, "organization": None,
                   "field": "to", "kind": "unintended"} for i in range(count)]
    incident = samples.incident(
        id=7, title="学生への一斉メールでアドレスを宛先欄に表示", mistake_type="bcc_exposure", discovery_method="recipient_reported",
        sent_at="2025-10-03T09:12:00+09:00", discovered_at="2025-10-03T09:40:00+09:00",
        reported_at="2025-10-03T09:55:00+09:00",
        message={"subject": "【学生支援課】後期授業料減免の申請受付について", "sender": "gakusei@hokuto-u.ac.jp",
                 "summary": "後期授業料減免の案内。", "attachments": []},
        recipients=recipients, data_items=["email_address"], affected_persons=count, protection="none")
    steps = [_step("decision", "done", "学長室と協議済み（学内限り）", done_at="2025-10-03T11:00:00+09:00")]
    steps += [_step("deletion", "done" if i < 3120 else "pending", "学生から電話あり" if i % 500 == 0 else "",
                    r["address"], request_sent_at="2025-10-03T12:00:00+09:00",
                    confirmed_at="2025-10-05T10:00:00+09:00" if i < 3120 else None,
                    opened=("no" if i < 2980 else "yes") if i < 3120 else None)
              for i, r in enumerate(recipients)]
    steps += [_step("apology", "pending", "", r["address"], phone_at="2025-10-03T15:00:00+09:00" if i < 12 else None)
              for i, r in enumerate(recipients)]
    lh_ja = samples.letterhead(
        name="北斗大学", department="学生支援課", postal_code="060-0808", address="北海道札幌市北区北八条西五丁目",
        phone="011-700-1234", email="gakusei@hokuto-u.ac.jp", contact_desk="北斗大学 学生支援課",
        contact_hours="受付時間 平日8時45分〜17時", signer_name="北斗 花子", signer_title="学長",
        self_ref="本学", readers="students")
    lh_en = samples.letterhead_en(
        name="Hokuto University", department="Student Support Office", postal_code="060-0808",
        address="Kita 8, Nishi 5, Kita-ku, Sapporo, Hokkaido", phone="+81 11-700-1234", email="gakusei@hokuto-u.ac.jp",
        contact_desk="Student Support Office, Hokuto University", contact_hours="Weekdays 8:45-17:00 (JST)",
        signer_name="Hanako Hokuto", signer_title="President", self_ref="we", readers="students")
    return Shape("university", "university", incident, lh_ja, lh_en, steps,
                 unintended=dict(recipients[17], reference=_ref(7, 18)), intended=None,
                 affected=dict(recipients[17], reference=_ref(7, 18)))


def hospital() -> Shape:
    incident = samples.incident(
        id=311, title="検査結果の誤送信", mistake_type="wrong_recipient", discovery_method="self_noticed",
        sent_at="2025-08-18T17:48:00+09:00", discovered_at="2025-08-19T08:50:00+09:00",
        reported_at="2025-08-19T09:05:00+09:00",
        message={"subject": "健康診断結果のご送付（8月分）", "sender": "kenshin@sakura-hosp.example",
                 "summary": "健診センターから提携企業の担当者へ、8月分の健康診断結果（3名分）を送付するメール。",
                 "attachments": [{"filename": "健診結果_8月分.pdf", "size_bytes": 412_332, "sha256": "ef" * 32}]},
        recipients=[{"address": "kenshin.tantou1985@freemail.example", "name": None, "organization": None,
                     "field": "to", "kind": "unintended"},
                    {"address": "jinji@hokuyo-kogyo.example", "name": "人事部 健康管理担当", "organization": "北洋工業株式会社",
                     "field": "to", "kind": "intended"}],
        data_items=["name", "birth_date", "health_checkup", "medical"], affected_persons=3, protection="none")
    steps = [_step("decision", "done", "院長了承。患者3名へ個別に連絡", done_at="2025-08-19T09:30:00+09:00"),
             _step("deletion", "pending", "返信なし。2回目の依頼を送付", "kenshin.tantou1985@freemail.example",
                   request_sent_at="2025-08-19T10:00:00+09:00")]
    lh_ja = samples.letterhead(
        name="医療法人さくら会 さくら総合病院", department="健診センター", postal_code="430-0929",
        address="静岡県浜松市中央区中央三丁目5番1号 さくらメディカルビル2階", phone="053-456-7890",
        email="kenshin@sakura-hosp.example", contact_desk="さくら総合病院 健診センター 個人情報窓口",
        contact_hours="受付時間 月〜土 9時〜17時", signer_name="桜井 誠", signer_title="院長",
        self_ref="当院", readers="patients")
    lh_en = samples.letterhead_en(
        name="Sakura General Hospital", department="Health Check Centre", postal_code="430-0929",
        address="Sakura Medical Building 2F, 3-5-1 Chuo, Chuo-ku, Hamamatsu, Shizuoka", phone="+81 53-456-7890",
        email="kenshin@sakura-hosp.example", contact_desk="Privacy Desk, Health Check Centre",
        contact_hours="Monday to Saturday 9:00-17:00 (JST)", signer_name="Makoto Sakurai", signer_title="Director",
        self_ref="we", readers="patients")
    return Shape("hospital", "hospital", incident, lh_ja, lh_en, steps, ("sensitive_data",),
                 unintended=dict(incident["recipients"][0], reference=_ref(311, 1)),
                 intended=dict(incident["recipients"][1], reference=_ref(311, 2)),
                 affected={"address": "", "name": "浜松 次郎", "postal_address": "〒430-0944 静岡県浜松市中央区田町321番地の5"})


def password() -> Shape:
    incident = samples.incident(
        id=58, title="パスワード付きZIPとパスワードを同じ誤送信先へ送信", mistake_type="wrong_recipient",
        discovery_method="recipient_reported", sent_at="2025-09-09T10:02:00+09:00",
        discovered_at="2025-09-09T13:15:00+09:00", reported_at="2025-09-09T13:30:00+09:00",
        message={"subject": "【給与計算】9月分 勤怠データ送付の件", "sender": "keiri@minato.example",
                 "summary": "給与計算委託先へ勤怠データ（ZIP）を送付。パスワードは直後の別メールで送付。",
                 "attachments": [{"filename": "kintai_202509.zip", "size_bytes": 88_120, "sha256": "12" * 32}]},
        recipients=[{"address": "payroll@kita-shoji.example", "name": None, "organization": "北商事株式会社",
                     "field": "to", "kind": "unintended"},
                    {"address": "payroll@kita-shouji.example", "name": "北 翔太", "organization": "株式会社キタショウジ",
                     "field": "to", "kind": "intended"}],
        data_items=["name", "employee_id", "bank_account"], affected_persons=214, protection="password_zip",
        key_exposed=True)
    steps = [_step("decision", "done", "経理部長判断", done_at="2025-09-09T13:45:00+09:00"),
             _step("deletion", "done", "口頭で開封していないと回答", "payroll@kita-shoji.example",
                   request_sent_at="2025-09-09T14:00:00+09:00", confirmed_at="2025-09-10T09:00:00+09:00", opened="no")]
    return Shape("password", "company", incident, samples.letterhead(), samples.letterhead_en(), steps, (),
                 unintended=dict(incident["recipients"][0], reference=_ref(58, 1)),
                 intended=dict(incident["recipients"][1], reference=_ref(58, 2)),
                 affected={"address": "yamamoto.k@example.jp", "name": "山本 健一",
                           "postal_address": "〒105-0011 東京都港区芝公園二丁目4番1号 芝パークビルA館10階"})


SHAPES = {"client": client, "university": university, "hospital": hospital, "password": password}
