"""Guided questions for `incidents report` in a terminal, in Japanese or English.

Someone who has just mis-sent a mail is stressed: short questions, sensible defaults, nothing clever.
"""

from __future__ import annotations

from datetime import datetime

import typer
from pydantic import ValidationError
from rich.console import Console

from incidents.cases.models import DataItem, DiscoveryMethod, MistakeType
from incidents.cases.schemas import IncidentCreate, RecipientIn
from incidents.config import get_settings

console = Console()

TEXT = {
    "ja": {
        "intro": "誤送信の報告を始めます。分かる範囲で構いません。後から訂正できます。",
        "title": "件名（例: 見積書をA社の別担当者に誤送信）",
        "mistake_type": "何が起きましたか",
        "discovery_method": "どのように気づきましたか",
        "sent_at": "送信日時（例: 2025-06-20 10:15、空欄で現在）",
        "discovered_at": "発覚日時（空欄で現在）",
        "subject": "送ったメールの件名",
        "sender": "送信者アドレス",
        "summary": "本文の概要（個人情報そのものは書かないでください）",
        "recipient": "誤って送った宛先アドレス（空欄で次へ）",
        "intended": "本来送るべきだった宛先アドレス（空欄で次へ）",
        "r_name": "  氏名（任意）",
        "r_org": "  組織名（任意）",
        "r_field": "  To / Cc / Bcc",
        "data_items": "含まれていた情報（番号をカンマ区切り、なければ空欄）",
        "affected_persons": "情報が含まれていた人数（概数で可）",
        "done": "報告を登録しました。上長には自動で通知されます。",
        "bad_time": "日時の形式が読めません。例: 2025-06-20 10:15",
    },
    "en": {
        "intro": "Let's record what happened. Tell what you know; you can correct it later.",
        "title": "Short title (e.g. Quote sent to the wrong contact at A Corp)",
        "mistake_type": "What happened",
        "discovery_method": "How was it found",
        "sent_at": "When was it sent (e.g. 2025-06-20 10:15; empty for now)",
        "discovered_at": "When was it found (empty for now)",
        "subject": "Subject of the mail",
        "sender": "Sender address",
        "summary": "Summary of the body (do not copy personal data here)",
        "recipient": "Wrong recipient's address (empty to go on)",
        "intended": "Intended recipient's address (empty to go on)",
        "r_name": "  Name (optional)",
        "r_org": "  Organisation (optional)",
        "r_field": "  To / Cc / Bcc",
        "data_items": "What data did it hold (numbers, comma-separated; empty if none)",
        "affected_persons": "How many people's data (an estimate is fine)",
        "done": "Recorded. Your manager is notified automatically.",
        "bad_time": "Cannot read that time. Example: 2025-06-20 10:15",
    },
}


def _choose(t: dict, key: str, options: list[str]) -> str:
    for i, o in enumerate(options, start=1):
        console.print(f"  {i}. {o}")
    while True:
        answer = typer.prompt(t[key], default="1")
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        if answer in options:
            return answer


def _time(t: dict, key: str) -> datetime:
    tz = get_settings().tz
    while True:
        answer = typer.prompt(t[key], default="", show_default=False).strip()
        if not answer:
            return datetime.now(tz).replace(microsecond=0)
        try:
            moment = datetime.fromisoformat(answer.replace("/", "-"))
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
        except ValueError:
            console.print(t["bad_time"])


def _recipients(t: dict, key: str, kind: str) -> list[RecipientIn]:
    out = []
    while True:
        address = typer.prompt(t[key], default="", show_default=False).strip()
        if not address:
            return out
        name = typer.prompt(t["r_name"], default="", show_default=False).strip() or None
        org = typer.prompt(t["r_org"], default="", show_default=False).strip() or None
        field = typer.prompt(t["r_field"], default="to").strip().lower()
        try:
            out.append(RecipientIn(address=address, name=name, organization=org, field=field, kind=kind))
        except ValidationError as exc:
            console.print(exc.errors()[0]["msg"])


def ask_incident(locale: str, *, default_sender: str) -> IncidentCreate:
    t = TEXT.get(locale, TEXT["ja"])
    console.print(t["intro"])
    while True:
        title = typer.prompt(t["title"])
        mistake = _choose(t, "mistake_type", [m.value for m in MistakeType])
        discovery = _choose(t, "discovery_method", [d.value for d in DiscoveryMethod])
        sent_at = _time(t, "sent_at")
        discovered_at = _time(t, "discovered_at")
        subject = typer.prompt(t["subject"], default="", show_default=False)
        sender = typer.prompt(t["sender"], default=default_sender)
        summary = typer.prompt(t["summary"], default="", show_default=False)
        recipients = _recipients(t, "recipient", "unintended") + _recipients(t, "intended", "intended")
        items = [d.value for d in DataItem]
        for i, d in enumerate(items, start=1):
            console.print(f"  {i:2}. {d}", end="\n" if i % 4 == 0 else "  ")
        console.print()
        picked = typer.prompt(t["data_items"], default="", show_default=False)
        data_items = [items[int(x) - 1] for x in picked.replace("、", ",").split(",")
                      if x.strip().isdigit() and 1 <= int(x) <= len(items)]
        persons = typer.prompt(t["affected_persons"], default=len([r for r in recipients if r.kind == "unintended"]), type=int)
        try:
            return IncidentCreate(title=title, mistake_type=mistake, discovery_method=discovery, sent_at=sent_at,
                                  discovered_at=discovered_at,
                                  message={"subject": subject, "sender": sender or None, "summary": summary},
                                  recipients=recipients, data_items=data_items, affected_persons=persons)
        except ValidationError as exc:
            err = exc.errors()[0]
            console.print(f"{'.'.join(map(str, err['loc']))}: {err['msg']}")
