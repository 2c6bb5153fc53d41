"""The demo's 1:1 sessions are made through the services and give the pages something to show."""

import random
from datetime import timedelta

from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.demo.sessions import seed_demo_sessions
from concierge.meetings.models import Booking
from concierge.meetings.selectors.reports import feedback_insights, sessions_report


def test_demo_sessions_fill_the_report_and_the_insights(workspace, agents):
    contacts = [
        create_contact(workspace, email=f"demo{i}@customer.test", name=f"Demo {i}", timezone=zone)
        for i, zone in enumerate(
            ["America/Los_Angeles", "Europe/Belgrade", "Asia/Kathmandu", "Australia/Sydney"]
        )
    ]
    now = timezone.now().replace(second=0, microsecond=0)
    result = seed_demo_sessions(
        workspace, hosts=agents, contacts=contacts, at=now, rng=random.Random(3), sessions=24
    )
    assert result.bookings >= 20
    assert Booking.objects.filter(status="held").exists()
    today = now.date()
    report = sessions_report(workspace, today - timedelta(days=60), today)
    assert report.booked >= 15 and report.held >= 1
    assert {row["place"] for row in report.by_trigger} <= {"setup page", "onboarding email"}
    assert feedback_insights(workspace)["entries"] >= 1

    # A quarter are still to come, on several days of the next two weeks: the sessions list opens on them.
    upcoming = Booking.objects.filter(status="booked", starts_at__gt=now)
    assert upcoming.count() >= 24 // 4
    assert len({booking.starts_at.date() for booking in upcoming}) >= 3
    assert all(booking.starts_at < now + timedelta(days=15) for booking in upcoming)

    # Two upcoming sessions came from the public link by name and email: a known customer confirmed
    # the address (the session joined them), someone new has not yet.
    from_the_link = Booking.objects.filter(booked_at=now - timedelta(hours=3)).order_by("id")
    joined, waiting = from_the_link
    assert joined.contact in contacts and joined.email_confirmed_at is not None
    assert waiting.email_confirmed_at is None and waiting.contact.kind == "lead"
    assert waiting.customer_email == "jordan.blake@northwind.example"
