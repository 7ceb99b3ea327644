"""The outbox asks before each deletion request mail whether it is still worth sending."""

from __future__ import annotations

from incidents.confirmations.reminders import still_relevant
from incidents.confirmations.service import EVENT
from incidents.notify.service import register_relevance

register_relevance(EVENT, still_relevant)
