"""/api/v1/outbound/messages: create, read, change, delete, state, audience size. Bad input is a 4xx
that names what is wrong and writes nothing; another workspace's message is a 404."""

import pytest

from concierge.contacts.services import create_contact
from concierge.events.models import Event
from concierge.outbound.models import Message
from concierge.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db
CHAT = {
    "content_type": "chat",
    "name": "Export help",
    "tags": ["exports"],
    "versions": [{"locale": "en", "body": "Hi {{first_name|there}}, need a hand with exports?"}],
    "audience": {
        "match": "all",
        "rules": [{"event": "export failed", "op": "at_least", "count": 3, "days": 7}],
    },
}


def test_create_read_change_go_live_and_list(api, workspace, owner, run_tasks):
    created = api.post("/outbound/messages", CHAT | {"sender_id": owner.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["sender_id"] == owner.pk and body["ref"].startswith("m_")
    assert body["figures"] == {
        "sent": 0,
        "opened": 0,
        "clicked": 0,
        "reacted": 0,
        "replied": 0,
        "goal_met": 0,
        "pending": 0,
    }
    assert AuditEntry.objects.get(action="outbound_message.created").actor_kind == "api_key"

    changed = api.patch(
        f"/outbound/messages/{body['id']}", {"tags": ["exports", "retention"], "audience": None}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["tags"] == ["exports", "retention"] and changed.json()["audience"]["rules"] == []

    create_contact(workspace, external_id="c1")
    assert api.get(f"/outbound/messages/{body['id']}/audience-size").json() == {"size": 1}
    live = api.post(f"/outbound/messages/{body['id']}/state", {"state": "live"})
    assert live.status_code == 200 and live.json()["state"] == "live"
    run_tasks()
    assert api.get(f"/outbound/messages/{body['id']}").json()["figures"]["sent"] == 1
    assert Event.objects.filter(type="outbound.sent", message_ref=body["ref"]).count() == 1
    assert [m["id"] for m in api.all_pages("/outbound/messages", state="live")] == [body["id"]]
    assert api.all_pages("/outbound/messages", tag="nope") == []
    assert api.delete(f"/outbound/messages/{body['id']}").status_code == 409


def test_audience_size_before_writing_anything(api, workspace):
    create_contact(workspace, external_id="a", attributes={"seats": 20})
    create_contact(workspace, external_id="b", attributes={"seats": 2})
    rules = {"match": "all", "rules": [{"attribute": "seats", "op": "gte", "value": 10}]}
    assert api.post("/outbound/messages/audience-size", {"audience": rules}).json() == {"size": 1}
    assert api.post("/outbound/messages/audience-size", {"audience_kind": "leads"}).json() == {"size": 0}
    refused = api.post(
        "/outbound/messages/audience-size", {"audience": {"rules": [{"attribute": "seats", "op": "near"}]}}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "audience.rules.1"
    assert "Rule 1" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"content_type": "fax"}, None),
        ({"versions": [{"locale": "en", "body": "{{nope.x}}"}]}, "versions.1.body"),
        ({"trigger": "schedule"}, "schedule_on"),
        ({"max_per_contact": 0}, None),
        ({"sender_id": 999999}, "sender_id"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(api, change, field):
    refused = api.post("/outbound/messages", CHAT | change)
    assert 400 <= refused.status_code < 500, refused.content
    assert refused.json()["detail"]
    if field:
        assert refused.json()["field"] == field
    assert not Message.objects.exists()


def test_a_bad_state_is_refused(api):
    message = api.post("/outbound/messages", CHAT).json()
    assert api.post(f"/outbound/messages/{message['id']}/state", {"state": "paused"}).status_code == 409
    assert api.post(f"/outbound/messages/{message['id']}/state", {"state": "sideways"}).status_code == 422
    assert Message.objects.get().state == "draft"


def test_another_workspaces_message_is_a_404(api, other_api):
    message = api.post("/outbound/messages", CHAT).json()
    path = f"/outbound/messages/{message['id']}"
    assert other_api.get(path).status_code == 404
    assert other_api.patch(path, {"name": "mine"}).status_code == 404
    assert other_api.post(f"{path}/state", {"state": "live"}).status_code == 404
    assert other_api.get(f"{path}/audience-size").status_code == 404
    assert other_api.delete(path).status_code == 404
    assert other_api.all_pages("/outbound/messages") == []
    assert Message.objects.get().name == "Export help" and Message.objects.get().state == "draft"


def test_a_draft_is_deleted(api):
    message = api.post("/outbound/messages", CHAT).json()
    assert api.delete(f"/outbound/messages/{message['id']}").status_code == 204
    assert api.get(f"/outbound/messages/{message['id']}").status_code == 404
