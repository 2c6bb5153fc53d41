"""Booking, rescheduling, cancelling and declining 1:1 sessions.

A booking is accepted only for a start the slot computation offers right now, after the minimum
notice and within the horizon, from an eligible customer, and — for a start between 00:00 and 05:59
in the customer's zone — only with an explicit second confirmation. The agent is the free host who
was booked least recently. The database refuses overlapping bookings of one agent as well (see
migration 0002); a host taken by a concurrent booking makes us try the next free one.

Who books decides what is trusted. A verified customer (the messenger's signed-in user, a known
contact a caller books for) is judged on their own attributes and the booking is theirs. Anyone else
(a name and an email typed on a public link, the messenger's anonymous visitor) is a new, unverified
person: judged on their answers alone — exactly as an email no one knows — given a contact of their
own until the address is confirmed (services/confirmation.py), and limited per client address, per
email and per booking link (settings MEETINGS_*; docs/meetings.md, "Who books").
"""

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, update_contact
from concierge.core.dates import check_instant
from concierge.core.db import lock_rows
from concierge.core.errors import Conflict, InvalidInput, TooManyAttempts
from concierge.core.reactions import announce
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.throttling import RateLimit
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.announcements import (
    BookingCancelled,
    BookingDeclined,
    BookingMade,
    BookingRescheduled,
)
from concierge.meetings.errors import CustomerIneligible, NightConfirmationNeeded
from concierge.meetings.local_time import is_night, night_confirmation_question
from concierge.meetings.models import Booking, BookingEmail, BookingTrigger, IntakeQuestion, SessionType
from concierge.meetings.selectors.session_types import eligibility_problem, intake_questions
from concierge.meetings.selectors.slots import bookable_window, free_slots
from concierge.meetings.services.mail import schedule_booking_emails
from concierge.meetings.services.reminders import schedule_reminders
from concierge.workspaces.models import Teammate

MAX_ANSWER_LENGTH = 2000
EARLIEST_POSSIBLE = datetime.min.replace(tzinfo=UTC)

# Booking attempts of an unverified booker, per workspace and client address, in each hour
# (settings.MEETINGS_BOOKING_ATTEMPTS_PER_HOUR): every try counts, a refused one too.
BOOKING_ATTEMPTS = RateLimit(
    scope="meetings-booking:address",
    message="Too many booking attempts from your network ({limit} an hour). Wait {wait} and try again.",
)
# A refusal by the limits on unconfirmed bookings asks to retry within the hour at the latest: they
# stop counting as they are confirmed, cancelled or start.
UNCONFIRMED_RETRY_AFTER = timedelta(hours=1)


# Input ------------------------------------------------------------------------------------------


def parse_start(value, *, field: str = "start") -> datetime:
    """An instant with its zone offset, as a datetime or ISO 8601 text; a bare wall-clock time is refused."""
    if value is None or value == "":
        raise InvalidInput("Please pick a time.", field=field)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except (ValueError, OverflowError) as exc:
            raise InvalidInput(
                f"{field} '{value}' is not a time; send ISO 8601 with an offset, e.g. 2026-03-03T14:00:00-05:00.",
                field=field,
            ) from exc
    if not isinstance(value, datetime):
        raise InvalidInput(f"{field} must be a time with its zone offset.", field=field)
    if timezone.is_naive(value):
        raise InvalidInput(
            f"{field} '{value.isoformat()}' has no zone offset, so it could mean any of 24 hours; "
            "send it with one, e.g. 2026-03-03T14:00:00-05:00.",
            field=field,
        )
    return check_instant(value, field=field)


