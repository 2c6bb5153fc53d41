"""What a customer's product tracks (Concierge('track', …), the API): one `contact.tracked` event in
the log, announced (`ContactTracked`) in the same transaction for the apps above; bad input refused
and nothing recorded."""

import pytest
from django.db import transaction

from concierge.core.errors import InvalidInput
from concierge.core.reactions import IN_TRANSACTION, subscribe, unsubscribe
from concierge.events.announcements import ContactTracked
from concierge.events.models import Event
from concierge.events.services import track_contact_event

pytestmark = pytest.mark.django_db
heard: list[ContactTracked] = []


def hear(tracked: ContactTracked) -> None:
    heard.append(tracked)


def refuse(tracked: ContactTracked) -> None:
    raise RuntimeError("a subscriber in the transaction broke")


@pytest.fixture
def listening():
    heard.clear()
    subscribe(ContactTracked, hear, runs=IN_TRANSACTION)
    yield heard
    unsubscribe(ContactTracked, hear)
    heard.clear()


def test_tracking_records_the_event_and_announces_it(workspace, contact, listening):
    event = track_contact_event(contact, " export failed ", {"format": "csv"})
    assert (event.type, event.data) == (
        "contact.tracked",
        {"name": "export failed", "data": {"format": "csv"}},
    )
    assert listening == [
        ContactTracked(
            workspace_id=workspace.pk,
            contact_id=contact.pk,
            event_id=event.pk,
            name="export failed",
            at=event.at,
        )
    ]


def test_a_subscriber_that_fails_in_the_transaction_undoes_the_event(workspace, contact):
    subscribe(ContactTracked, refuse, runs=IN_TRANSACTION)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            track_contact_event(contact, "export failed")
    finally:
        unsubscribe(ContactTracked, refuse)
    assert not Event.objects.filter(type="contact.tracked").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("", None), ("-starts with a dash", None), ("x" * 61, None), ("ok", ["a"]), ("ok", {"big": "x" * 5000})],
)
def test_bad_input_is_refused_and_nothing_recorded(workspace, contact, listening, name, data):
    with pytest.raises(InvalidInput):
        track_contact_event(contact, name, data)
    assert not Event.objects.filter(type="contact.tracked").exists() and listening == []


def test_the_api_tracks_for_a_contact_of_its_workspace_only(api, other_api, workspace, contact, listening):
    done = api.post(f"/contacts/{contact.pk}/track", {"name": "export failed", "data": {"rows": 3}})
    assert done.status_code == 201, done.content
    assert done.json()["contact_id"] == contact.pk and done.json()["type"] == "contact.tracked"
    assert [t.name for t in listening] == ["export failed"]
    assert other_api.post(f"/contacts/{contact.pk}/track", {"name": "export failed"}).status_code == 404
    refused = api.post(f"/contacts/{contact.pk}/track", {"name": "-bad"})
    assert refused.status_code == 422 and refused.json()["field"] == "name"
    assert Event.objects.filter(type="contact.tracked").count() == 1
