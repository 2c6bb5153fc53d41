"""A teammate's support days as an iCalendar feed: one all-day event per roster day (the team's
date), so any calendar shows "Support day: <team>" on the right days."""

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from concierge.routing.selectors.rotation import support_days_of
from concierge.workspaces.models import Teammate

# Calendars ask often; a few weeks back keeps recent days visible without an ever-growing feed.
DAYS_BACK = 28


def support_days_calendar(teammate: Teammate, *, today: date, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Concierge//Support days//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Support days · {teammate.name}")
    for roster_day in support_days_of(teammate, since=today - timedelta(days=DAYS_BACK)):
        event = Event()
        event.add("uid", f"roster-{roster_day.rotation_id}-{roster_day.day.isoformat()}@concierge")
        event.add("dtstamp", now)
        event.add("dtstart", roster_day.day)
        event.add("dtend", roster_day.day + timedelta(days=1))
        event.add("summary", f"Support day: {roster_day.rotation.team.name}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
