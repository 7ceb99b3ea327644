"""Webhooks: a JSON POST whose payload Slack and Microsoft Teams incoming webhooks accept.

The format follows the URL: `hooks.slack.com` → Slack (text + blocks); Teams hosts
(`*.webhook.office.com`, Power Automate workflow URLs) → a message with an Adaptive Card;
anything else → our generic JSON, which carries a top-level `text` too (Slack-compatible).
A URL may force the format with a prefix: `slack+https://…`, `teams+https://…`, `json+https://…`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from incidents.notify.mail import DeliveryError

FORMATS = ("slack", "teams", "json")
_TEAMS_HOST_SUFFIXES = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com", "outlook.office.com")


@dataclass(frozen=True)
class Notice:
    """What a channel carries: channel-neutral content."""

    title: str
    text: str
    link: str | None = None
    event: str = "notice"
    facts: tuple[tuple[str, str], ...] = ()
    incident_id: int | None = None


def split_target(url: str) -> tuple[str, str]:
    """('teams', 'https://…') from 'teams+https://…'; format guessed from the host otherwise."""
    head, sep, rest = url.partition("+")
    if sep and head in FORMATS and rest.startswith(("http://", "https://")):
        return head, rest
    host = (urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack", url
    if host.endswith(_TEAMS_HOST_SUFFIXES):
        return "teams", url
    return "json", url


def payload(notice: Notice, fmt: str) -> dict[str, Any]:
    fallback = f"{notice.title}\n{notice.text}" + (f"\n{notice.link}" if notice.link else "")
    if fmt == "slack":
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": notice.title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": notice.text[:3000]}},
        ]
        if notice.facts:
            blocks.append(
                {
                    "type": "section",
                    "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"[:2000]} for k, v in notice.facts[:10]],
                }
            )
        if notice.link:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{notice.link}>"}})
        return {"text": fallback, "blocks": blocks}
    if fmt == "teams":
        body: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": notice.title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": notice.text, "wrap": True},
        ]
        if notice.facts:
            body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in notice.facts]})
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        if notice.link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": notice.link}]
        return {
            "type": "message",
            "summary": notice.title,
            "text": fallback,
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
            ],
        }
    return {
        "text": fallback,
        "event": notice.event,
        "title": notice.title,
        "body": notice.text,
        "link": notice.link,
        "incident_id": notice.incident_id,
        "facts": [{"name": k, "value": v} for k, v in notice.facts],
    }


def post(url: str, notice: Notice, *, timeout: float = 10.0, idempotency_key: str | None = None) -> int:
    """POST the notice; returns the HTTP status. Raises DeliveryError: 4xx (except 408/429) are
    permanent, everything else transient."""
    fmt, target = split_target(url)
    headers = {"User-Agent": "incidents-notify/1"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    try:
        response = httpx.post(target, json=payload(notice, fmt), headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook error: {exc}") from exc
    if response.status_code >= 400:
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429)
        raise DeliveryError(f"webhook HTTP {response.status_code}: {response.text[:200]}", permanent=permanent)
    return response.status_code
