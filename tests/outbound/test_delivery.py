"""Delivering proactive messages: to the audience by the worker, or to one contact when a page or an
event triggers it. Each delivery records `outbound.sent` for its message and contact; frequency, the
workspace's cap (an outage notice goes past it), fixed versus kept-up-to-date audiences, goals that
stop a message, unsubscriptions, office hours, pausing and stopping."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from concierge.contacts.services import create_contact, update_contact
from concierge.events.models import Event
from concierge.events.services import track_contact_event
from concierge.outbound.models import Delivery, SendRun
from concierge.outbound.selectors import (
    deliveries_for_contact,
    figures_of,
    figures_of_messages,
    live_messages_for,
)
from concierge.outbound.selectors.daily import daily_figures
from concierge.outbound.services import (
    deliver,
    deliver_due,
    meet_attribute_goals,
    refresh_dynamic_audiences,
    set_daily_cap,
    set_state,
    unsubscribe,
)
from concierge.outbound.services.delivery import run_send_batch
from concierge.routing.services.hours import set_office_hours
from concierge.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db
PRO = {"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}]}


def customers(workspace, count, **fields):
    return [
        create_contact(workspace, external_id=f"c{n}", email=f"c{n}@customer.test", **fields)
        for n in range(count)
    ]


def sent_to(message) -> list[int]:
    return sorted(Delivery.objects.filter(message=message, state="sent").values_list("contact_id", flat=True))


def sent_events(message) -> list[int]:
    return sorted(
        Event.objects.filter(type="outbound.sent", message_ref=message.ref).values_list(
            "contact_id", flat=True
        )
    )


def test_the_worker_sends_a_live_message_to_its_audience_with_one_event_each(
    workspace, make_message, run_tasks
):
    pro = customers(workspace, 3, attributes={"plan": "pro"})
    create_contact(workspace, external_id="free", attributes={"plan": "free"})
    message = make_message(audience=PRO)
    set_state(message, "live")
    run_tasks()
    assert sent_to(message) == sent_events(message) == sorted(c.pk for c in pro)
    assert figures_of(message)["sent"] == 3
    assert SendRun.objects.get(message=message).finished_at is not None
    run_tasks()  # nothing more to do, nothing twice
    assert Event.objects.filter(type="outbound.sent").count() == 3


def test_batches_walk_the_audience_in_order_and_a_paused_message_waits(workspace, make_message, run_tasks):
    people = customers(workspace, 5)
    message = make_message()
    set_state(message, "live")
    run = SendRun.objects.get(message=message)
    assert run_send_batch(run.pk, batch_size=2)
    assert sent_to(message) == [people[0].pk, people[1].pk]
    set_state(message, "paused")
    assert not run_send_batch(run.pk, batch_size=2)
    assert len(sent_to(message)) == 2
    set_state(message, "live")
    run_tasks()
    assert sent_to(message) == sorted(c.pk for c in people) == sent_events(message)


def test_once_per_person_or_up_to_n_times_with_a_gap(workspace, make_message, contact):
    once = make_message()
    set_state(once, "live")
    now = timezone.now()
    assert deliver(once, contact, at=now) is not None
    assert deliver(once, contact, at=now + timedelta(days=30)) is None

    thrice = make_message(max_per_contact=3, min_gap_days=2, overrides_cap=True)
    set_state(thrice, "live")
    assert deliver(thrice, contact, at=now).sequence == 1
    assert deliver(thrice, contact, at=now + timedelta(days=1)) is None  # within the gap
    assert deliver(thrice, contact, at=now + timedelta(days=2)).sequence == 2
    assert deliver(thrice, contact, at=now + timedelta(days=4)).sequence == 3
    assert deliver(thrice, contact, at=now + timedelta(days=9)) is None
    assert Event.objects.filter(type="outbound.sent", message_ref=thrice.ref).count() == 3


def test_twenty_messages_matching_one_contact_at_once_deliver_one(
    workspace, make_message, contact, run_tasks
):
    messages = [make_message(name=f"Message {n}") for n in range(20)]
    for message in messages:
        set_state(message, "live")
    run_tasks()
    deliveries = Delivery.objects.filter(contact=contact)
    assert deliveries.filter(state="sent").count() == 1
    assert deliveries.filter(state="pending").count() == 19
    assert Event.objects.filter(type="outbound.sent", contact_id=contact.pk).count() == 1
    first_sent = deliveries.get(state="sent").sent_at
    # The next one goes when the 24 hours are over, not before.
    assert deliver_due(at=first_sent + timedelta(hours=23)) == 0
    deliver_due(at=first_sent + timedelta(hours=24, minutes=1))
    assert deliveries.filter(state="sent").count() == 2


def test_an_outage_notice_goes_past_the_cap_and_does_not_count_towards_it(workspace, make_message, contact):
    now = timezone.now()
    regular = make_message()
    outage = make_message(content_type="banner", overrides_cap=True)
    later = make_message()
    for message in (regular, outage, later):
        set_state(message, "live")
    assert deliver(regular, contact, at=now)
    assert deliver(outage, contact, at=now)
    assert deliver(later, contact, at=now) is None  # the cap of one a day is used by `regular`
    set_daily_cap(workspace, 2)
    assert deliver(later, contact, at=now)
    assert AuditEntry.objects.get(action="outbound_settings.changed").changes == {"daily_cap": [1, 2]}


def test_a_fixed_audience_is_who_matched_when_it_went_live(workspace, make_message, run_tasks):
    early = customers(workspace, 2, attributes={"plan": "pro"})
    fixed = make_message(audience=PRO, audience_mode="fixed", overrides_cap=True)
    dynamic = make_message(audience=PRO, audience_mode="dynamic", overrides_cap=True)
    set_state(fixed, "live")
    set_state(dynamic, "live")
    run_tasks()
    newcomer = create_contact(workspace, external_id="new", attributes={"plan": "pro"})
    update_contact(early[1], attributes={"plan": "free"})
    assert refresh_dynamic_audiences(at=timezone.now() + timedelta(hours=1)) == 1  # the dynamic one only
    run_tasks()
    assert sent_to(fixed) == sorted(c.pk for c in early)
    assert sent_to(dynamic) == sorted([early[0].pk, early[1].pk, newcomer.pk])
    assert deliver(fixed, newcomer) is None
    # Who no longer matches a kept-up-to-date audience is not in it any more.
    other = make_message(audience=PRO, overrides_cap=True)
    set_state(other, "live")
    assert deliver(other, early[1]) is None and deliver(other, early[0]) is not None


def test_a_goal_met_stops_the_message_for_that_contact(workspace, make_message):
    now = timezone.now()
    ana, ben = customers(workspace, 2)
    message = make_message(
        max_per_contact=3,
        min_gap_days=1,
        overrides_cap=True,
        goal_kind="event",
        goal_name="export succeeded",
        goal_days=3,
        stop_when_goal_met=True,
    )
    set_state(message, "live")
    assert deliver(message, ana, at=now) and deliver(message, ben, at=now)
    track_contact_event(ana, "export succeeded", at=now + timedelta(hours=5))
    met = Delivery.objects.get(message=message, contact=ana)
    assert met.goal_met_at == now + timedelta(hours=5)
    goal_event = Event.objects.get(type="outbound.goal_met", contact_id=ana.pk)
    assert goal_event.message_ref == message.ref
    assert deliver(message, ana, at=now + timedelta(days=2)) is None
    assert deliver(message, ben, at=now + timedelta(days=2)).sequence == 2
    # Too late for the goal's days: not met.
    track_contact_event(ben, "export succeeded", at=now + timedelta(days=9))
    assert not Delivery.objects.filter(contact=ben, goal_met_at__isnull=False).exists()
    assert figures_of(message)["goal_met"] == 1


def test_no_email_to_the_unsubscribed_or_to_a_contact_without_an_address(workspace, make_message, run_tasks):
    reader, leaver = customers(workspace, 2)
    create_contact(workspace, external_id="no-address")
    unsubscribe(leaver)
    unsubscribe(leaver)  # twice changes nothing
    email = make_message(content_type="email")
    set_state(email, "live")
    run_tasks()
    assert sent_to(email) == [reader.pk]


def test_office_hours_only_waits_for_the_opening(workspace, make_message, contact):
    set_office_hours(workspace, timezone_name="UTC", intervals=[(day, "09:00", "17:00") for day in range(5)])
    message = make_message(office_hours_only=True)
    set_state(message, "live")
    saturday = datetime(2030, 1, 5, 12, 0, tzinfo=UTC)
    assert deliver(message, contact, at=saturday) is None
    monday = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
    assert deliver(message, contact, at=monday) is not None


def test_the_worker_holds_a_delivery_until_the_office_opens(workspace, make_message, contact, run_tasks):
    set_office_hours(workspace, timezone_name="UTC", intervals=[(day, "09:00", "17:00") for day in range(5)])
    message = make_message(office_hours_only=True)
    set_state(message, "live")
    run = SendRun.objects.get(message=message)
    saturday = datetime(2030, 1, 5, 12, 0, tzinfo=UTC)
    run_send_batch(run.pk, at=saturday)
    pending = Delivery.objects.get(message=message)
    assert pending.state == "pending" and pending.due_at == datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    assert deliver_due(at=datetime(2030, 1, 7, 9, 1, tzinfo=UTC)) == 1
    assert Delivery.objects.get(message=message).state == "sent"


def test_a_stopped_messages_pending_deliveries_are_skipped(workspace, make_message, contact, run_tasks):
    first, second = make_message(), make_message()
    set_state(first, "live")
    set_state(second, "live")
    run_tasks()
    assert Delivery.objects.filter(state="pending").count() == 1
    held = Delivery.objects.get(state="pending")
    set_state(held.message, "stopped")
    deliver_due(at=timezone.now() + timedelta(days=2))
    held.refresh_from_db()
    assert held.state == "skipped" and held.reason == "stopped"
    assert not Event.objects.filter(type="outbound.sent", message_ref=held.message.ref).exists()


def test_a_message_triggered_by_an_event_goes_when_it_is_tracked(workspace, make_message, contact, run_tasks):
    message = make_message(trigger="event", event_name="export failed")
    set_state(message, "live")
    run_tasks()
    assert sent_to(message) == []  # not sent to anyone as it goes live
    track_contact_event(contact, "export failed")
    run_tasks()
    assert sent_to(message) == [contact.pk] == sent_events(message)


def test_a_contact_sees_only_their_own_and_never_another_workspaces(
    workspace, make_message, contact, other_contact, run_tasks
):
    other = create_contact(workspace, external_id="someone-else")
    message = make_message(content_type="post")
    set_state(message, "live")
    run_tasks()
    assert [d.contact_id for d in deliveries_for_contact(workspace, contact)] == [contact.pk]
    assert deliver(message, other_contact) is None
    assert list(deliveries_for_contact(workspace, other_contact)) == []
    assert live_messages_for(workspace, other) == [message]
    assert live_messages_for(workspace, other_contact) == []


def test_a_page_message_is_offered_on_its_pages_only(workspace, make_message, contact):
    message = make_message(content_type="banner", trigger="page", page_url="/billing*")
    set_state(message, "live")
    assert live_messages_for(workspace, contact, trigger="page", url="https://app.test/billing/invoices") == [
        message
    ]
    assert live_messages_for(workspace, contact, trigger="page", url="https://app.test/settings") == []


def test_a_goal_met_by_an_attribute_taking_its_value(workspace, make_message):
    now = timezone.now()
    ana, ben = customers(workspace, 2, attributes={"plan": "free"})
    message = make_message(
        overrides_cap=True, goal_kind="attribute", goal_name="plan", goal_value="pro", goal_days=7
    )
    set_state(message, "live")
    deliver(message, ana, at=now)
    deliver(message, ben, at=now)
    update_contact(ana, attributes={"plan": "pro"})
    assert meet_attribute_goals(at=now + timedelta(days=1)) == 1
    assert meet_attribute_goals(at=now + timedelta(days=1)) == 0  # once
    assert Delivery.objects.get(contact=ana).goal_met_at == now + timedelta(days=1)
    assert (
        Event.objects.filter(type="outbound.goal_met", contact_id=ana.pk, message_ref=message.ref).count()
        == 1
    )
    update_contact(ben, attributes={"plan": "pro"})
    assert meet_attribute_goals(at=now + timedelta(days=8)) == 0  # after the goal's days


def test_figures_per_message_and_per_day(workspace, make_message):
    ana, ben = customers(workspace, 2)
    first, second = make_message(overrides_cap=True), make_message(overrides_cap=True)
    set_state(first, "live")
    set_state(second, "live")
    day_one = datetime(2030, 3, 1, 10, tzinfo=UTC)
    deliver(first, ana, at=day_one)
    deliver(first, ben, at=day_one + timedelta(days=1))
    deliver(second, ana, at=day_one)
    figures = figures_of_messages(workspace, [first.pk, second.pk])
    assert figures[first.pk]["sent"] == 2 and figures[second.pk]["sent"] == 1
    by_day = daily_figures(first, day_one.date(), (day_one + timedelta(days=1)).date(), UTC)
    assert [(row["day"], row["sent"]) for row in by_day] == [
        (day_one.date(), 1),
        ((day_one + timedelta(days=1)).date(), 1),
    ]
    assert [row["opened"] for row in by_day] == [0, 0]