def clean_answers(session_type: SessionType, answers: dict | None) -> dict:
    """The intake answers, checked against the questions: required ones present, choices known, URLs valid."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise InvalidInput("answers must be an object of question keys to answers.", field="answers")
    questions = {question.key: question for question in intake_questions(session_type)}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise InvalidInput(f"Unknown question(s): {', '.join(unknown)}.", field="answers")
    cleaned = {}
    for key, question in questions.items():
        value = answers.get(key)
        value = "" if value is None else value
        if not isinstance(value, str):
            raise InvalidInput(f"The answer to '{question.label}' must be text.", field=f"answers.{key}")
        value = value.strip()
        if not value:
            if question.required:
                raise InvalidInput(f"Please answer '{question.label}'.", field=f"answers.{key}")
            continue
        if len(value) > MAX_ANSWER_LENGTH:
            raise InvalidInput(
                f"The answer to '{question.label}' is longer than {MAX_ANSWER_LENGTH} characters.",
                field=f"answers.{key}",
            )
        if question.kind == IntakeQuestion.Kind.CHOICE and value not in question.choices:
            raise InvalidInput(
                f"The answer to '{question.label}' must be one of: {', '.join(question.choices)}.",
                field=f"answers.{key}",
            )
        if question.kind == IntakeQuestion.Kind.URL:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError as exc:
                raise InvalidInput(
                    f"The answer to '{question.label}' must be a web address (https://…).",
                    field=f"answers.{key}",
                ) from exc
        cleaned[key] = value
    return cleaned


def _clean_customer_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(
            f"'{email}' is not a valid email address; the confirmation is sent there.", field="email"
        ) from exc
    return email


def check_start_is_bookable(session_type: SessionType, start: datetime, now: datetime) -> None:
    """Past, inside the minimum notice or beyond the horizon: each a clear error."""
    window = bookable_window(session_type, now)
    if start <= now:
        raise InvalidInput("That time is in the past; please pick a time from the list.", field="start")
    if start < window.earliest:
        raise InvalidInput(
            f"Sessions need {_minutes_in_words(session_type.minimum_notice_minutes)} notice; "
            "please pick a later time.",
            field="start",
        )
    if start > window.latest:
        if session_type.horizon == SessionType.Horizon.ON_DEMAND:
            reach = f"the next {session_type.on_demand_hours} hours"
        else:
            reach = f"the next {session_type.horizon_days} days"
        raise InvalidInput(
            f"Sessions can only be booked for {reach}; please pick an earlier time.", field="start"
        )


def _minutes_in_words(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}'"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}'"
    return f"{minutes} minutes'"


def check_slot_is_offered(
    session_type: SessionType, start: datetime, now: datetime, *, exclude_booking_id: int | None = None
) -> tuple[int, ...]:
    """The hosts free at `start`; a time that is not a slot, or no longer free, is a clear error."""
    slots = free_slots(session_type, start=start, end=start, at=now, exclude_booking_id=exclude_booking_id)
    if slots and slots[0].start == start:
        return slots[0].agent_ids
    offered_at_all = free_slots(session_type, start=start, end=start, at=now, ignore_bookings=True)
    if offered_at_all and offered_at_all[0].start == start:
        raise Conflict("That time was just taken; please pick another one.", field="start")
    raise InvalidInput(
        "That time is not one of the offered slots; please pick a time from the list.", field="start"
    )


def check_night_confirmation(start: datetime, zone_name: str, locale: str, confirmed: bool) -> None:
    if is_night(start, zone_name) and not confirmed:
        raise NightConfirmationNeeded(night_confirmation_question(start, zone_name, locale))


# Booking ----------------------------------------------------------------------------------------


def _agents_least_recently_booked_first(agent_ids) -> list[int]:
    last_booked = dict(
        Booking.objects.filter(agent_id__in=agent_ids)
        .values("agent_id")
        .annotate(last=Max("booked_at"))
        .values_list("agent_id", "last")
    )
    return sorted(agent_ids, key=lambda agent_id: (last_booked.get(agent_id) or EARLIEST_POSSIBLE, agent_id))


def _meeting_link(session_type: SessionType) -> str:
    if not session_type.meeting_link_template:
        return ""
    return session_type.meeting_link_template.replace("{code}", secrets.token_hex(5))


def _insert_for_first_free_agent(candidates, **fields) -> Booking:
    """Tries the candidates in order; one taken meanwhile by a concurrent booking is skipped."""
    for agent_id in candidates:
        try:
            with transaction.atomic():
                return Booking.objects.create(agent_id=agent_id, **fields)
        except IntegrityError:
            continue
    raise Conflict("That time was just taken; please pick another one.", field="start")


def _booking_event_data(booking: Booking, **extra) -> dict:
    data = {
        "booking": booking.pk,
        "session_type": booking.session_type_id,
        "session_type_name": booking.session_type.name,
        "trigger": booking.trigger_id,
        "trigger_place": booking.trigger.place if booking.trigger_id else None,
        "agent": booking.agent_id,
        "starts_at": booking.starts_at.isoformat(),
    }
    data.update(extra)
    return data


def _resolve_customer(session_type: SessionType, contact: Contact | None, name: str, email: str):
    """The name and email the confirmation goes to. A booker named only by what they typed is never
    looked up by that email: whoever the address names is not trusted before it is confirmed."""
    if contact is not None:
        if contact.workspace_id != session_type.workspace_id:
            raise InvalidInput("That contact belongs to another workspace.", field="contact")
        email = email or contact.email
        name = name or contact.name
    email = _clean_customer_email(email)
    name = clean_short_text(name, field="name", max_length=190, required=contact is None)
    return name, email


def is_verified_booker(contact: Contact | None) -> bool:
    """A user the caller identified (the messenger's signed-in user, a known contact booked for);
    not someone named by a typed email, nor the messenger's anonymous visitor (a lead)."""
    return contact is not None and contact.kind == Contact.Kind.USER


def _new_unverified_contact(session_type: SessionType, name: str, email: str, zone_name: str, locale: str):
    """The contact of someone who typed a name and an email: a lead of their own, made the same way
    whether or not a customer already has that address (confirmation.py joins them when confirmed)."""
    return create_contact(
        session_type.workspace,
        kind=Contact.Kind.LEAD,
        email=email,
        name=name,
        timezone=zone_name,
        locale=locale,
    )


def client_digest(workspace_id: int, address: str) -> str:
    """How a booking remembers the client address it came from: keyed, so the address cannot be read
    back or guessed from it."""
    return salted_hmac(
        "concierge.meetings.booked-from", f"{workspace_id}:{address}", algorithm="sha256"
    ).hexdigest()


def check_unconfirmed_limits(
    session_type: SessionType, *, trigger: BookingTrigger | None, email: str, booked_from: str | None, now
) -> None:
    """An unverified booker may hold only so many upcoming sessions still waiting for their address's
    confirmation: per client address, per email and per booking link (settings). Called inside the
    booking's transaction with the link's row held, so the link's count is exact."""
    if trigger is not None:
        lock_rows(BookingTrigger, [trigger.pk])
    limits = [
        ("email", Q(customer_email=email), settings.MEETINGS_UNCONFIRMED_PER_EMAIL),
    ]
    if booked_from:
        limits.append(("address", Q(booked_from=booked_from), settings.MEETINGS_UNCONFIRMED_PER_ADDRESS))
    if trigger is not None:
        limits.append(("link", Q(trigger=trigger), settings.MEETINGS_UNCONFIRMED_PER_LINK))
    waiting = Booking.objects.filter(
        workspace_id=session_type.workspace_id,
        email_confirmed_at__isnull=True,
        status=Booking.Status.BOOKED,
        starts_at__gt=now,
    ).aggregate(
        **{f"{name}_count": Count("pk", filter=condition) for name, condition, _ in limits},
        **{f"{name}_first": Min("starts_at", filter=condition) for name, condition, _ in limits},
    )
    for name, _, limit in limits:
        if waiting[f"{name}_count"] < limit:
            continue
        first = waiting[f"{name}_first"]
        frees_itself = first - now if first is not None else UNCONFIRMED_RETRY_AFTER  # a limit of 0
        retry_after = max(1, int(min(frees_itself, UNCONFIRMED_RETRY_AFTER).total_seconds()))
        sessions_are = f"{limit} sessions booked" if limit != 1 else "1 session booked"
        still_waiting = "are still waiting" if limit != 1 else "is still waiting"
        if name == "email":
            raise TooManyAttempts(
                f"{sessions_are} for {email} {still_waiting} for that address to be confirmed. "
                "Follow the link in the confirmation emails (or cancel one), then book again.",
                retry_after=retry_after,
                field="email",
            )
        if name == "address":
            raise TooManyAttempts(
                f"{sessions_are} from your network {still_waiting} for the email address to be "
                "confirmed. Follow the link in the confirmation emails (or cancel one), then book again.",
                retry_after=retry_after,
            )
        raise TooManyAttempts(
            "Many sessions booked from this link are still waiting for their email address to be "
            "confirmed. Please try again later, or write to us.",
            retry_after=retry_after,
        )


def _record_declined_by_rules(session_type, trigger, contact, name, email, zone_name, locale, rule, now):
    with transaction.atomic():
        if contact is None:
            contact = _new_unverified_contact(session_type, name, email, zone_name, locale)
        record_event(
            session_type.workspace,
            event_types.MEETING_DECLINED,
            contact=contact,
            at=now,
            data={
                "by": "rules",
                "rule": rule.pk,
                "session_type": session_type.pk,
                "session_type_name": session_type.name,
                "trigger": trigger.pk if trigger else None,
                "trigger_place": trigger.place if trigger else None,
            },
        )


def book_session(
    session_type: SessionType,
    *,
    start,
    timezone_name: str,
    locale: str | None = None,
    trigger: BookingTrigger | None = None,
    contact: Contact | None = None,
    customer_name: str = "",
    customer_email: str = "",
    answers: dict | None = None,
    confirm_night: bool = False,
    client_address: str = "",
    at: datetime | None = None,
) -> Booking:
    """Book the slot at `start` for a customer who sees times in `timezone_name`.

    The customer is a contact the caller identified (`contact=`: the messenger's signed-in user or
    its anonymous visitor, a known contact) or is named by the name and email they typed (public
    links). Only a user counts as verified: anyone else is judged on their answers alone, books under
    a contact of their own (the visitor: theirs; a typed email: a new one) until the address is
    confirmed, and is limited — `client_address` (as core.throttling.client_address reads it, given
    by pages and the API) counts their attempts per hour and their unconfirmed sessions.

    Raises InvalidInput, Conflict (taken meanwhile), CustomerIneligible (the team's message),
    NightConfirmationNeeded (the question to ask; call again with confirm_night=True) or
    TooManyAttempts (a limit on unverified bookers; 429).
    """
    now = at or timezone.now()
    verified = is_verified_booker(contact)
    if not verified and client_address:
        BOOKING_ATTEMPTS.take(
            f"{session_type.workspace_id}:{client_address}",
            limit=settings.MEETINGS_BOOKING_ATTEMPTS_PER_HOUR,
        )
    if not session_type.is_active:
        raise InvalidInput("This session type is no longer offered.", field="session_type")
    if trigger is not None and trigger.session_type_id != session_type.pk:
        raise InvalidInput("That booking link belongs to another session type.", field="trigger")
    zone_name = validate_zone_name(timezone_name, field="timezone")
    locale = validate_locale_name(locale or session_type.workspace.locale)
    start = parse_start(start)
    answers = clean_answers(session_type, answers)
    name, email = _resolve_customer(session_type, contact, customer_name, customer_email)

    # A booker named by a typed email has no attributes: never those of whoever the address names.
    rule = eligibility_problem(
        session_type, attributes=contact.attributes if contact else {}, answers=answers
    )
    if rule is not None:
        _record_declined_by_rules(session_type, trigger, contact, name, email, zone_name, locale, rule, now)
        raise CustomerIneligible(
            rule.message, alternative_url=rule.alternative_url, alternative_label=rule.alternative_label
        )

    check_start_is_bookable(session_type, start, now)
    check_slot_is_offered(session_type, start, now)
    check_night_confirmation(start, zone_name, locale, confirm_night)

    length = timedelta(minutes=session_type.length_minutes)
    buffer = timedelta(minutes=session_type.buffer_after_minutes)
    booked_from = client_digest(session_type.workspace_id, client_address) if client_address else None
    with transaction.atomic():
        if not verified:
            check_unconfirmed_limits(
                session_type, trigger=trigger, email=email, booked_from=booked_from, now=now
            )
        # Re-checked inside the write transaction: on SQLite it is serialised (BEGIN IMMEDIATE), on
        # PostgreSQL the exclusion constraint turns a concurrent winner into an IntegrityError.
        free_agent_ids = check_slot_is_offered(session_type, start, now)
        if contact is None:
            contact = _new_unverified_contact(session_type, name, email, zone_name, locale)
        elif not contact.timezone or not contact.locale:
            update_contact(contact, timezone=contact.timezone or zone_name, locale=contact.locale or locale)
        booking = _insert_for_first_free_agent(
            _agents_least_recently_booked_first(free_agent_ids),
            workspace_id=session_type.workspace_id,
            session_type=session_type,
            trigger=trigger,
            contact=contact,
            starts_at=start,
            ends_at=start + length,
            blocked_until=start + length + buffer,
            booked_at=now,
            customer_name=name,
            customer_email=email,
            customer_timezone=zone_name,
            customer_locale=locale,
            answers=answers,
            meeting_link=_meeting_link(session_type),
            checklist=[{"label": item, "done": False} for item in session_type.preparation_checklist],
            email_confirmed_at=now if verified else None,
            booked_from=None if verified else booked_from,
        )
        record_event(
            session_type.workspace,
            event_types.MEETING_BOOKED,
            contact=contact,
            at=now,
            data=_booking_event_data(
                booking,
                lead_time_seconds=int((start - now).total_seconds()),
                channel=session_type.channel,
                customer_timezone=zone_name,
            ),
        )
        schedule_booking_emails(booking, BookingEmail.Kind.CONFIRMATION)
        schedule_reminders(booking, at=now)
        announce(BookingMade(**_happened(booking, now), session_type_id=session_type.pk))
    return booking


def _happened(booking: Booking, at: datetime) -> dict:
    """The fields every announcement of a change to this booking carries (announcements.py)."""
    return {
        "workspace_id": booking.workspace_id,
        "booking_id": booking.pk,
        "contact_id": booking.contact_id,
        "agent_id": booking.agent_id,
        "starts_at": booking.starts_at,
        "at": at,
    }


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("workspace", "session_type", "trigger", "contact", "agent")
        .get(pk=booking.pk)
    )


