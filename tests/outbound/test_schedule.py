"""Schedules: once or recurring, at a local time in each contact's zone (or the workspace's), right
across a daylight-saving change; each occurrence opens when its local time first comes anywhere, and
each contact's delivery waits for their own."""

from datetime import UTC, date, datetime, time

import pytest

from concierge.contacts.services import create_contact
from concierge.outbound.models import Delivery
from concierge.outbound.schedule import local_instant, occurrences
from concierge.outbound.services import deliver_due, open_due_occurrences, set_state

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sent_instants(contact) -> list[datetime]:
    return list(
        Delivery.objects.filter(contact=contact, state="sent")
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
    )


def advance_to(at: datetime, run_tasks) -> None:
    """What the worker's recurring tasks do at `at`: open the occurrences that came, send what is due."""
    open_due_occurrences(at=at)
    run_tasks()
    while deliver_due(at=at):
        pass


def test_weekly_at_nine_in_each_contacts_zone_across_the_spring_change(workspace, make_message, run_tasks):
    # Europe moves its clocks on Sunday 28 March 2027 (UTC+1 -> UTC+2); New York did on 14 March.
    berlin = create_contact(workspace, external_id="berlin", timezone="Europe/Berlin")
    new_york = create_contact(workspace, external_id="ny", timezone="America/New_York")
    zoneless = create_contact(workspace, external_id="zoneless")  # the workspace's zone: New York
    message = make_message(
        trigger="schedule",
        schedule_on="2027-03-21",
        schedule_time="09:00",
        schedule_zone="contact",
        repeat="weekly",
        repeat_until="2027-04-04",
        max_per_contact=3,
    )
    assert set_state(message, "live", at=utc(2027, 3, 1)).state == "scheduled"
    for at in [utc(2027, 3, day, hour) for day in (20, 21, 27, 28, 29, 30, 31) for hour in range(0, 24)] + [
        utc(2027, 4, day, hour) for day in range(1, 7) for hour in range(0, 24)
    ]:
        advance_to(at, run_tasks)
    message.refresh_from_db()
    assert message.state == "live"
    assert sent_instants(berlin) == [utc(2027, 3, 21, 8), utc(2027, 3, 28, 7), utc(2027, 4, 4, 7)]
    assert sent_instants(new_york) == [utc(2027, 3, 21, 13), utc(2027, 3, 28, 13), utc(2027, 4, 4, 13)]
    assert sent_instants(zoneless) == sent_instants(new_york)
    assert Delivery.objects.filter(state="pending").count() == 0


def test_in_the_workspaces_zone_everyone_gets_it_at_once(workspace, make_message, run_tasks):
    tokyo = create_contact(workspace, external_id="tokyo", timezone="Asia/Tokyo")
    message = make_message(
        trigger="schedule", schedule_on="2027-11-08", schedule_time="10:30", schedule_zone="workspace"
    )
    set_state(message, "live", at=utc(2027, 11, 1))
    advance_to(utc(2027, 11, 8, 15, 29), run_tasks)
    assert sent_instants(tokyo) == []
    advance_to(utc(2027, 11, 8, 15, 30), run_tasks)  # 10:30 in New York, on standard time since 7 November
    assert sent_instants(tokyo) == [utc(2027, 11, 8, 15, 30)]


def test_a_local_time_the_spring_change_skips_falls_an_hour_later_and_a_repeated_one_first():
    assert local_instant(date(2027, 3, 28), time(2, 30), "Europe/Berlin") == utc(2027, 3, 28, 1, 30)
    assert local_instant(date(2027, 10, 31), time(2, 30), "Europe/Berlin") == utc(2027, 10, 31, 0, 30)


def test_occurrences_once_daily_weekly_and_monthly_on_the_last_day_when_shorter():
    assert list(occurrences(date(2027, 1, 31), "once", None)) == [date(2027, 1, 31)]
    assert list(occurrences(date(2027, 1, 31), "monthly", date(2027, 4, 30))) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert len(list(occurrences(date(2027, 1, 1), "daily", date(2027, 1, 10)))) == 10
    assert list(occurrences(date(2027, 1, 1), "weekly", date(2027, 1, 14))) == [
        date(2027, 1, 1),
        date(2027, 1, 8),
    ]


def test_a_paused_schedule_opens_nothing_and_a_stopped_one_never_again(
    workspace, make_message, contact, run_tasks
):
    message = make_message(
        trigger="schedule",
        schedule_on="2027-05-03",
        schedule_time="09:00",
        repeat="daily",
        max_per_contact=10,
    )
    set_state(message, "live", at=utc(2027, 5, 1))
    set_state(message, "paused")
    assert open_due_occurrences(at=utc(2027, 5, 4)) == 0
    set_state(message, "stopped")
    assert open_due_occurrences(at=utc(2027, 5, 5)) == 0
    assert not Delivery.objects.exists()
