"""The conversations API (API keys): the inbox list and filters, a conversation's whole life, tags."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from concierge.conversations import selectors, services
from concierge.conversations.models import Tag
from concierge.conversations.schemas import ConversationOut, ConversationPage
from concierge.events.selectors import events_of_conversation, events_of_workspace
from concierge.workspaces.services import create_team

SOON = (timezone.now() + timedelta(days=2)).isoformat()


@pytest.fixture
def conversation(workspace, contact):
    return services.start_conversation(workspace, contact=contact, body="My export fails")


def test_a_conversations_whole_life_through_the_api_matches_the_event_log(
    api, workspace, contact, owner, agent
):
    started = api.post(
        "/conversations", {"contact_id": contact.pk, "body": "My export fails", "subject": "Export"}
    )
    assert started.status_code == 201
    conversation = started.json()
    assert conversation["initiator"] == "contact" and conversation["channel"] == "api"
    assert [(p["kind"], p["author_type"], p["body"]) for p in conversation["parts"]] == [
        ("comment", "contact", "My export fails")
    ]
    path = f"/conversations/{conversation['id']}"
    team = create_team(workspace, name="Reliability", members=[agent])

    assert api.post(
        f"{path}/assignment", {"assignee_id": agent.pk, "team_id": team.pk, "by_teammate_id": owner.pk}
    ).json()["assignee"] == {"id": agent.pk, "name": agent.name}
    assert api.post(f"{path}/notes", {"teammate_id": agent.pk, "body": "CSV bug again"}).status_code == 201
    reply = api.post(f"{path}/replies", {"teammate_id": agent.pk, "body": "We are on it"})
    assert reply.status_code == 201 and reply.json()["author_teammate"]["id"] == agent.pk
    assert (
        api.post(f"{path}/tags", {"name": "export", "teammate_id": agent.pk}).json()["tags"][0]["name"]
        == "export"
    )
    assert api.post(f"{path}/close", {"teammate_id": agent.pk}).json()["state"] == "closed"
    assert api.post(f"{path}/replies", {"author": "contact", "body": "Still broken"}).status_code == 201
    assert api.get(path).json()["state"] == "open"
    until = (timezone.now() + timedelta(hours=3)).isoformat()
    snoozed = api.post(f"{path}/snooze", {"until": until, "teammate_id": agent.pk}).json()
    assert snoozed["state"] == "snoozed" and snoozed["snoozed_until"] is not None
    assert api.post(f"{path}/reopen", {"teammate_id": agent.pk}).json()["state"] == "open"
    assert api.delete(f"{path}/tags", name="export").json()["tags"] == []
    assert api.post(f"{path}/close").json()["state"] == "closed"
    rated = api.post(f"{path}/rating", {"rating": 4, "remark": "quick"}).json()
    assert (rated["rating"], rated["rating_remark"]) == (4, "quick")
    unassigned = api.post(f"{path}/assignment", {}).json()
    assert unassigned["assignee"] is None and unassigned["team"] is None

    detail = api.get(path).json()
    assert detail["first_response_at"] is not None and detail["closed_at"] is not None
    kinds = [p["kind"] for p in detail["parts"]]
    assert kinds[:4] == ["comment", "assignment", "note", "comment"]
    assert "note" in kinds and kinds[-1] == "assignment"
    log = [e.type for e in events_of_conversation(workspace, conversation["ref"])]
    assert log == [
        "conversation.started",
        "conversation.assigned",
        "conversation.note_added",
        "conversation.replied",
        "conversation.tagged",
        "conversation.closed",
        "conversation.replied",
        "conversation.reopened",
        "conversation.snoozed",
        "conversation.untagged",
        "conversation.closed",
        "conversation.rated",
        "conversation.assigned",
    ]


def test_a_teammate_can_start_a_conversation(api, workspace, contact, agent):
    response = api.post(
        "/conversations",
        {
            "contact_id": contact.pk,
            "teammate_id": agent.pk,
            "body": "Your invoice is ready",
            "channel": "email",
        },
    )
    assert response.status_code == 201
    conversation = response.json()
    assert conversation["initiator"] == "teammate"
    assert conversation["started_by"] == {"id": agent.pk, "name": agent.name}
    assert conversation["parts"][0]["author_type"] == "teammate"
    started = events_of_workspace(workspace).get(type="conversation.started")
    assert started.data["initiator"] == "teammate" and started.data["channel"] == "email"


def test_the_inbox_filters_by_state_assignee_team_tag_and_contact(api, workspace, contact, agent, owner):
    from concierge.contacts.services import create_contact

    other_contact = create_contact(workspace, email="dana@customer.test")
    team = create_team(workspace, name="Revenue")
    assigned = services.start_conversation(workspace, contact=contact, body="one")
    services.assign_conversation(assigned, teammate=owner, assignee=agent)
    for_team = services.start_conversation(workspace, contact=contact, body="two")
    services.assign_conversation(for_team, teammate=owner, assignee=None, team=team)
    closed = services.start_conversation(workspace, contact=other_contact, body="three")
    services.close_conversation(closed, teammate=agent)
    tagged = services.start_conversation(workspace, contact=other_contact, body="four")
    billing = services.tag_for_name(workspace, "billing")
    services.tag_conversation(tagged, billing)

    def ids(**filters):
        return {item["id"] for item in api.all_pages("/conversations", **filters)}

    everything = {assigned.pk, for_team.pk, closed.pk, tagged.pk}
    assert ids() == everything
    assert ids(state="closed") == {closed.pk}
    assert ids(state="open") == everything - {closed.pk}
    assert ids(assignee_id=agent.pk) == {assigned.pk}
    assert ids(unassigned="true") == everything - {assigned.pk}
    assert ids(team_id=team.pk) == {for_team.pk}
    assert ids(tag="billing") == {tagged.pk}
    assert ids(tag_id=billing.pk) == {tagged.pk}
    assert ids(contact_id=other_contact.pk) == {closed.pk, tagged.pk}
    assert ids(state="closed", contact_id=contact.pk) == set()
    both = api.get("/conversations", assignee_id=agent.pk, unassigned="true")
    assert both.status_code == 422 and "not both" in both.json()["detail"]


def test_the_inbox_pages_in_order_of_latest_activity_without_repeats(api, workspace, contact):
    start = timezone.now() - timedelta(days=1)
    made = [
        # Pairs share a time, so the id has to break ties.
        services.start_conversation(
            workspace, contact=contact, body=f"#{n}", at=start + timedelta(minutes=n // 2)
        )
        for n in range(7)
    ]
    expected = [c.pk for c in sorted(made, key=lambda c: (c.last_activity_at, c.pk), reverse=True)]
    first = api.get("/conversations", limit=3).json()
    assert [item["id"] for item in first["items"]] == expected[:3]
    assert first["next_cursor"]
    assert [item["id"] for item in api.all_pages("/conversations", limit=3)] == expected
    # The oldest becomes active and moves to the top, before the cursor: the next page neither
    # repeats what was seen nor skips what was not.
    services.reply_as_contact(made[0], "bump")
    second = api.get("/conversations", limit=3, cursor=first["next_cursor"]).json()
    assert [item["id"] for item in second["items"]] == expected[3:6]
    assert second["next_cursor"] is None


def test_the_list_writes_each_conversation_exactly_as_the_conversations_own_schema(
    api, workspace, contact, agent, owner
):
    """The list writes its rows itself (values, not models; no response validation): each item must
    be what ConversationOut writes for the same conversation, field for field, value for value."""
    from concierge.contacts.services import create_contact

    lead = create_contact(workspace, email="lead@customer.test")
    team = create_team(workspace, name="Revenue")
    full = services.start_conversation(workspace, contact=contact, body="<b>Export</b> fails", subject="CSV")
    services.assign_conversation(full, teammate=owner, assignee=agent, team=team)
    for name in ("zeta", "alpha", "mid"):
        services.tag_conversation(full, services.tag_for_name(workspace, name))
    services.reply_as_teammate(full, agent, "On it")
    services.close_conversation(full, teammate=agent)
    services.rate_conversation(full, rating=5, remark="quick")
    snoozed = services.start_conversation(workspace, contact=lead, body="Later please")
    services.snooze_conversation(snoozed, until=timezone.now() + timedelta(hours=5), teammate=agent)
    bare = services.start_conversation(workspace, contact=lead, body="Hi")

    response = api.get("/conversations")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    ConversationPage.model_validate_json(response.content)
    items = response.json()["items"]
    assert [item["id"] for item in items] == [bare.pk, snoozed.pk, full.pk]
    for item in items:
        detail = api.get(f"/conversations/{item['id']}").json()
        assert item == {name: detail[name] for name in ConversationOut.model_fields}
        conversation = selectors.conversation_by_id(workspace, item["id"])
        as_the_schema = json.dumps(ConversationOut.from_orm(conversation).model_dump(), cls=NinjaJSONEncoder)
        assert item == json.loads(as_the_schema)
    assert [tag["name"] for tag in items[2]["tags"]] == ["alpha", "mid", "zeta"]
    assert items[2]["assignee"] == {"id": agent.pk, "name": agent.name}
    assert items[2]["team"] == {"id": team.pk, "name": team.name}
    assert items[0]["assignee"] is None and items[0]["team"] is None and items[0]["tags"] == []
    assert items[1]["snoozed_until"].endswith("Z") and items[1]["state"] == "snoozed"


def test_the_list_reads_a_page_in_the_same_queries_however_long(api, workspace, contact):
    for n in range(6):
        conversation = services.start_conversation(workspace, contact=contact, body=f"#{n}")
        services.tag_conversation(conversation, services.tag_for_name(workspace, f"tag{n % 3}"))
    api.get("/conversations", limit=1)  # the key's first use is recorded (once a minute)

    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/conversations", limit=limit).status_code == 200
        return len(captured)

    # The key (asking within it whether its address has a run of wrong keys), the page, its tags.
    assert queries(1) == queries(6) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "many"},
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 501},
        {"state": "lost"},
    ],
)
def test_the_list_refuses_a_bad_cursor_limit_or_filter(api, conversation, params):
    response = api.get("/conversations", **params)
    assert 400 <= response.status_code < 500 and response.json()["detail"]


def test_the_list_refuses_another_lists_cursor(api, workspace, conversation):
    for name in ("a", "b"):
        services.create_tag(workspace, name)
    tags_cursor = api.get("/tags", limit=1).json()["next_cursor"]
    response = api.get("/conversations", cursor=tags_cursor)
    assert response.status_code == 422 and response.json()["field"] == "cursor"


def test_tags_are_listed_created_and_deleted(api, workspace, conversation):
    created = api.post("/tags", {"name": "vip"})
    assert created.status_code == 201
    tag_id = created.json()["id"]
    assert api.post("/tags", {"name": "vip"}).status_code == 409
    api.post("/tags", {"name": "bug"})
    assert [t["name"] for t in api.all_pages("/tags")] == ["bug", "vip"]
    assert api.post(f"/conversations/{conversation.pk}/tags", {"tag_id": tag_id}).json()["tags"] == [
        {"id": tag_id, "name": "vip"}
    ]
    assert api.delete(f"/conversations/{conversation.pk}/tags/{tag_id}").json()["tags"] == []
    assert api.delete(f"/tags/{tag_id}").status_code == 204
    assert api.delete(f"/tags/{tag_id}").status_code == 404
    assert [t["name"] for t in api.all_pages("/tags")] == ["bug"]


def test_tagging_needs_exactly_one_of_tag_id_and_name(api, conversation):
    for payload in ({}, {"tag_id": 1, "name": "x"}):
        response = api.post(f"/conversations/{conversation.pk}/tags", payload)
        assert response.status_code == 422
        assert "either tag_id or name" in response.json()["detail"]


def test_html_and_script_in_messages_are_stored_sanitised(api, workspace, conversation, agent):
    hostile = '<p onclick="steal()">Hi <script>alert(1)</script><img src=x onerror=alert(2)><b>there</b></p>'
    part = api.post(
        f"/conversations/{conversation.pk}/replies", {"teammate_id": agent.pk, "body": hostile}
    ).json()
    assert part["body"] == part["html"] == "<p>Hi <b>there</b></p>"
    assert part["text"] == "Hi there"
    stored = selectors.parts_of(conversation).last()
    assert "script" not in stored.body and "onerror" not in stored.body and "onclick" not in stored.body


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"body": "hi"}, "teammate_id is required"),
        ({"author": "contact", "teammate_id": 1, "body": "hi"}, "must be left out"),
        ({"teammate_id": "one", "body": "hi"}, "teammate_id"),
        ({"teammate_id": 1, "body": ""}, "body"),
        ({"teammate_id": 1, "body": "<script>only()</script>"}, "must not be empty"),
        ({"teammate_id": 1, "body": "x" * 20_001}, "at most 20000 characters"),
        ({"teammate_id": 1, "body": ["not", "text"]}, "body"),
        ({"teammate_id": 1, "body": "nul \x00 inside"}, "NUL"),
        ({"author": "robot", "body": "hi"}, "author"),
    ],
)
def test_bad_replies_are_refused_with_a_reason_and_change_nothing(api, conversation, agent, payload, message):
    if payload.get("teammate_id") == 1:
        payload = {**payload, "teammate_id": agent.pk}
    before = selectors.parts_of(conversation).count()
    response = api.post(f"/conversations/{conversation.pk}/replies", payload)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert selectors.parts_of(conversation).count() == before


@pytest.mark.parametrize(
    ("action", "payload", "status", "message"),
    [
        ("snooze", {"until": "2030-01-01T09:00:00"}, 422, "timezone"),
        ("snooze", {"until": "2020-01-01T09:00:00+00:00"}, 422, "in the future"),
        ("snooze", {"until": "9999-12-31T23:59:59-23:59"}, 422, "until"),
        ("snooze", {"until": "next tuesday"}, 422, "until"),
        ("rating", {"rating": 6}, 422, "rating"),
        ("rating", {"rating": "five"}, 422, "rating"),
        ("rating", {"rating": 3, "remark": "r" * 2001}, 422, "remark"),
        ("close", {"by": "teammate", "teammate_id": 999_999}, 404, "No teammate with id 999999"),
        ("close", {"by": "martian"}, 422, "by"),
        ("assignment", {"assignee_id": 999_999}, 404, "No teammate"),
        ("assignment", {"team_id": 999_999}, 404, "No team"),
        ("assignment", {"assignee_id": -1}, 422, "assignee_id"),
        ("tags", {"tag_id": 999_999}, 404, "No tag"),
        ("notes", {"teammate_id": 999_999, "body": "hi"}, 404, "No teammate"),
    ],
)
def test_bad_actions_are_refused_with_a_reason_and_change_nothing(
    api, workspace, conversation, action, payload, status, message
):
    events_before = events_of_workspace(workspace).count()
    response = api.post(f"/conversations/{conversation.pk}/{action}", payload)
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]
    assert events_of_workspace(workspace).count() == events_before
    conversation.refresh_from_db()
    assert conversation.state == "open" and conversation.rating is None and conversation.assignee is None


def test_closing_a_closed_conversation_is_a_conflict(api, conversation):
    assert api.post(f"/conversations/{conversation.pk}/close").status_code == 200
    again = api.post(f"/conversations/{conversation.pk}/close")
    assert again.status_code == 409 and again.json()["detail"] == "The conversation is already closed."


def test_unknown_conversation_and_contact_ids_are_404(api, conversation):
    assert api.get("/conversations/999999").status_code == 404
    assert (
        api.get("/conversations/999999").json()["detail"]
        == "No conversation with id 999999 in this workspace."
    )
    assert api.post("/conversations", {"contact_id": 999_999, "body": "hi"}).status_code == 404
    assert api.get("/conversations/0").status_code == 422
    assert api.get("/conversations/abc").status_code == 422


def test_malformed_json_is_a_422_and_creates_nothing(api, workspace):
    response = api.post("/conversations", raw='{"contact_id": 1, "body": ')
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert not selectors.inbox(workspace).exists()


class TestTenancy:
    """An API key of one workspace can neither read nor change another workspace's conversations and tags."""

    @pytest.fixture
    def foreign(self, other_workspace, other_contact):
        conversation = services.start_conversation(other_workspace, contact=other_contact, body="private")
        tag = services.create_tag(other_workspace, "secret")
        services.tag_conversation(conversation, tag)
        return conversation, tag

    def test_reads_are_404_and_lists_leave_them_out(self, api, foreign, conversation):
        foreign_conversation, foreign_tag = foreign
        assert api.get(f"/conversations/{foreign_conversation.pk}").status_code == 404
        assert [c["id"] for c in api.all_pages("/conversations")] == [conversation.pk]
        assert api.all_pages("/conversations", contact_id=foreign_conversation.contact_id) == []
        assert api.all_pages("/conversations", tag_id=foreign_tag.pk) == []
        assert api.all_pages("/conversations", tag="secret") == []
        assert api.all_pages("/tags") == []

    @pytest.mark.parametrize(
        ("method", "suffix", "payload"),
        [
            ("post", "/replies", {"author": "contact", "body": "hi"}),
            ("post", "/notes", {"teammate_id": 0, "body": "hi"}),
            ("post", "/assignment", {}),
            ("post", "/tags", {"name": "mine"}),
            ("delete", "/tags?name=secret", None),
            ("post", "/close", {}),
            ("post", "/snooze", {"until": SOON}),
            ("post", "/rating", {"rating": 1}),
        ],
    )
    def test_changes_are_404_and_change_nothing(
        self, api, owner, foreign, other_workspace, method, suffix, payload
    ):
        foreign_conversation, _ = foreign
        if payload and "teammate_id" in payload:
            payload = {**payload, "teammate_id": owner.pk}
        events_before = events_of_workspace(other_workspace).count()
        path = f"/conversations/{foreign_conversation.pk}{suffix}"
        response = api.post(path, payload) if method == "post" else api.request("DELETE", path)
        assert response.status_code == 404
        assert events_of_workspace(other_workspace).count() == events_before
        foreign_conversation.refresh_from_db()
        assert foreign_conversation.state == "open" and foreign_conversation.rating is None

    def test_ids_of_another_workspace_in_a_body_are_404(
        self, api, conversation, foreign, other_workspace, other_contact
    ):
        _, foreign_tag = foreign
        foreign_teammate = other_workspace.teammates.get()
        foreign_team = create_team(other_workspace, name="Theirs")
        path = f"/conversations/{conversation.pk}"
        assert api.post("/conversations", {"contact_id": other_contact.pk, "body": "hi"}).status_code == 404
        assert (
            api.post(f"{path}/replies", {"teammate_id": foreign_teammate.pk, "body": "hi"}).status_code == 404
        )
        assert (
            api.post(f"{path}/notes", {"teammate_id": foreign_teammate.pk, "body": "hi"}).status_code == 404
        )
        assert api.post(f"{path}/assignment", {"assignee_id": foreign_teammate.pk}).status_code == 404
        assert api.post(f"{path}/assignment", {"team_id": foreign_team.pk}).status_code == 404
        assert api.post(f"{path}/tags", {"tag_id": foreign_tag.pk}).status_code == 404
        assert api.delete(f"{path}/tags/{foreign_tag.pk}").status_code == 404
        assert api.delete(f"/tags/{foreign_tag.pk}").status_code == 404
        assert api.get(f"{path}").json()["parts"][-1]["kind"] == "comment"
        assert Tag.objects.filter(pk=foreign_tag.pk).exists()


def test_a_teammates_markdown_reply_comes_back_as_html_and_text(api, conversation, agent):
    reply = api.post(
        f"/conversations/{conversation.pk}/replies",
        {
            "teammate_id": agent.pk,
            "body": "Fixed in **2.4**:\n\n1. update\n2. retry at <https://app.example.com>",
        },
    ).json()
    assert "<strong>2.4</strong>" in reply["html"] and "<ol>" in reply["html"]
    assert 'href="https://app.example.com" target="_blank"' in reply["html"]
    assert reply["text"] == "Fixed in 2.4:\nupdate\nretry at https://app.example.com"
    note = api.post(f"/conversations/{conversation.pk}/notes", {"teammate_id": agent.pk, "body": "_check_"})
    assert note.json()["html"] == "<p><em>check</em></p>"
