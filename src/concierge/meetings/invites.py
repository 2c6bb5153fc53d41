"""The iCalendar invite attached to booking emails, in the recipient's own zone (with its VTIMEZONE),
so a calendar shows the session at the same local time the email states."""

from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from concierge.core.text import one_line
from concierge.meetings.models import Booking

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def invite_uid(booking: Booking) -> str:
    host = urlsplit(settings.PUBLIC_URL).hostname or "concierge"
    return f"meeting-{booking.pk}@{host}"


def session_invite(
    booking: Booking, *, zone_name: str, description: str = "", method: str = REQUEST
) -> bytes:
    """A VCALENDAR with one VEVENT; a later SEQUENCE of the same UID replaces or cancels it."""
    zone = ZoneInfo(zone_name)
    calendar = Calendar()
    calendar.add("prodid", "-//Concierge//1:1 sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", invite_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", booking.starts_at.astimezone(zone))
    event.add("dtend", booking.ends_at.astimezone(zone))
    event.add("summary", f"{booking.session_type.name} (1:1 session)")
    if booking.meeting_link:
        event.add("location", booking.meeting_link)
        event.add("url", booking.meeting_link)
    if description:
        event.add("description", description)
    organizer_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@concierge.localhost"
    organizer = vCalAddress(f"mailto:{organizer_address}")
    organizer.params["cn"] = vText(one_line(booking.workspace.name))
    event.add("organizer", organizer)
    for name, email in (
        (booking.customer_name, booking.customer_email),
        (booking.agent.name, booking.agent.email),
    ):
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(one_line(name or email))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
