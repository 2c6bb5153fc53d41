"""The 1:1 sessions API: teammates configure and run sessions with an API key; customers book through
the messenger or a public booking link; every refusal is a clear 4xx and changes nothing."""

import pytest

from concierge.meetings.links import manage_token
from concierge.meetings.models import Booking, SessionType

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(api, agents, workspace):
    created = api.post(
        "/meetings/types",
        {
            "name": "Payments setup",
            "topic": "Connect your payment provider",
            "host_ids": [a.pk for a in agents],
            "length_minutes": 30,
            "slot_step_minutes": 30,
            "minimum_notice_minutes": 60,
            "horizon_days": 10,
            "channel": "screen_share",
            "meeting_link_template": "https://meet.example.com/{code}",
        },
    )
    assert created.status_code == 201, created.content
    type_id = created.json()["id"]
    question = api.post(
        f"/meetings/types/{type_id}/questions",
        {"label": "What should we cover?", "key": "topic", "kind": "choice", "choices": ["Setup", "Refunds"]},
    )
    assert question.status_code == 201, question.content
    rule = api.post(
        f"/meetings/types/{type_id}/rules",
        {
            "source": "answer",
            "key": "topic",
            "value": "Refunds",
            "message": "Refunds are quickest in a conversation.",
            "alternative_url": "https://help.example.com/refunds",
        },
    )
    assert rule.status_code == 201, rule.content
    trigger = api.post(f"/meetings/types/{type_id}/triggers", {"place": "payments page"})
    assert trigger.status_code == 201, trigger.content
    assert trigger.json()["url"].endswith(f"/book/{trigger.json()['token']}/")
    return {"type_id": type_id, "token": trigger.json()["token"]}


def _slots(client, token, zone, messenger=False):
    prefix = "/messenger/sessions/links" if messenger else "/booking-links"
    response = client.get(f"{prefix}/{token}/slots", timezone=zone)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_visitor_books_through_the_messenger_with_a_night_time_confirmation(configured, visitor, workspace):
    token = configured["token"]
    offered = _slots(visitor, token, "Australia/Sydney", messenger=True)
    assert offered["city_time"] == "Sydney time"
    night = next(slot for day in offered["days"] for slot in day["slots"] if slot["night"])
    body = {
        "start": night["start"],
        "timezone": "Australia/Sydney",
        "answers": {"topic": "Setup"},
        "name": "Sam",
        "email": "sam@customer.test",
    }
    refused = visitor.post(f"/messenger/sessions/links/{token}/bookings", body)
    assert refused.status_code == 409
    assert refused.json()["field"] == "confirm_night"
    assert refused.json()["question"].endswith("(night), Sydney time — is that right?")
    assert not Booking.objects.exists()

    booked = visitor.post(f"/messenger/sessions/links/{token}/bookings", {**body, "confirm_night": True})
    assert booked.status_code == 201, booked.content
    assert booked.json()["when"] == refused.json()["question"].removesuffix(" — is that right?")
    mine = visitor.get("/messenger/sessions").json()["items"]
    assert [item["id"] for item in mine] == [booked.json()["id"]]
    cancelled = visitor.post(f"/messenger/sessions/{booked.json()['id']}/cancel", {"reason": "Sorted it"})
    assert cancelled.json()["status"] == "cancelled"


