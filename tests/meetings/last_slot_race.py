"""The race for the last free slot, shared by the concurrency test: in-process on PostgreSQL, and in a
child process over a SQLite file on SQLite (the in-memory test database cannot be shared by threads
that each hold a write transaction).

Run as `python -m tests.meetings.last_slot_race ATTEMPTS` with DATABASE_URL pointing at an empty
SQLite file: it migrates, races, and prints the outcomes as JSON.
"""

import json
import sys
import threading
from datetime import UTC, datetime

NOW = datetime(2027, 3, 8, 0, 0, tzinfo=UTC)
LAST_SLOT = datetime(2027, 3, 9, 10, 0, tzinfo=UTC)


def set_up_one_agent_with_one_slot():
    """A session type whose only host is free for exactly one slot on Tuesday 9 March 2027."""
    from concierge.meetings.services.availability import set_date_override
    from concierge.meetings.services.session_types import create_session_type
    from concierge.workspaces.services import add_teammate, create_workspace

    workspace = create_workspace(
        name="Race", slug="race", timezone_name="Europe/London", owner_email="owner@race.test"
    )
    agent = add_teammate(workspace, email="agent@race.test", name="Agent", timezone_name="Europe/London")
    set_date_override(agent, LAST_SLOT.date(), [("10:00", "10:30")])
    return create_session_type(
        workspace, name="Race", hosts=[agent], length_minutes=30, minimum_notice_minutes=60
    )


def _attempt(session_type_id: int, index: int, barrier: threading.Barrier, outcomes: list) -> None:
    from django.db import connection

    from concierge.core.errors import Conflict
    from concierge.meetings.models import SessionType
    from concierge.meetings.services.booking import book_session

    try:
        session_type = SessionType.objects.select_related("workspace").get(pk=session_type_id)
        barrier.wait(timeout=30)
        book_session(
            session_type,
            start=LAST_SLOT,
            timezone_name="Europe/Belgrade",
            customer_name=f"Customer {index}",
            customer_email=f"c{index}@customer.test",
            at=NOW,
        )
        outcomes.append("booked")
    except Conflict as exc:
        outcomes.append(exc.message)
    except Exception as exc:  # reported to the test as what went wrong
        outcomes.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def race_for_the_last_slot(session_type_id: int, attempts: int) -> list[str]:
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_attempt, args=(session_type_id, i, barrier, outcomes))
        for i in range(attempts)
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
    session_type = set_up_one_agent_with_one_slot()
    outcomes = race_for_the_last_slot(session_type.pk, int(sys.argv[1]))
    print(json.dumps({"outcomes": outcomes, "bookings": Booking.objects.filter(starts_at=LAST_SLOT).count()}))


if __name__ == "__main__":
    main()
