"""Examples the CLI prints (`incidents report --example`); docs/report-file.md shows the same one and a test
checks that it is accepted as it is."""

from __future__ import annotations

REPORT_EXAMPLE = {
    "title": "見積書を別の取引先の担当者に誤送信",
    "mistake_type": "wrong_recipient",
    "discovery_method": "recipient_reported",
    "sent_at": "2026-11-28 15:20",
    "discovered_at": "2026-11-28T16:05:00+09:00",
    "message": {
        "subject": "【お見積り】保守契約の更新について",
        "sender": "taro.yamada@example.co.jp",
        "summary": "A社向けの見積書（PDF）を、B社の同姓の担当者に送付した。",
        "attachments": [
            {"filename": "見積書_A社_2026.pdf", "size_bytes": 183201,
             "sha256": "9f2c1e0b7d4a8c3f5e6b1a2d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e",
             "content_type": "application/pdf"}
        ],
    },
    "recipients": [
        {"address": "suzuki@b-corp.example", "name": "鈴木 一郎", "organization": "B株式会社",
         "field": "to", "kind": "unintended"},
        {"address": "suzuki@a-corp.example", "name": "鈴木 花子", "organization": "A株式会社",
         "field": "to", "kind": "intended"},
    ],
    "data_items": ["name", "email_address", "confidential_business"],
    "affected_persons": 3,
    "protection": "none",
    "key_exposed": False,
    "improper_purpose": False,
    "jurisdictions": ["jp"],
}
