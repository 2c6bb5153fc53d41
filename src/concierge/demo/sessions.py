"""Demo 1:1 sessions for a seeded workspace: a session type offered from two places, the teammates'
working hours, and two months of sessions booked, held, missed, cancelled and declined, with
follow-ups and feedback — all through the services, replayed with their `at=` argument. Most are
booked by signed-in customers; two upcoming ones come from the public link, booked by name and
email: a known customer who then confirmed the address from the email (so the session joined them),
and someone new who has not confirmed yet."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from concierge.contacts.models import Contact
from concierge.core.errors import ServiceError
from concierge.meetings.selectors.slots import free_slots
from concierge.meetings.services.availability import set_weekly_hours
from concierge.meetings.services.booking import book_session, cancel_booking, decline_booking
from concierge.meetings.services.confirmation import confirm_booking_email
from concierge.meetings.services.feedback import record_feedback
from concierge.meetings.services.followup import send_follow_up
from concierge.meetings.services.outcomes import mark_no_show, mark_session_held
from concierge.meetings.services.session_types import (
    add_eligibility_rule,
    add_intake_question,
    create_booking_trigger,
    create_session_type,
)
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor

WEEKDAY_HOURS = [(day, "09:00", "17:00") for day in ("monday", "tuesday", "wednesday", "thursday", "friday")]
EXPECTATIONS = [
    "Connect our payment provider and test a refund",
    "Set up routing rules for our two support teams",
    "Import our help articles from the old tool",
    "Walk through the reports with our team lead",
]
FEATURES_THAT_MATTER = ["Routing rules", "Saved replies", "Reports", "Help center", "Messenger"]
FEATURES_MISSED = ["Dark mode", "WhatsApp channel", "Shopify integration", "SLA alerts", "Bulk export"]
AREAS = ["E-commerce", "Software", "Education", "Travel", "Healthcare"]
SIZES = ["1-10", "11-50", "51-200", "201-1000"]


@dataclass
class DemoSessionsResult:
    bookings: int
    upcoming: int


def seed_demo_sessions(
    workspace: Workspace,
    *,
    hosts: list[Teammate],
    contacts: list[Contact],
    at: datetime,
    rng: random.Random,
    past_days: int = 60,
    sessions: int = 40,
    actor: Actor = SYSTEM,
) -> DemoSessionsResult:
    """Book `sessions` sessions over the last `past_days` days and the next two weeks. `actor` sets up
    the session type; each host sets their own hours."""
    for host in hosts:
        set_weekly_hours(host, WEEKDAY_HOURS, actor=Actor.for_teammate(host))
    session_type = create_session_type(
        workspace,
        actor=actor,
        name="Setup walkthrough",
        topic="A 30-minute screen share to get your workspace set up the way your team works.",
        hosts=hosts,
        length_minutes=30,
        slot_step_minutes=30,
        buffer_after_minutes=15,
        minimum_notice_minutes=4 * 60,
        horizon_days=14,
        channel="screen_share",
        meeting_link_template="https://meet.example.com/acme-{code}",
        preparation_checklist=[
            "Read the intake",
            "Open the customer's workspace",
            "Have the setup guide ready",
        ],
    )
    add_intake_question(
        session_type, label="What would you like to get done in the session?", key="expectation", actor=actor
    )
    add_intake_question(
        session_type,
        label="What is it about?",
        key="topic",
        kind="choice",
        choices=["Setup", "Integrations", "Reports", "Billing"],
        actor=actor,
    )
    add_eligibility_rule(
        session_type,
        source="answer",
        key="topic",
        value="Billing",
        message="Billing questions are answered fastest in a conversation: write to us in the messenger.",
        alternative_url="https://help.example.com/billing",
        alternative_label="Billing in the help center",
        actor=actor,
    )
    triggers = [
        create_booking_trigger(session_type, place="setup page", actor=actor),
        create_booking_trigger(session_type, place="onboarding email", kind="email_link", actor=actor),
    ]
    with_email = [contact for contact in contacts if contact.email]
    booked = upcoming = 0
    # A quarter of them are still to come: booked in the last three days for any day of the next two
    # weeks, so the sessions list opens on a fortnight of upcoming sessions, whenever the demo is seeded.
    past = sessions - sessions // 4
    for index in range(sessions):
        if index < past:
            booked_at = at - timedelta(days=past_days * (1 - index / past), hours=rng.randint(0, 8))
            slots = free_slots(session_type, at=booked_at)
        else:
            booked_at = at - timedelta(hours=rng.randint(1, 72))
            slots = [slot for slot in free_slots(session_type, at=booked_at) if slot.start > at]
        if not slots or not with_email:
            continue
        slot = slots[min(len(slots) - 1, rng.randint(0, 40))] if index < past else rng.choice(slots)
        contact = rng.choice(with_email)
        try:
            booking = book_session(
                session_type,
                trigger=rng.choice(triggers),
                contact=contact,
                start=slot.start,
                timezone_name=contact.timezone or workspace.timezone,
                locale="en",
                answers={
                    "expectation": rng.choice(EXPECTATIONS),
                    "topic": rng.choice(["Setup", "Integrations", "Reports"]),
                },
                confirm_night=True,
                at=booked_at,
            )
        except ServiceError:
            continue
        booked += 1
        if booking.starts_at > at:
            upcoming += 1
            continue
        _play_what_happened(booking, rng, booked_at)
    from_the_link = _book_from_the_public_link(session_type, triggers[0], with_email, at, rng)
    booked += from_the_link
    upcoming += from_the_link
    return DemoSessionsResult(bookings=booked, upcoming=upcoming)


def _book_from_the_public_link(session_type, trigger, with_email, at: datetime, rng: random.Random) -> int:
    """Two upcoming sessions booked on the setup page by name and email, a few hours ago: a known
    customer, who confirmed the address from the email an hour later, and someone new, who has not."""
    booked_at = at - timedelta(hours=3)
    starts = [
        slot.start for slot in free_slots(session_type, at=booked_at) if slot.start > at + timedelta(days=1)
    ]
    people = [("Jordan Blake", "jordan.blake@northwind.example", "Europe/London")]
    users = [contact for contact in with_email if contact.kind == Contact.Kind.USER]
    if users:
        known = rng.choice(users)
        people.insert(0, (known.name or "Customer", known.email, known.timezone or "America/New_York"))
    made = 0
    for (name, email, zone_name), start in zip(people, starts[3::7], strict=False):
        try:
            booking = book_session(
                session_type,
                trigger=trigger,
                customer_name=name,
                customer_email=email,
                start=start,
                timezone_name=zone_name,
                locale="en",
                answers={"expectation": rng.choice(EXPECTATIONS), "topic": "Setup"},
                confirm_night=True,
                at=booked_at,
            )
        except ServiceError:
            continue
        made += 1
        if email != "jordan.blake@northwind.example":
            confirm_booking_email(booking, at=booked_at + timedelta(hours=1))
    return made


def _play_what_happened(booking, rng: random.Random, booked_at: datetime) -> None:
    agent = booking.agent
    roll = rng.random()
    if roll < 0.08:
        cancel_booking(
            booking,
            by="customer",
            reason="Found the answer in the help center",
            at=booked_at + timedelta(hours=2),
        )
    elif roll < 0.14:
        decline_booking(
            booking, teammate=agent, reason="answered_in_conversation", at=booked_at + timedelta(hours=1)
        )
    elif roll < 0.24:
        mark_no_show(booking, side="customer", teammate=agent, at=booking.starts_at + timedelta(minutes=15))
    elif roll < 0.27:
        mark_no_show(booking, side="agent", teammate=agent, at=booking.starts_at + timedelta(minutes=15))
    else:
        after = booking.starts_at + timedelta(minutes=35)
        mark_session_held(booking, teammate=agent, at=after)
        send_follow_up(
            booking,
            teammate=agent,
            recap="We went through your setup together: "
            + booking.answers.get("expectation", "").lower()
            + ".",
            article_links=[{"title": "Getting started", "url": "https://help.example.com/getting-started"}],
            next_steps="Invite your colleagues and try a routing rule on real conversations.",
            at=after,
        )
        record_feedback(
            booking,
            teammate=agent,
            product_usage="Uses the inbox and messenger daily with a small team.",
            important_features=rng.sample(FEATURES_THAT_MATTER, 2),
            missing_features=rng.sample(FEATURES_MISSED, rng.randint(1, 2)),
            activity_area=rng.choice(AREAS),
            demographics={"company_size": rng.choice(SIZES)},
            at=after + timedelta(minutes=5),
        )