def _check_still_upcoming(booking: Booking, now: datetime, action: str) -> None:
    if booking.status != Booking.Status.BOOKED:
        raise Conflict(f"This session is {booking.get_status_display().lower()}; it cannot be {action}.")
    if not booking.is_upcoming(now):
        raise Conflict(f"This session has already started; it cannot be {action}.")


def reschedule_booking(
    booking: Booking,
    *,
    start,
    timezone_name: str | None = None,
    locale: str | None = None,
    confirm_night: bool = False,
    by: str = Booking.Side.CUSTOMER,
    at: datetime | None = None,
) -> Booking:
    """Move an upcoming booking to another offered slot (same agent when free, else the least recently
    booked free host). Reminders for the old time are left to lapse: they carry the old sequence."""
    now = at or timezone.now()
    if by not in Booking.Side.values:
        raise InvalidInput("by must be 'customer' or 'agent'.", field="by")
    _check_still_upcoming(booking, now, "rescheduled")
    session_type = booking.session_type
    zone_name = validate_zone_name(timezone_name or booking.customer_timezone, field="timezone")
    locale = validate_locale_name(locale or booking.customer_locale)
    start = parse_start(start)
    if start == booking.starts_at:
        raise InvalidInput("The session is already at that time.", field="start")
    check_start_is_bookable(session_type, start, now)
    check_slot_is_offered(session_type, start, now, exclude_booking_id=booking.pk)
    check_night_confirmation(start, zone_name, locale, confirm_night)

    with transaction.atomic():
        current = _locked_booking(booking)
        _check_still_upcoming(current, now, "rescheduled")
        if current.sequence != booking.sequence:
            raise Conflict("This session was changed meanwhile; please reload and try again.")
        free_agent_ids = check_slot_is_offered(session_type, start, now, exclude_booking_id=current.pk)
        candidates = _agents_least_recently_booked_first(free_agent_ids)
        if current.agent_id in candidates:
            candidates.remove(current.agent_id)
            candidates.insert(0, current.agent_id)
        previous_start = current.starts_at
        length = current.ends_at - current.starts_at
        buffer = current.blocked_until - current.ends_at
        for agent_id in candidates:
            try:
                with transaction.atomic():
                    Booking.objects.filter(pk=current.pk).update(
                        agent_id=agent_id,
                        starts_at=start,
                        ends_at=start + length,
                        blocked_until=start + length + buffer,
                        customer_timezone=zone_name,
                        customer_locale=locale,
                        sequence=current.sequence + 1,
                        reschedule_count=current.reschedule_count + 1,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise Conflict("That time was just taken; please pick another one.", field="start")
        current.refresh_from_db()
        record_event(
            current.workspace,
            event_types.MEETING_RESCHEDULED,
            contact=current.contact,
            at=now,
            data=_booking_event_data(
                current, previous_starts_at=previous_start.isoformat(), by=by, customer_timezone=zone_name
            ),
        )
        schedule_booking_emails(current, BookingEmail.Kind.RESCHEDULED)
        schedule_reminders(current, at=now)
        announce(BookingRescheduled(**_happened(current, now), previous_starts_at=previous_start, by=by))
    return current


def cancel_booking(
    booking: Booking,
    *,
    by: str = Booking.Side.CUSTOMER,
    reason: str = "",
    at: datetime | None = None,
) -> Booking:
    """Cancel an upcoming booking; both sides are told, the slot is free again and reminders lapse."""
    now = at or timezone.now()
    if by not in Booking.Side.values:
        raise InvalidInput("by must be 'customer' or 'agent'.", field="by")
    reason = clean_short_text(reason, field="reason", max_length=500)
    with transaction.atomic():
        current = _locked_booking(booking)
        _check_still_upcoming(current, now, "cancelled")
        current.status = Booking.Status.CANCELLED
        current.cancelled_at = now
        current.cancelled_by = by
        current.cancel_reason = reason
        current.sequence += 1
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "sequence"])
        record_event(
            current.workspace,
            event_types.MEETING_CANCELLED,
            contact=current.contact,
            at=now,
            data=_booking_event_data(current, by=by, reason=reason or None),
        )
        schedule_booking_emails(current, BookingEmail.Kind.CANCELLED)
        announce(BookingCancelled(**_happened(current, now), by=by))
    return current


