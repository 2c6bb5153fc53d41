"""Writing proactive messages: created as drafts, changed, moved through their states; every change in
the audit trail in its transaction; bad input refused with a message naming it, nothing half-written;
another workspace's message is not found."""

from datetime import date

import pytest

from concierge.core.errors import Conflict, InvalidInput, NotFound
from concierge.outbound.models import Message, MessageVersion
from concierge.outbound.selectors import message_by_id, messages_of
from concierge.outbound.services import create_message, delete_message, set_state, update_message
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor

pytestmark = pytest.mark.django_db


def test_a_message_is_created_as_a_draft_with_its_versions_and_audited(workspace, owner):
    message = create_message(
        workspace,
        content_type="post",
        actor=Actor.for_teammate(owner),
        name="New exports",
        sender=owner,
        tags=["onboarding", "exports", "onboarding"],
        versions=[
            {"locale": "en", "subject": "Exports are faster", "body": "Hi {{first_name|there}}, look."},
            {"locale": "es", "subject": "Exportaciones", "body": "Hola {{first_name|}}."},
        ],
        audience={"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}]},
    )
    assert message.state == "draft" and message.ref.startswith("m_") and not message.imported
    assert message.tags == ["onboarding", "exports"]
    assert [v.locale for v in message.versions.order_by("id")] == ["en", "es"]
    entry = AuditEntry.objects.get(action="outbound_message.created")
    assert entry.actor_teammate == owner and entry.target_id == message.pk
    assert entry.changes["versions"][1]["en"]["subject"] == "Exports are faster"
    assert entry.changes["content_type"] == [None, "post"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"content_type": "carrier pigeon"}, "content_type"),
        ({"versions": [{"locale": "en", "body": "Hi {{customer.name}}"}]}, "versions.1.body"),
        ({"versions": [{"locale": "en", "body": ""}]}, "versions.1.body"),
        ({"versions": [{"locale": "en", "body": "a"}, {"locale": "EN", "body": "b"}]}, "versions.2.locale"),
        (
            {"content_type": "email", "versions": [{"locale": "en", "body": "No subject"}]},
            "versions.1.subject",
        ),
        (
            {"content_type": "tooltip_group", "versions": [{"locale": "en", "tooltips": []}]},
            "versions.1.tooltips",
        ),
        (
            {
                "audience": {
                    "rules": [
                        {"attribute": "plan", "op": "is", "value": "pro"},
                        {"attribute": "seats", "op": "gt", "value": "ten"},
                    ]
                }
            },
            "audience.rules.2",
        ),
        ({"audience": {"rules": [{"colour": "red"}]}}, "audience.rules.1"),
        ({"trigger": "schedule"}, "schedule_on"),
        ({"trigger": "schedule", "schedule_on": "2027-02-30", "schedule_time": "09:00"}, "schedule_on"),
        ({"trigger": "schedule", "schedule_on": "9999-12-31", "schedule_time": "09:00"}, "schedule_on"),
        ({"trigger": "schedule", "schedule_on": date(9999, 12, 31), "schedule_time": "09:00"}, "schedule_on"),
        ({"trigger": "schedule", "schedule_on": "2027-03-01", "schedule_time": "25:00"}, "schedule_time"),
        ({"trigger": "schedule", "schedule_on": "2027-03-01", "repeat_until": "9999-12-31"}, "repeat_until"),
        ({"trigger": "page"}, "page_url"),
        ({"trigger": "event", "event_name": ""}, "event_name"),
        ({"max_per_contact": 0}, "max_per_contact"),
        ({"stop_when_goal_met": True}, "stop_when_goal_met"),
        ({"goal_kind": "event"}, "goal_name"),
        ({"tags": "not a list"}, "tags"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(workspace, given, field):
    given = {"content_type": "chat", "versions": [{"locale": "en", "body": "Hello"}]} | given
    with pytest.raises(InvalidInput) as refused:
        create_message(workspace, **given)
    assert refused.value.field == field, refused.value.message
    assert not Message.objects.exists() and not MessageVersion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="outbound").exists()


def test_a_bad_rule_is_named_by_its_number(workspace):
    with pytest.raises(InvalidInput, match=r"^Rule 2: 'gt' compares numbers"):
        create_message(
            workspace,
            content_type="chat",
            audience={
                "rules": [
                    {"field": "city", "op": "is", "value": "Lisbon"},
                    {"attribute": "seats", "op": "gt", "value": "5"},
                ]
            },
        )


