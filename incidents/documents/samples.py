"""Demonstration data for sample renders, the benchmark and tests: an incident shaped like the
JSON contract, a letterhead, an assessment and analysis shaped like their domains' output."""

from __future__ import annotations

from typing import Any

from incidents.documents.context import Extras, Letterhead, Person

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
          "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水")
GIVEN = ("翔太", "陽菜", "蓮", "結衣", "大輝", "美咲", "健一", "由美", "隆", "直子", "誠", "恵子", "悠真",
         "さくら", "拓也", "彩", "和也", "真由美", "浩", "智子")
PLACES = ("東京都千代田区丸の内", "大阪府大阪市北区梅田", "愛知県名古屋市中村区名駅", "福岡県福岡市博多区博多駅前",
          "北海道札幌市中央区北五条西", "宮城県仙台市青葉区中央", "広島県広島市中区基町", "京都府京都市下京区烏丸通")


def letterhead(**overrides: Any) -> Letterhead:
    values = dict(
        name="株式会社みなと商事", department="お客様相談室", postal_code="105-0011",
        address="東京都港区芝公園一丁目1番1号", phone="03-1234-5678", email="privacy@minato.example",
        contact_desk="株式会社みなと商事 お客様相談室", contact_hours="受付時間 平日9時〜17時",
        signer_name="港 一郎", signer_title="代表取締役社長",
    )
    values.update(overrides)
    return Letterhead(**values)


def letterhead_en(**overrides: Any) -> Letterhead:
    values = dict(
        name="Minato Trading Co., Ltd.", department="Customer Relations", postal_code="105-0011",
        address="1-1-1 Shibakoen, Minato-ku, Tokyo", phone="+81 3-1234-5678", email="privacy@minato.example",
        contact_desk="Customer Relations, Minato Trading", contact_hours="Weekdays 9:00-17:00 (JST)",
        signer_name="Ichiro Minato", signer_title="President",
    )
    values.update(overrides)
    return Letterhead(**values)


def incident(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": 42,
        "title": "見積書の誤送信",
        "mistake_type": "wrong_recipient",
        "discovery_method": "recipient_reported",
        "sent_at": "2025-06-20T14:05:00+09:00",
        "discovered_at": "2025-06-20T15:30:00+09:00",
        "reported_at": "2025-06-20T15:42:00+09:00",
        "message": {
            "subject": "【御見積】6月分 保守契約のお見積りについて",
            "sender": "sato.kenichi@minato.example",
            "summary": "保守契約の見積書と顧客一覧（氏名・住所・電話番号）を添付したメール。",
            "attachments": [
                {"filename": "見積書_2025-06.pdf", "size_bytes": 183_204, "sha256": "ab" * 32,
                 "content_type": "application/pdf"},
                {"filename": "顧客一覧.xlsx", "size_bytes": 48_551, "sha256": "cd" * 32,
                 "content_type": "application/vnd.ms-excel"},
            ],
        },
        "recipients": [
            {"address": "yamada@kitakaze.example", "name": "山田 太郎", "organization": "株式会社北風製作所",
             "field": "to", "kind": "unintended"},
            {"address": "tanaka@minami.example", "name": "田中 花子", "organization": "南株式会社",
             "field": "to", "kind": "intended"},
        ],
        "data_items": ["name", "postal_address", "phone"],
        "affected_persons": 1250,
        "protection": "none",
        "key_exposed": False,
        "improper_purpose": False,
        "jurisdictions": ["jp"],
        "status": "open",
        "reporter": {"display_name": "佐藤 健一", "email": "sato.kenichi@minato.example"},
        "department": {"name": "営業部"},
    }
    data.update(overrides)
    return data


def assessment() -> dict[str, Any]:
    return {
        "appi": {
            "leak": True, "reportable": True, "grounds": ["over_1000_persons"], "exemption": None,
            "preliminary_report_due": "2025-06-23T15:30:00+09:00",
            "preliminary_report_limit": "2025-06-25T15:30:00+09:00",
            "final_report_due": "2025-07-20T15:30:00+09:00", "notify_individuals": True,
            "ground_details": [{"ground": "over_1000_persons", "rule": "APPI enforcement rules art. 7 (iv)",
                                "label_ja": "1,000人を超える個人データの漏えい等",
                                "label_en": "more than 1,000 people affected"}],
        },
        "gdpr": {"applicable": False, "authority_notification_due": None, "notify_individuals": False},
    }


