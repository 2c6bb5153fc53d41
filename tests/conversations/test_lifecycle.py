"""A conversation's whole life through the services, and the event log that matches it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.conversations import selectors, services
from concierge.core.errors import Conflict, InvalidInput
from concierge.events.selectors import events_of_conversation


def test_event_log_matches_a_conversations_whole_life(workspace, owner, agent, contact):
    start = timezone.now() - timedelta(hours=5)
    conversation = services.start_conversation(workspace, contact=contact, body="My export fails", at=start)
    services.deliver_bot_answer(conversation, "Try the export guide", at=start + timedelta(minutes=1))
    services.assign_conversation(
        conversation, teammate=owner, assignee=agent, at=start + timedelta(minutes=2)
    )
    services.add_note(conversation, agent, "Looks like the CSV bug", at=start + timedelta(minutes=3))
    services.reply_as_teammate(conversation, agent, "We are on it", at=start + timedelta(minutes=10))
    tag = services.tag_for_name(workspace, "export")
    services.tag_conversation(conversation, tag, teammate=agent, at=start + timedelta(minutes=11))
    services.close_conversation(conversation, teammate=agent, at=start + timedelta(hours=1))
    services.reply_as_contact(conversation, "Still broken", at=start + timedelta(hours=2))
    services.close_conversation(conversation, teammate=agent, at=start + timedelta(hours=3))
    services.rate_conversation(conversation, rating=4, remark="quick", at=start + timedelta(hours=4))

    log = [(e.type, e.data) for e in events_of_conversation(workspace, conversation.ref)]
    assert [t for t, _ in log] == [
        "conversation.started",
        "bot.answered",
        "conversation.replied",
        "conversation.assigned",
        "conversation.note_added",
        "conversation.replied",
        "conversation.tagged",
        "conversation.closed",
        "conversation.replied",
        "conversation.reopened",
        "conversation.closed",
        "conversation.rated",
    ]
    assert log[0][1] == {"channel": "messenger", "initiator": "contact"}
    assert log[5][1]["author"] == "teammate"
    assert log[8][1] == {"author": "contact"}
    assert log[11][1] == {"rating": 4, "remark": "quick"}

    conversation.refresh_from_db()
    assert conversation.state == "closed"
    assert conversation.first_response_at == start + timedelta(minutes=10)
    assert conversation.closed_at == start + timedelta(hours=3)
    assert conversation.rating == 4
    parts = list(selectors.parts_of(conversation))
    assert [p.kind for p in parts][:3] == ["comment", "bot_answer", "assignment"]
    assert [p.kind for p in selectors.parts_of(conversation, include_notes=False)].count("note") == 0


def test_message_html_is_sanitised_before_it_is_stored(workspace, contact):
    conversation = services.start_conversation(
        workspace, contact=contact, body='<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'
    )
    first = selectors.parts_of(conversation).first()
    assert "<script>" not in first.body and "onclick" not in first.body
    assert "<b>there</b>" in first.body


@pytest.mark.parametrize("body", ["", "   ", "<script>alert(1)</script>", "x" * 20_001])
def test_bad_message_bodies_are_refused_and_nothing_is_written(workspace, contact, body):
    with pytest.raises(InvalidInput):
        services.start_conversation(workspace, contact=contact, body=body)
    assert not selectors.inbox(workspace).exists()


def test_rating_outside_one_to_five_is_refused(workspace, contact):
    conversation = services.start_conversation(workspace, contact=contact, body="hello")
    for bad in (0, 6, "5", True):
        with pytest.raises(InvalidInput):
            services.rate_conversation(conversation, rating=bad)
    conversation.refresh_from_db()
    assert conversation.rating is None


def test_closing_twice_is_a_conflict(workspace, contact, agent):
    conversation = services.start_conversation(workspace, contact=contact, body="hello")
    services.close_conversation(conversation, teammate=agent)
    with pytest.raises(Conflict):
        services.close_conversation(conversation, teammate=agent)


def test_snoozed_conversation_wakes_when_its_time_has_come(workspace, contact, agent):
    conversation = services.start_conversation(workspace, contact=contact, body="hello")
    until = timezone.now() + timedelta(hours=1)
    services.snooze_conversation(conversation, until=until, teammate=agent)
    assert services.wake_snoozed_conversations(workspace, at=until - timedelta(minutes=1)) == 0
    assert services.wake_snoozed_conversations(workspace, at=until) == 1
    assert services.wake_snoozed_conversations(workspace, at=until) == 0
    conversation.refresh_from_db()
    assert conversation.state == "open"


def test_objects_of_another_workspace_cannot_be_mixed_in(workspace, contact, other_workspace):
    foreign_teammate = other_workspace.teammates.get()
    conversation = services.start_conversation(workspace, contact=contact, body="hello")
    with pytest.raises(InvalidInput):
        services.reply_as_teammate(conversation, foreign_teammate, "I should not be here")
    with pytest.raises(InvalidInput):
        services.assign_conversation(conversation, teammate=None, assignee=foreign_teammate)


def test_a_woken_conversation_comes_back_to_the_top_of_the_inbox(workspace, contact, agent):
    snoozed = services.start_conversation(workspace, contact=contact, body="first")
    until = timezone.now() + timedelta(hours=1)
    services.snooze_conversation(snoozed, until=until, teammate=agent)
    services.start_conversation(workspace, contact=contact, body="second")
    services.wake_snoozed_conversations(workspace, at=until)
    assert selectors.inbox(workspace).first().pk == snoozed.pk
