"""The portfolio's deadlines as an iCalendar file (RFC 5545): one all-day event per
agreement and deadline, (one day: DTSTART alone), with a UID made of both (a re-import updates the event rather
than adding a second), a reminder ahead of each notice date, and no time of its making
(DTSTAMP is the agreement's effective date), so the same input gives the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from p2pdocs import __version__
from p2pdocs.run.portfolio import Line

#: deadlines that are the last day to give a notice: they get a reminder
NOTICES = ("nonrenewal-notice",)


def uid(agreement_id: str, kind: str) -> str:
    """The event's UID: the same agreement and deadline always give the same one."""
    return f"{kind}.{agreement_id}@p2pdocs"


def calendar_ics(found: list[Line], remind_days: int = 30) -> bytes:
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//p2pdocs//p2pdocs {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Partner agreement deadlines")
    events = []
    for line in found:
        effective = line.cells[5]
        for kind, day, summary in line.deadlines:
            events.append((day, uid(line.id, kind), kind, summary, line, effective))
    for day, key, kind, summary, line, effective in sorted(events, key=lambda e: (e[0], e[1])):
        event = Event()
        event.add("uid", key)
        event.add("dtstamp", datetime.combine(effective, time(0), tzinfo=UTC))
        event.add("dtstart", day)
        event.add("summary", summary)
        event.add("description", f"{line.cells[1]} ({line.source})")
        event.add("categories", [kind])
        event.add("transp", "TRANSPARENT")
        if kind in NOTICES:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"In {remind_days} days: {summary}")
            alarm.add("trigger", timedelta(days=-remind_days))
            event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