DECLINE_REASONS = {
    "out_of_scope": "out of scope for a 1:1 session",
    "against_terms": "against our terms",
    "answered_in_conversation": "quick enough to answer in a conversation",
    "other": "other",
}


def decline_booking(
    booking: Booking,
    *,
    teammate: Teammate,
    reason: str,
    message: str = "",
    at: datetime | None = None,
) -> Booking:
    """An agent marks a booking ineligible after reviewing its intake: the customer is told at once
    (with the agent's message) and the slot is free again."""
    now = at or timezone.now()
    if teammate.workspace_id != booking.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    if reason not in DECLINE_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(DECLINE_REASONS)}.", field="reason")
    message = refuse_control_characters((message or "").strip(), field="message", allowed="\t\n\r")
    if len(message) > 2000:
        raise InvalidInput("The message is longer than 2,000 characters.", field="message")
    if reason == "other" and not message:
        raise InvalidInput("Tell the customer why in a message.", field="message")
    with transaction.atomic():
        current = _locked_booking(booking)
        _check_still_upcoming(current, now, "declined")
        current.status = Booking.Status.DECLINED
        current.declined_at = now
        current.declined_by = teammate
        current.decline_reason = message or DECLINE_REASONS[reason]
        current.sequence += 1
        current.save(update_fields=["status", "declined_at", "declined_by", "decline_reason", "sequence"])
        record_event(
            current.workspace,
            event_types.MEETING_DECLINED,
            contact=current.contact,
            at=now,
            data=_booking_event_data(current, by="agent", reason=reason, teammate=teammate.pk),
        )
        schedule_booking_emails(current, BookingEmail.Kind.DECLINED, recipients=(Booking.Side.CUSTOMER,))
        announce(BookingDeclined(**_happened(current, now), teammate_id=teammate.pk))
    return current
