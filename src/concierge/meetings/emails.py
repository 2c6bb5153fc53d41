"""The emails about a booking, each written for its recipient: the customer in their city's time and
language, the agent in theirs. Booking and rescheduling emails carry an iCalendar invite."""

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from concierge.core.text import one_line
from concierge.core.zones import django_language
from concierge.meetings import invites, links
from concierge.meetings.local_time import city_time, session_time
from concierge.meetings.models import Booking, BookingEmail

Kind = BookingEmail.Kind
Side = Booking.Side


@dataclass(frozen=True)
class Recipient:
    side: str
    name: str
    email: str
    zone_name: str
    locale: str


def recipient_of(booking: Booking, side: str) -> Recipient:
    if side == Side.CUSTOMER:
        return Recipient(
            side=side,
            name=booking.customer_name or booking.customer_email,
            email=booking.customer_email,
            zone_name=booking.customer_timezone,
            locale=booking.customer_locale or "en",
        )
    agent = booking.agent
    return Recipient(
        side=side,
        name=agent.name,
        email=agent.email,
        zone_name=agent.timezone,
        locale=agent.locale or "en",
    )


def _subject(kind: str, side: str, values: dict) -> str:
    if side == Side.CUSTOMER:
        subjects = {
            Kind.CONFIRMATION: _("Your 1:1 session: %(when)s"),
            Kind.RESCHEDULED: _("Your 1:1 session moved to %(when)s"),
            Kind.REMINDER: _("Reminder: your 1:1 session on %(when)s"),
            Kind.CANCELLED: _("Cancelled: your 1:1 session on %(when)s"),
            Kind.DECLINED: _("About your 1:1 session on %(when)s"),
            Kind.FOLLOW_UP: _("After our session: %(session)s"),
        }
    else:
        subjects = {
            Kind.CONFIRMATION: _("New 1:1 session with %(customer)s: %(when)s"),
            Kind.RESCHEDULED: _("1:1 session with %(customer)s moved to %(when)s"),
            Kind.REMINDER: _("Reminder: 1:1 session with %(customer)s on %(when)s"),
            Kind.CANCELLED: _("Cancelled: 1:1 session with %(customer)s on %(when)s"),
            Kind.DECLINED: _("Declined: 1:1 session with %(customer)s on %(when)s"),
            Kind.FOLLOW_UP: _("Follow-up sent to %(customer)s"),
        }
    return subjects[kind] % values


def _offset_in_words(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return translation.ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return translation.ngettext("in %(n)d hour", "in %(n)d hours", hours) % {"n": hours}
    return translation.ngettext("in %(n)d minute", "in %(n)d minutes", minutes) % {"n": minutes}


def _from_address(booking: Booking) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((one_line(booking.workspace.name or name), address or "support@concierge.localhost"))


def build_booking_email(booking: Booking, *, kind: str, recipient: str, offset_minutes: int = 0):
    """The message for one recipient, rendered in their language with times in their zone."""
    who = recipient_of(booking, recipient)
    other = recipient_of(booking, Side.AGENT if recipient == Side.CUSTOMER else Side.CUSTOMER)
    with translation.override(django_language(who.locale)):
        when = session_time(booking.starts_at, who.zone_name, who.locale)
        values = {"when": when, "customer": booking.customer_name or booking.customer_email}
        values["session"] = booking.session_type.name
        context = {
            "booking": booking,
            "recipient": who,
            "other": other,
            "for_customer": recipient == Side.CUSTOMER,
            "when": when,
            "city_time": city_time(who.zone_name, who.locale),
            "session_type": booking.session_type,
            "channel": booking.session_type.get_channel_display(),
            "length_minutes": booking.session_type.length_minutes,
            "answers": _answers_for_display(booking),
            "offset_words": _offset_in_words(offset_minutes) if offset_minutes else "",
            "workspace": booking.workspace,
        }
        if kind in (Kind.CONFIRMATION, Kind.RESCHEDULED, Kind.REMINDER):
            # Until the address is confirmed, each of these asks the customer to confirm it (with the
            # link that only ever goes to that address) and tells the agent it is not confirmed.
            context["unconfirmed"] = not booking.is_email_confirmed
            if recipient == Side.CUSTOMER:
                context["reschedule_url"] = links.reschedule_url(booking)
                context["cancel_url"] = links.cancel_url(booking)
                if context["unconfirmed"]:
                    context["confirm_url"] = links.confirm_email_url(booking)
            else:
                context["session_page_url"] = links.session_page_url(booking)
        if kind == Kind.FOLLOW_UP:
            context["follow_up"] = booking.follow_up
        # Names are cleaned when they are stored; one_line also keeps an older stored name with a line
        # break from breaking the header (Django refuses a header with a line break: BadHeaderError).
        subject = one_line(_subject(kind, recipient, values))
        body = render_to_string(f"meetings/emails/{kind}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=_from_address(booking), to=[who.email]
    )
    if kind in (Kind.CONFIRMATION, Kind.RESCHEDULED):
        method = invites.REQUEST
    elif kind in (Kind.CANCELLED, Kind.DECLINED):
        method = invites.CANCEL
    else:
        method = None
    if method:
        invite = invites.session_invite(booking, zone_name=who.zone_name, description=body, method=method)
        message.attach("invite.ics", invite.decode("utf-8"), "text/calendar")
    return message


def _answers_for_display(booking: Booking) -> list[tuple[str, str]]:
    labels = {question.key: question.label for question in booking.session_type.questions.all()}
    return [(labels.get(key, key), value) for key, value in booking.answers.items()]
