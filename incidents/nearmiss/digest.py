"""The monthly digest: one mail (and in-app notice) to every active user listing the cases published in
the past month. Queued through the notify outbox under one key per month, so it goes out once even if
several schedulers run it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlmodel import Session

from incidents.config import get_settings
from incidents.cases.labels import MISTAKE_TYPES
from incidents.nearmiss.models import CaseStatus, NearMissCase
from incidents.notify.service import enqueue
from incidents.notify.webhook import Notice
from incidents.people.models import User
from incidents.types import utcnow

TITLE = ("【ヒヤリハット通信】{month}に共有された事例（{n}件）", "Near-miss digest: {n} case(s) shared in {month}")
INTRO = ("先月、次のヒヤリハット事例が共有されました。誰かを責めるためではなく、同じことを防ぐための共有です。",
         "These near-miss cases were shared last month: not to blame anyone, but so that it does not happen again.")
MORE = ("ほか{n}件", "and {n} more")


def previous_month(now: datetime | None = None) -> str:
    local = (now or utcnow()).astimezone(get_settings().tz)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _bounds(month: str) -> tuple[datetime, datetime]:
    tz = get_settings().tz
    y, m = (int(x) for x in month.split("-"))
    start = datetime(y, m, 1, tzinfo=tz)
    end = datetime(y + (m == 12), 1 if m == 12 else m + 1, 1, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def cases_of_month(session: Session, month: str) -> list[NearMissCase]:
    start, end = _bounds(month)
    return list(session.execute(
        select(NearMissCase).where(NearMissCase.status == CaseStatus.published, NearMissCase.published_at >= start,
                                   NearMissCase.published_at < end)
        .order_by(NearMissCase.published_at, NearMissCase.id)).scalars())


def _month_label(month: str, locale: str) -> str:
    y, m = month.split("-")
    return f"{y}年{int(m)}月" if locale == "ja" else f"{y}-{m}"


def send_digest(session: Session, *, month: str | None = None, now: datetime | None = None, limit: int = 20,
                settings=None) -> int:
    """Queue the digest of `month` (YYYY-MM; default: the previous month). Returns rows queued (0: nothing)."""
    month = month or previous_month(now)
    cases = cases_of_month(session, month)
    if not cases:
        return 0
    users = list(session.execute(select(User).where(User.active == True)).scalars())  # noqa: E712
    base = (settings or get_settings()).base_url.rstrip("/")

    def notice_for(user: User) -> Notice:
        loc = "en" if user.locale == "en" else "ja"
        i = 1 if loc == "en" else 0
        lines = [INTRO[i], ""]
        for c in cases[:limit]:
            lines.append(f"- {c.title} [{MISTAKE_TYPES.label(c.mistake_type, loc)}] {base}/nearmiss/{c.id}")
        if len(cases) > limit:
            lines.append(MORE[i].format(n=len(cases) - limit))
        return Notice(title=TITLE[i].format(month=_month_label(month, loc), n=len(cases)), text="\n".join(lines),
                      link=f"{base}/nearmiss", event="nearmiss.digest")

    return enqueue(session, users=users, notice_for=notice_for, key=f"nearmiss-digest:{month}", now=now,
                   settings=settings)
