"""In-process domain events: other domains react to changes in the same transaction.

The cases service publishes "incident.created", "incident.updated" and "recipients.added"; the response
domain subscribes to regenerate the playbook, notify, and so on. Subscribers receive keyword arguments
(session=, incident=, actor=, plus event-specific ones) and must only flush.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_subscribers: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def subscribe(name: str, fn: Callable[..., Any]) -> None:
    if fn not in _subscribers[name]:
        _subscribers[name].append(fn)


def publish(name: str, **kwargs: Any) -> None:
    for fn in list(_subscribers.get(name, ())):
        fn(**kwargs)
