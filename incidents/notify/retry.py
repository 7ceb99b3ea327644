"""Retry with exponential back-off (deterministic, so it can be tested and reasoned about)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Backoff:
    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8  # then the delivery is marked failed (visible in the delivery log)

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt (1-based): base, 2·base, 4·base … ≤ cap."""
        seconds = self.base.total_seconds() * self.factor ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.cap)

    def next_attempt(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failures; None once attempts are exhausted."""
        if attempts >= self.max_attempts:
            return None
        return now + self.delay(attempts)
