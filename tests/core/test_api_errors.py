"""Bad input anywhere in the API is a 4xx with a `detail` that says what is wrong, and changes nothing."""

import pytest

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part
from concierge.events.models import Event


@pytest.fixture
def nothing_changes(db):
    counts = [
        Contact.objects.count(),
        Conversation.objects.count(),
        Part.objects.count(),
        Event.objects.count(),
    ]
    yield
    assert [
        Contact.objects.count(),
        Conversation.objects.count(),
        Part.objects.count(),
        Event.objects.count(),
    ] == counts


def assert_refused(response, status=422, *, says: str = ""):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    assert says in detail


@pytest.mark.parametrize(
    "raw",
    [
        '{"contact_id": 1, "body": ',
        "not json at all",
        "",
        "[1, 2]",
        '"a string"',
        "42",
        "null",
        '{"body": "\\ud800"}',
    ],
)
def test_malformed_or_non_object_json_is_refused(api, contact, nothing_changes, raw):
    response = api.post("/conversations", raw=raw.replace("1,", f"{contact.pk},"))
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"contact_id": "one", "body": "hi"}, "contact_id"),
        ({"contact_id": 1.5, "body": "hi"}, "contact_id"),
        ({"contact_id": [1], "body": "hi"}, "contact_id"),
        ({"contact_id": 2**64, "body": "hi"}, "contact_id"),
        ({"contact_id": 1, "body": {"html": "hi"}}, "body"),
        ({"contact_id": 1, "body": "hi", "channel": "fax"}, "channel"),
        ({"contact_id": 1, "body": "hi", "subject": "s" * 201}, "subject"),
        ({"contact_id": 1, "body": "hi", "subject": "bad \x00 subject"}, "NUL"),
        ({"contact_id": 1, "body": "\U0001f600" * 20_001}, "body"),
    ],
)
def test_wrong_types_and_over_long_text_are_refused(api, contact, nothing_changes, payload, says):
    payload = {**payload, "contact_id": contact.pk} if payload["contact_id"] == 1 else payload
    assert_refused(api.post("/conversations", payload), says=says)


def test_attributes_must_be_storable_json(api, nothing_changes):
    for raw in (
        '{"external_id": "u", "attributes": {"x": NaN}}',
        '{"external_id": "u", "attributes": {"x": Infinity}}',
        '{"external_id": "u", "attributes": {"k\\u0000": 1}}',
        '{"external_id": "u", "attributes": ' + '{"a": ' * 30 + "1" + "}" * 30 + "}",
    ):
        response = api.post("/contacts", raw=raw)
        assert response.status_code in (400, 422), raw
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/conversations", {"limit": 0}, "limit"),
        ("/conversations", {"limit": 101}, "limit"),
        ("/conversations", {"limit": "lots"}, "limit"),
        ("/conversations", {"state": "sleeping"}, "state"),
        ("/conversations", {"assignee_id": "me"}, "assignee_id"),
        ("/conversations", {"cursor": "not-a-cursor"}, "cursor is not valid"),
        ("/conversations", {"tag": "bad\x00tag"}, "NUL"),
        ("/contacts", {"search": "\x00"}, "NUL"),
        ("/contacts", {"kind": "robot"}, "kind"),
        ("/conversations/99999999999999999999999", {}, "conversation_id"),
        ("/conversations/-3", {}, "conversation_id"),
        ("/contacts/1e3", {}, "contact_id"),
    ],
)
def test_bad_query_and_path_values_are_refused(api, path, params, says):
    assert_refused(api.get(path, **params), says=says)


def test_a_body_over_the_upload_limit_is_refused(api, contact, nothing_changes, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post("/conversations", {"contact_id": contact.pk, "body": "x" * 12_000})
    assert response.status_code == 413
    assert response.json()["detail"]


def test_unknown_ids_say_which_object_was_not_found(api, nothing_changes):
    for path, says in (
        ("/contacts/424242", "No contact with id 424242"),
        ("/conversations/424242", "No conversation with id 424242"),
        ("/teammates/424242", "No teammate with id 424242"),
        ("/teams/424242", "No team with id 424242"),
    ):
        assert_refused(api.get(path), 404, says=says)
