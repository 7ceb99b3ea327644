"""iCalendar (.ics) feeds of deadlines, made with the `icalendar` library (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event


@dataclass(frozen=True)
class Deadline:
    uid: str  # stable: "<incident>-<step key>@<host>" so calendar clients update, not duplicate
    incident_id: int
    title: str
    due_at: datetime
    description: str = ""
    url: str | None = None
    done: bool = False


def feed(deadlines: list[Deadline], *, name: str, now: datetime, alarm_before: timedelta | None = timedelta(hours=1)) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//incidents//response deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for d in deadlines:
        event = Event()
        event.add("uid", d.uid)
        event.add("dtstamp", now)
        event.add("dtstart", d.due_at)
        event.add("dtend", d.due_at + timedelta(minutes=15))
        event.add("summary", d.title)
        if d.description:
            event.add("description", d.description)
        if d.url:
            event.add("url", d.url)
        event.add("status", "CANCELLED" if d.done else "CONFIRMED")
        event.add("categories", ["incident"])
        if alarm_before and not d.done:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", d.title)
            alarm.add("trigger", -alarm_before)
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
