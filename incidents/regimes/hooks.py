"""Event subscribers: the obligations follow the facts each time the response reads them again."""

from __future__ import annotations

from typing import Any

from incidents import events
from incidents.regimes import service


def on_facts_assessed(*, session: Any, incident: Any, actor: Any, facts: Any = None, now: Any = None, **_: Any) -> None:
    if getattr(incident, "status", "open") == "closed":
        return  # the history of a closed incident stays as it is
    service.sync(session, incident=incident, actor=actor, facts=facts, now=now)


events.subscribe("facts.assessed", on_facts_assessed)
