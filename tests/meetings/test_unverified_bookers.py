"""Someone who books without being verified — a name and an email typed on a public booking link —
is a new, unverified person: judged on their answers alone (never on the stored attributes of
whoever the email names), answered the same whether a customer has that address or not, booked under
a contact of their own until the address is confirmed from the email, and limited per client
address, per email and per link. The messenger's signed-in user keeps their own attributes and
their booking."""

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.contacts.services import update_contact
from concierge.conversations.services import start_conversation
from concierge.events.models import Event
from concierge.meetings.links import (
    booking_id_from_confirm_email_token,
    booking_id_from_manage_token,
    confirm_email_token,
    manage_token,
)
from concierge.meetings.models import Booking
from concierge.meetings.selectors.reports import sessions_report
from concierge.meetings.selectors.slots import free_slots, slots_by_local_day
from concierge.meetings.services.session_types import add_eligibility_rule, add_intake_question
from concierge.reports.selectors import support_report
from tests.api_client import messenger_for_user

ZONE = "Europe/Belgrade"
PRO_MESSAGE = "Pro plans have a dedicated manager: write to them for a session."


def next_start(session_type) -> str:
    """The first slot still free, at a daytime hour for the customer."""
    days = slots_by_local_day(free_slots(session_type), ZONE, "en")
    return next(choice.value for day in days for choice in day.slots if not choice.night)


