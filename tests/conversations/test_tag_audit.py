"""Tags are configuration: creating and deleting one is audited with who did it. Tagging a
conversation is not (the conversation's own parts and the event log tell that)."""

import pytest
from django.urls import reverse

from concierge.conversations import services
from concierge.core.errors import Conflict
from concierge.workspaces.models import ApiKey
from concierge.workspaces.services import Actor
from tests.audit_trail import entries_written, the_only_entry


@pytest.fixture
def conversation(workspace, contact):
    return services.start_conversation(workspace, contact=contact, body="My export fails")


def test_a_tag_created_and_deleted_through_the_api_names_the_key(api, workspace):
    key = ApiKey.objects.get(workspace=workspace, name="tests")
    with entries_written(workspace) as written:
        tag_id = api.post("/tags", {"name": "vip"}).json()["id"]
        assert api.post("/tags", {"name": "vip"}).status_code == 409
        assert api.delete(f"/tags/{tag_id}").status_code == 204
    created, deleted = written
    assert [(e.action, e.target_type, e.target_id, e.target_label) for e in written] == [
        ("tag.created", "tag", tag_id, "vip"),
        ("tag.deleted", "tag", tag_id, "vip"),
    ]
    assert (created.changes, deleted.changes) == ({"name": [None, "vip"]}, {"name": ["vip", None]})
    assert {e.actor_api_key_id for e in written} == {key.pk}


def test_tagging_with_a_new_name_records_the_new_tag_only(api, workspace, conversation, agent):
    with entries_written(workspace) as written:
        api.post(f"/conversations/{conversation.pk}/tags", {"name": "billing", "teammate_id": agent.pk})
        tag_id = conversation.tags.get().pk
        api.delete(f"/conversations/{conversation.pk}/tags/{tag_id}")
        api.post(f"/conversations/{conversation.pk}/tags", {"name": "billing"})
    entry = the_only_entry(written)
    assert (entry.action, entry.target_id, entry.actor_kind) == ("tag.created", tag_id, "api_key")


def test_a_tag_made_on_the_inbox_page_names_the_teammate(client, workspace, owner, conversation):
    client.force_login(owner.user)
    with entries_written(workspace) as written:
        response = client.post(
            reverse("web:conversation-tag", args=[workspace.slug, conversation.pk]), {"tag": "urgent"}
        )
        assert response.status_code in (200, 302)
    entry = the_only_entry(written)
    assert (entry.action, entry.actor_teammate, entry.actor_label) == ("tag.created", owner, "Olivia Owner")


def test_a_tag_that_already_exists_is_refused_and_not_recorded(workspace, owner):
    services.create_tag(workspace, "vip", actor=Actor.for_teammate(owner))
    with entries_written(workspace) as written, pytest.raises(Conflict):
        services.create_tag(workspace, "vip", actor=Actor.for_teammate(owner))
    assert written == []