def test_a_sender_from_another_workspace_is_refused(workspace, other_workspace):
    stranger = other_workspace.teammates.get(role="owner")
    with pytest.raises(InvalidInput):
        create_message(workspace, content_type="chat", sender=stranger)


def test_changes_are_audited_with_what_changed_and_nothing_when_nothing_changes(
    workspace, make_message, owner
):
    message = make_message(tags=["a"])
    update_message(
        message, actor=Actor.for_teammate(owner), tags=["a", "b"], versions=[{"locale": "en", "body": "New"}]
    )
    entry = AuditEntry.objects.get(action="outbound_message.changed")
    assert entry.changes["tags"] == [["a"], ["a", "b"]]
    assert entry.changes["versions"][1] == {"en": {"subject": "", "body": "New", "tooltips": []}}
    update_message(message, tags=["a", "b"])
    assert AuditEntry.objects.filter(action="outbound_message.changed").count() == 1
    assert [v.body for v in Message.objects.get(pk=message.pk).versions.all()] == ["New"]


def test_a_refused_change_changes_nothing(workspace, make_message):
    message = make_message(tags=["a"])
    with pytest.raises(InvalidInput):
        update_message(message, tags=["b"], versions=[{"locale": "en", "body": "{{nope.x}}"}])
    message.refresh_from_db()
    assert message.tags == ["a"] and message.versions.get().body == "Hi {{first_name|there}}!"


def test_states_move_as_allowed_and_each_move_is_audited(workspace, make_message):
    message = make_message()
    set_state(message, "live")
    set_state(message, "paused")
    set_state(message, "live")
    with pytest.raises(Conflict):
        set_state(message, "draft")
    set_state(message, "stopped")
    with pytest.raises(Conflict):
        set_state(message, "live")
    moves = [
        e.changes["state"]
        for e in AuditEntry.objects.filter(action="outbound_message.state_changed").order_by("id")
    ]
    assert moves == [["draft", "live"], ["live", "paused"], ["paused", "live"], ["live", "stopped"]]
    message.refresh_from_db()
    assert message.went_live_at is not None and message.stopped_at is not None


def test_a_stopped_message_keeps_its_content_but_its_tags_may_change(workspace, make_message):
    message = make_message()
    set_state(message, "stopped")
    with pytest.raises(Conflict):
        update_message(message, versions=[{"locale": "en", "body": "changed"}])
    update_message(message, tags=["outage"])
    assert Message.objects.get(pk=message.pk).tags == ["outage"]


def test_a_message_without_content_cannot_go_live(workspace):
    message = create_message(workspace, content_type="chat")
    with pytest.raises(InvalidInput):
        set_state(message, "live")
    assert Message.objects.get(pk=message.pk).state == "draft"


def test_a_scheduled_message_waits_as_scheduled(workspace, make_message):
    message = make_message(trigger="schedule", schedule_on="2030-01-06", schedule_time="09:00")
    assert set_state(message, "live").state == "scheduled"
    with pytest.raises(Conflict):
        set_state(make_message(), "scheduled")


def test_only_a_draft_never_sent_is_deleted(workspace, make_message):
    draft = make_message()
    delete_message(draft)
    assert not Message.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="outbound_message.deleted").exists()
    live = make_message()
    set_state(live, "live")
    with pytest.raises(Conflict):
        delete_message(live)


def test_another_workspaces_message_is_not_found(workspace, other_workspace, make_message):
    message = make_message()
    with pytest.raises(NotFound):
        message_by_id(other_workspace, message.pk)
    with pytest.raises(NotFound):
        message_by_id(workspace, "abc")
    assert list(messages_of(other_workspace)) == []
    assert list(messages_of(workspace, tag="none")) == []


def test_a_fixed_audience_cannot_change_once_live(workspace, make_message):
    fixed = make_message(audience_mode="fixed")
    update_message(
        fixed, audience={"rules": [{"attribute": "plan", "op": "is", "value": "pro"}]}
    )  # a draft: fine
    set_state(fixed, "live")
    with pytest.raises(Conflict):
        update_message(fixed, audience=None)
    with pytest.raises(Conflict):
        update_message(fixed, audience_mode="dynamic")
    dynamic = make_message()
    set_state(dynamic, "live")
    update_message(dynamic, audience=None)  # kept up to date: its rules may change
    with pytest.raises(Conflict):
        update_message(dynamic, audience_mode="fixed")