def book_by_link(token, start, *, email, name="Pat Booker", address="203.0.113.7", answers=None):
    return Client().post(
        f"/api/v1/booking-links/{token}/bookings",
        json.dumps(
            {"start": start, "timezone": ZONE, "name": name, "email": email, "answers": answers or {}}
        ),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def without_csrf_token(response) -> str:
    """The page without its CSRF tokens (masked anew for every page)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


@pytest.fixture
def signed_in_agent(chicago_agent):
    agent_client = Client()
    agent_client.force_login(chicago_agent.user)
    return agent_client


@pytest.fixture
def pro_customer(workspace, contact, session_type):
    """A known customer on the Pro plan, with a past conversation; a rule that sends Pro customers to
    their manager instead of a session."""
    update_contact(contact, attributes={"plan": "pro", "mrr": 4200})
    start_conversation(workspace, contact=contact, body="Our SSO login loops forever")
    add_eligibility_rule(session_type, source="attribute", key="plan", value="pro", message=PRO_MESSAGE)
    return contact


# (a) Nothing about someone else --------------------------------------------------------------------


def test_the_verified_customer_is_judged_on_their_attributes_a_public_booker_never_is(
    workspace, trigger, session_type, pro_customer
):
    start = next_start(session_type)
    signed_in = messenger_for_user(workspace, pro_customer.external_id)
    refused = signed_in.post(
        f"/messenger/sessions/links/{trigger.token}/bookings", {"start": start, "timezone": ZONE}
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == PRO_MESSAGE

    # With the Pro customer's email, a public booker gets what an email no one has gets: a booking.
    as_them = book_by_link(trigger.token, start, email=pro_customer.email)
    as_nobody = book_by_link(trigger.token, next_start(session_type), email="nobody@else.test")
    assert (as_them.status_code, as_nobody.status_code) == (201, 201), as_them.content
    assert PRO_MESSAGE not in as_them.content.decode()
    assert set(as_them.json()) == set(as_nobody.json())


def test_the_page_answers_a_known_and_an_unknown_address_alike_with_the_same_statements(
    client, trigger, session_type, pro_customer
):
    """Not a timing test: the same SQL statements run, in the same order, for an address a customer
    has and one no one has — no lookup by the typed email happens at all — so there is nothing for a
    clock to tell apart, and the pages differ only in the booking's own link."""
    add_intake_question(session_type, label="Topic", key="topic", kind="choice", choices=["Setup", "Billing"])
    add_eligibility_rule(
        session_type, source="answer", key="topic", value="Billing", message="Billing: chat."
    )
    page = f"/book/{trigger.token}/"

    def book(email, start, topic="Setup"):
        statements = []

        def remember(execute, sql, params, many, context):
            sql = re.sub(r'"s\d+_x\d+"', "savepoint", sql)  # savepoints are numbered
            # which agents are free differs from one slot to the next: the length of such a list is
            # the slot's, not the address's
            statements.append(re.sub(r"IN \(%s(, %s)*\)", "IN (…)", sql))
            return execute(sql, params, many, context)

        form = {"timezone": ZONE, "lang": "en", "start": start, "name": "Kim", "email": email}
        with connection.execute_wrapper(remember):
            response = client.post(page, {**form, "answer_topic": topic}, REMOTE_ADDR="198.51.100.9")
        return response, statements

    book("warm-up@else.test", next_start(session_type))
    refused_known, known_refusal_sql = book(pro_customer.email, next_start(session_type), topic="Billing")
    refused_unknown, unknown_refusal_sql = book("nobody@else.test", next_start(session_type), topic="Billing")
    assert refused_known.status_code == refused_unknown.status_code == 403
    assert without_csrf_token(refused_known).replace(pro_customer.email, "nobody@else.test") == (
        without_csrf_token(refused_unknown)
    )
    assert known_refusal_sql == unknown_refusal_sql

    booked_known, known_sql = book(pro_customer.email, next_start(session_type))
    booked_unknown, unknown_sql = book("nobody@else.test", next_start(session_type))
    assert booked_known.status_code == booked_unknown.status_code == 302
    assert known_sql == unknown_sql
    for booked in (booked_known, booked_unknown):
        text = client.get(booked["Location"]).content.decode()
        assert "You're booked" in text and "Please confirm your address with the link in it." in text
        assert PRO_MESSAGE not in text


# (b) Nothing filed under an existing customer until the address is confirmed --------------------


def test_a_public_booking_with_a_customers_email_is_kept_apart_from_that_customer(
    signed_in_agent, workspace, trigger, session_type, pro_customer
):
    booked = book_by_link(trigger.token, next_start(session_type), email=pro_customer.email)
    booking = Booking.objects.get(pk=booked.json()["id"])
    assert booking.contact != pro_customer and booking.email_confirmed_at is None
    assert (booking.contact.kind, booking.contact.email, booking.contact.attributes) == (
        "lead",
        pro_customer.email,
        {},
    )
    assert not pro_customer.bookings.exists()
    assert Event.objects.get(type="meeting.booked").contact == booking.contact
    # The customer's own messenger does not list it either.
    mine = messenger_for_user(workspace, pro_customer.external_id).get("/messenger/sessions").json()
    assert mine["items"] == []

    page = signed_in_agent.get(f"/w/{workspace.slug}/sessions/{booking.pk}/").content.decode()
    assert "casey@customer.test is not confirmed yet." in page
    assert "Our SSO login loops forever" not in page
    assert "4200" not in page and "mrr" not in page and PRO_MESSAGE not in page
    listed = signed_in_agent.get(f"/w/{workspace.slug}/sessions/").content.decode()
    assert "badge-unconfirmed" in listed and ">unconfirmed<" in listed


def test_following_the_emailed_link_and_pressing_the_button_joins_the_booking_to_the_customer(
    client, signed_in_agent, workspace, trigger, session_type, pro_customer, mailbox, run_tasks
):
    booked = book_by_link(trigger.token, next_start(session_type), email=pro_customer.email)
    booking = Booking.objects.get(pk=booked.json()["id"])
    booker = booking.contact
    today = timezone.localdate(timezone=ZoneInfo(workspace.timezone))
    funnel_before = support_report(workspace, today - timedelta(days=1), today + timedelta(days=1))
    run_tasks()

    [email] = mailbox.to(pro_customer.email)
    text = email.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/book/confirm-email/(\S+)/", text)
    assert link and booking_id_from_confirm_email_token(link.group(1))[0] == booking.pk
    # The link only ever goes into emails: the booker's own page (the reschedule/cancel link's) never
    # shows it.
    assert (
        "/book/confirm-email/" not in client.get(f"/book/session/{manage_token(booking)}/").content.decode()
    )
    [to_agent] = mailbox.to(booking.agent.email)
    agent_text = to_agent.get_body(preferencelist=("plain",)).get_content()
    assert "casey@customer.test is not confirmed yet" in agent_text

    # Opening the link (a mail scanner does) changes nothing; pressing the button confirms.
    path = f"/book/confirm-email/{link.group(1)}/"
    shown = client.get(path)
    assert shown.status_code == 200 and "Yes, this is my session" in shown.content.decode()
    booking.refresh_from_db()
    assert booking.email_confirmed_at is None and booking.contact == booker
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    shown_at, query = confirmed["Location"].split("?")
    assert booking_id_from_manage_token(shown_at.split("/")[3]) == booking.pk and query == "confirmed=1"
    assert "is confirmed for this session" in client.get(confirmed["Location"]).content.decode()

    booking.refresh_from_db()
    booker.refresh_from_db()
    assert booking.email_confirmed_at is not None
    assert booking.contact == pro_customer and booker.merged_into == pro_customer
    # The log: the booking's event stays where it was recorded, and the merge names that contact.
    assert Event.objects.get(type="meeting.booked").contact == booker
    merged = Event.objects.get(type="contact.merged")
    assert (merged.contact, merged.data["lead"]) == (pro_customer, booker.ref)
    # Reports count exactly what they counted before.
    assert support_report(workspace, today - timedelta(days=1), today + timedelta(days=1)) == funnel_before
    assert sessions_report(workspace, today, today).booked == 1

    page = signed_in_agent.get(f"/w/{workspace.slug}/sessions/{booking.pk}/").content.decode()
    assert "is not confirmed yet" not in page
    assert "Our SSO login loops forever" in page and "4200" in page
    # What the customer's record says about the session, for the agent to decide.
    assert "On the customer's record, the rule on <code>plan</code> would not offer" in page
    assert PRO_MESSAGE in page
    mine = messenger_for_user(workspace, pro_customer.external_id).get("/messenger/sessions").json()
    assert [item["id"] for item in mine["items"]] == [booking.pk]

    # Again: nothing changes. The next emails no longer ask.
    assert client.post(path).status_code == 302
    assert Event.objects.filter(type="contact.merged").count() == 1


def test_an_address_no_customer_has_becomes_a_customer_when_confirmed(client, trigger, session_type):
    booked = book_by_link(trigger.token, next_start(session_type), email="new@customer.test")
    booking = Booking.objects.get(pk=booked.json()["id"])
    client.post(f"/book/confirm-email/{confirm_email_token(booking)}/")
    booking.refresh_from_db()
    assert (booking.contact.kind, booking.contact.email, booking.contact.merged_into_id) == (
        "user",
        "new@customer.test",
        None,
    )
    assert not Event.objects.filter(type="contact.merged").exists()


def test_a_changed_confirmation_link_is_refused_and_confirms_nothing(client, trigger, session_type, contact):
    booked = book_by_link(trigger.token, next_start(session_type), email=contact.email)
    booking = Booking.objects.get(pk=booked.json()["id"])
    signed = confirm_email_token(booking)
    for tampered in (signed[:-2] + "xx", manage_token(booking)):
        refused = client.post(f"/book/confirm-email/{tampered}/")
        assert refused.status_code == 422
        assert "not valid" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.email_confirmed_at is None and booking.contact != contact


def test_the_messenger_user_books_as_today_and_a_visitor_under_their_own_contact(
    workspace, trigger, session_type, contact, visitor
):
    signed_in = messenger_for_user(workspace, contact.external_id)
    mine = signed_in.post(
        f"/messenger/sessions/links/{trigger.token}/bookings",
        {"start": next_start(session_type), "timezone": ZONE},
    )
    assert mine.status_code == 201, mine.content
    booking = Booking.objects.get(pk=mine.json()["id"])
    assert booking.contact == contact and booking.email_confirmed_at == booking.booked_at

    as_visitor = visitor.post(
        f"/messenger/sessions/links/{trigger.token}/bookings",
        {"start": next_start(session_type), "timezone": ZONE, "email": contact.email, "name": "Casey"},
    )
    assert as_visitor.status_code == 201, as_visitor.content
    theirs = Booking.objects.get(pk=as_visitor.json()["id"])
    assert theirs.contact.visitor_id == "visitor-1" and theirs.email_confirmed_at is None
    # Confirming the address says the booking's address is right; it does not make the visitor the user.
    Client().post(f"/book/confirm-email/{confirm_email_token(theirs)}/")
    theirs.refresh_from_db()
    assert theirs.email_confirmed_at is not None
    assert (theirs.contact.visitor_id, theirs.contact.merged_into_id) == ("visitor-1", None)


def test_when_a_visitor_is_identified_their_sessions_go_with_them(
    workspace, trigger, session_type, contact, visitor
):
    from concierge.contacts.services import merge_lead_into_user

    booked = visitor.post(
        f"/messenger/sessions/links/{trigger.token}/bookings",
        {"start": next_start(session_type), "timezone": ZONE, "email": "v@customer.test", "name": "V"},
    )
    lead = Contact.objects.get(visitor_id="visitor-1")
    merge_lead_into_user(lead, contact)
    assert Booking.objects.get(pk=booked.json()["id"]).contact == contact


def test_the_confirmation_page_speaks_the_customers_language(trigger, session_type):
    booked = Client().post(
        f"/api/v1/booking-links/{trigger.token}/bookings",
        json.dumps(
            {
                "start": next_start(session_type),
                "timezone": ZONE,
                "locale": "de",
                "name": "Kim",
                "email": "kim@kunde.test",
            }
        ),
        content_type="application/json",
    )
    booking = Booking.objects.get(pk=booked.json()["id"])
    page = Client().get(f"/book/confirm-email/{confirm_email_token(booking)}/")
    assert page["Content-Language"] == "de"
    text = page.content.decode()
    assert "Ist das Ihre Sitzung?" in text and "Ja, das ist meine Sitzung" in text
    assert "Bitte bestätigen Sie, dass kim@kunde.test Ihre Adresse ist." in text