def extras(lang: str = "ja") -> Extras:
    return Extras(
        assessment=assessment(),
        steps=[
            {"title_ja": "上長への第一報", "title_en": "First report to the supervisor", "status": "done",
             "due_at": "2025-06-20T16:30:00+09:00", "done_at": "2025-06-20T15:50:00+09:00"},
            {"title_ja": "誤送信先への削除依頼", "title_en": "Ask the wrong recipient to delete", "status": "done",
             "due_at": "2025-06-20T18:00:00+09:00", "done_at": "2025-06-20T16:10:00+09:00"},
            {"title_ja": "個人情報保護委員会への速報", "title_en": "Preliminary report to the PPC", "status": "pending",
             "due_at": "2025-06-23T15:30:00+09:00"},
        ],
        timeline=[
            {"at": "2025-06-20T15:42:00+09:00", "actor": "佐藤 健一",
             "summary": "Incident recorded" if lang == "en" else "事案を登録"},
            {"at": "2025-06-20T16:10:00+09:00", "actor": "佐藤 健一",
             "summary": "Called the wrong recipient to ask for deletion" if lang == "en" else "誤送信先へ電話で削除を依頼"},
        ],
        root_cause=_root_cause_en() if lang == "en" else {
            "summary": "宛先のオートコンプリートで同姓の別会社の担当者を選択した。",
            "whys": ["宛先を取り違えた", "オートコンプリートの候補をそのまま選択した",
                     "送信前に宛先を確認する手順がなかった", "外部宛て・添付付きメールの確認ルールが定められていなかった"],
            "root_cause": "外部宛て添付メールの送信前確認が仕組みになっていなかった。",
            "factors": [{"category": "man", "text": "月末の繁忙で確認を省略した"},
                        {"category": "machine", "text": "オートコンプリートが有効だった"},
                        {"category": "management", "text": "送信前チェックの規程がなかった"}],
            "countermeasures": [
                {"title": "オートコンプリートの無効化", "category": "engineering", "owner": "情報システム部",
                 "due_on": "2025-07-15", "status": "planned"},
                {"title": "外部宛て送信の5分間保留", "category": "engineering", "owner": "情報システム部",
                 "due_on": "2025-07-31", "status": "planned"},
                {"title": "送信前チェックリストの研修", "category": "education", "owner": "営業部",
                 "due_on": "2025-07-10", "status": "planned"},
            ],
        },
        actions_taken=(["Tried to recall the email (failed)", "Called the wrong recipient and asked them to delete it (16:10 the same day)"]
                       if lang == "en" else ["送信取り消しを試みたが失敗", "誤送信先に電話し、削除を依頼（同日16時10分）"]),
    )


def _root_cause_en() -> dict[str, Any]:
    return {
        "summary": "Autocomplete offered a person with the same surname at another company, and it was chosen.",
        "whys": ["The wrong address was used", "The autocomplete suggestion was accepted as it was",
                 "There was no step to check recipients before sending",
                 "No rule required a check of external mail with attachments"],
        "root_cause": "Checking external mail with attachments before sending was not part of the process.",
        "factors": [{"category": "man", "text": "Month-end rush; the check was skipped"},
                    {"category": "machine", "text": "Autocomplete was on"},
                    {"category": "management", "text": "No rule for checks before sending"}],
        "countermeasures": [
            {"title": "Turn off autocomplete", "category": "engineering", "owner": "IT department",
             "due_on": "2025-07-15", "status": "planned"},
            {"title": "Hold external mail for 5 minutes", "category": "engineering", "owner": "IT department",
             "due_on": "2025-07-31", "status": "planned"},
            {"title": "Training on the pre-send checklist", "category": "education", "owner": "Sales",
             "due_on": "2025-07-10", "status": "planned"},
        ],
    }


def people(count: int) -> list[Person]:
    """Personalised readers for bulk letters (deterministic)."""
    out = []
    for i in range(count):
        family, given = FAMILY[i % len(FAMILY)], GIVEN[(i * 7 + i // 20) % len(GIVEN)]
        place = PLACES[i % len(PLACES)]
        out.append(Person(
            address=f"customer{i:05d}@example.jp", name=f"{family} {given}",
            postal_address=f"〒{100 + i % 800:03d}-{i % 10000:04d} {place}{i % 9 + 1}丁目{i % 30 + 1}番{i % 15 + 1}号",
            kind="unintended", field="bcc", reference=f"No. 42-{i + 1:05d}",
        ))
    return out
