"""Many unverified bookers book different slots from one link at the same moment, with the link's
limit of unconfirmed sessions nearly reached: exactly as many as it allows get one. Shared by the
concurrency test: in-process on PostgreSQL, and in a child process over a SQLite file on SQLite.

Run as `python -m tests.meetings.link_limit_race ATTEMPTS` with DATABASE_URL pointing at an empty
SQLite file and MEETINGS_UNCONFIRMED_PER_LINK set: it migrates, races, and prints the outcomes as JSON.
"""

import json
import sys
import threading
from datetime import UTC, datetime, timedelta

NOW = datetime(2027, 3, 8, 0, 0, tzinfo=UTC)
FIRST_SLOT = datetime(2027, 3, 9, 10, 0, tzinfo=UTC)


def set_up_one_link_with_many_slots():
    """A session type whose only host is free from 10:00 to 14:00 (London) on Tuesday 9 March 2027,
    and one booking link to it."""
    from concierge.meetings.services.availability import set_date_override
    from concierge.meetings.services.session_types import create_booking_trigger, create_session_type
    from concierge.workspaces.services import add_teammate, create_workspace

    workspace = create_workspace(
        name="Busy", slug="busy", timezone_name="Europe/London", owner_email="owner@busy.test"
    )
    agent = add_teammate(workspace, email="agent@busy.test", name="Agent", timezone_name="Europe/London")
    set_date_override(agent, FIRST_SLOT.date(), [("10:00", "14:00")])
    session_type = create_session_type(
        workspace, name="Busy", hosts=[agent], length_minutes=30, minimum_notice_minutes=60
    )
    return create_booking_trigger(session_type, place="pricing page")


def _attempt(trigger_id: int, index: int, barrier: threading.Barrier, outcomes: list) -> None:
    from django.db import connection

    from concierge.core.errors import TooManyAttempts
    from concierge.meetings.models import BookingTrigger
    from concierge.meetings.services.booking import book_session

    try:
        trigger = BookingTrigger.objects.select_related("session_type__workspace").get(pk=trigger_id)
        barrier.wait(timeout=30)
        book_session(
            trigger.session_type,
            trigger=trigger,
            start=FIRST_SLOT + timedelta(minutes=30 * index),
            timezone_name="Europe/Belgrade",
            customer_name=f"Customer {index}",
            customer_email=f"c{index}@customer.test",
            at=NOW,
        )
        outcomes.append("booked")
    except TooManyAttempts:
        outcomes.append("limited")
    except Exception as exc:  # reported to the test as what went wrong
        outcomes.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def race_for_the_links_last_places(trigger_id: int, attempts: int) -> list[str]:
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_attempt, args=(trigger_id, i, barrier, outcomes)) for i in range(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from concierge.meetings.models import Booking

    call_command("migrate", verbosity=0)
    trigger = set_up_one_link_with_many_slots()
    outcomes = race_for_the_links_last_places(trigger.pk, int(sys.argv[1]))
    print(json.dumps({"outcomes": outcomes, "bookings": Booking.objects.filter(trigger=trigger).count()}))


if __name__ == "__main__":
    main()