def test_eligibility_is_checked_at_once_and_refuses_with_the_teams_message(configured, visitor):
    token = configured["token"]
    checked = visitor.post(
        f"/messenger/sessions/links/{token}/eligibility", {"answers": {"topic": "Refunds"}}
    )
    assert checked.json() == {
        "eligible": False,
        "message": "Refunds are quickest in a conversation.",
        "alternative_url": "https://help.example.com/refunds",
        "alternative_label": None,
    }
    slot = _slots(visitor, token, "Europe/Belgrade", messenger=True)["days"][0]["slots"][-1]
    refused = visitor.post(
        f"/messenger/sessions/links/{token}/bookings",
        {
            "start": slot["start"],
            "timezone": "Europe/Belgrade",
            "answers": {"topic": "Refunds"},
            "email": "x@y.test",
        },
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Refunds are quickest in a conversation."
    assert refused.json()["alternative_url"] == "https://help.example.com/refunds"
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("start", "zone", "message"),
    [
        ("2030-03-03T14:00:00", "Europe/Belgrade", "has no zone offset"),
        ("tomorrow at two", "Europe/Belgrade", "is not a time"),
        ("2020-03-03T14:00:00+01:00", "Europe/Belgrade", "in the past"),
        ("2099-03-03T14:00:00+01:00", "Europe/Belgrade", "next 10 days"),
        ("2099-03-03T14:00:00+01:00", "Europe/Nowhere", "not a known IANA time zone"),
    ],
)
def test_bad_input_from_a_public_link_is_a_clear_4xx_and_books_nothing(configured, start, zone, message):
    from tests.api_client import ApiClient

    public = ApiClient({})
    response = public.post(
        f"/booking-links/{configured['token']}/bookings",
        {
            "start": start,
            "timezone": zone,
            "answers": {"topic": "Setup"},
            "name": "Pat",
            "email": "pat@c.test",
        },
    )
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
    assert not Booking.objects.exists()


def test_a_tampered_reschedule_link_is_refused(configured, visitor, workspace):
    from tests.api_client import ApiClient

    token = configured["token"]
    slot = _slots(visitor, token, "Europe/Belgrade")["days"][-1]["slots"][-1]
    public = ApiClient({})
    booked = public.post(
        f"/booking-links/{token}/bookings",
        {
            "start": slot["start"],
            "timezone": "Europe/Belgrade",
            "answers": {"topic": "Setup"},
            "name": "Pat",
            "email": "pat@c.test",
            "confirm_night": True,
        },
    )
    assert booked.status_code == 201, booked.content
    booking = Booking.objects.get()
    signed = manage_token(booking)
    assert public.get(f"/session-links/{signed}").json()["id"] == booking.pk
    other_id = signed.replace(f'"b":{booking.pk}', f'"b":{booking.pk + 1}')
    for tampered in (signed[:-2] + "xx", signed + "a", "eyJiIjoxfQ:1abc:zzz", other_id[:-1]):
        response = public.post(f"/session-links/{tampered}/cancel", {})
        assert response.status_code == 422
        assert "not valid" in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_teammates_run_sessions_through_the_api(configured, api, london_agent):
    token = configured["token"]
    slot = _slots(api, token, "Europe/London")["days"][0]["slots"][0]
    from tests.api_client import ApiClient

    ApiClient({}).post(
        f"/booking-links/{token}/bookings",
        {
            "start": slot["start"],
            "timezone": "Europe/London",
            "answers": {"topic": "Setup"},
            "name": "Pat",
            "email": "pat@c.test",
            "confirm_night": True,
        },
    )
    [listed] = api.get("/meetings/bookings", status="booked").json()["items"]
    assert listed["trigger_place"] == "payments page"
    booking_id = listed["id"]
    assert (
        api.post(f"/meetings/bookings/{booking_id}/held", {}).json()["detail"]
        == "This session has not started yet."
    )
    noted = api.request("PUT", f"/meetings/bookings/{booking_id}/notes", {"notes": "Bring the API docs"})
    assert noted.json()["notes"] == "Bring the API docs"
    declined = api.post(f"/meetings/bookings/{booking_id}/decline", {"reason": "out_of_scope"})
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    report = api.get("/meetings/report", **{"from": "2020-01-01", "to": "2020-12-31"})
    assert report.status_code == 200, report.content
    assert report.json()["booked"] == 0


def test_another_workspace_sees_nothing(configured, api, other_api, other_workspace):
    assert other_api.get(f"/meetings/types/{configured['type_id']}").status_code == 404
    from tests.api_client import messenger_for_visitor

    stranger = messenger_for_visitor(other_workspace, "stranger")
    assert stranger.get(f"/messenger/sessions/links/{configured['token']}").status_code == 404
    assert SessionType.objects.filter(workspace=other_workspace).count() == 0
