"""The rules' "send the saved reply" action: a reply shared with the workspace, filled in for the
contact, sent as the conversation's assignee (else the reply's author, else an owner), its macro with
it, the rule named on the timeline; a personal reply cannot be chosen, and one deleted since is a
broken action that sends nothing."""

import pytest

from concierge.conversations.models import Part
from concierge.core.errors import InvalidInput
from concierge.replies.models import SavedReply
from concierge.replies.services.saved_replies import SavedReplyInput, create_saved_reply, delete_saved_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def welcome(workspace, owner):
    return create_saved_reply(
        workspace,
        SavedReplyInput(
            "Welcome",
            {
                "en": "Hi {{contact.first_name|there}}, {{teammate.first_name}} here: we reply within the hour."
            },
            actions=[{"type": "set_priority", "priority": "high"}],
        ),
        owner=owner,
    )


def replies_in(conversation) -> list[Part]:
    return list(Part.objects.filter(conversation=conversation, kind="comment", author_type="teammate"))


def test_a_rule_sends_the_saved_reply_filled_in_as_the_assignee_with_its_macro(
    workspace, owner, members, start, make_rule, run_tasks, welcome
):
    agent = members[0]
    make_rule(
        "Welcome new questions",
        actions=[
            {"type": "assign_teammate", "teammate_id": agent.pk},
            {"type": "send_saved_reply", "saved_reply_id": welcome.pk},
        ],
    )
    conversation = start("How do I export my data?")
    run_tasks()
    (reply,) = replies_in(conversation)
    assert reply.author_teammate == agent
    first_name = conversation.contact.name.split()[0]
    assert f"Hi {first_name}, {agent.name.split()[0]} here" in reply.body
    assert reply.data["rule"] == "Welcome new questions"
    conversation.refresh_from_db()
    assert conversation.priority == "high"  # the saved reply's macro ran
    welcome.refresh_from_db()
    assert welcome.usage_count == 1


def test_without_an_assignee_the_reply_goes_as_its_author(
    workspace, owner, start, make_rule, run_tasks, welcome
):
    make_rule("Welcome", actions=[{"type": "send_saved_reply", "saved_reply_id": welcome.pk}])
    conversation = start("Hello?")
    run_tasks()
    assert [p.author_teammate for p in replies_in(conversation)] == [owner]


def test_a_personal_reply_cannot_be_chosen_and_a_deleted_one_sends_nothing(
    workspace, owner, start, make_rule, run_tasks, welcome
):
    private = create_saved_reply(
        workspace,
        SavedReplyInput("Mine", {"en": "Mine"}, visibility=SavedReply.Visibility.PERSONAL),
        owner=owner,
    )
    with pytest.raises(InvalidInput, match="no such saved reply"):
        make_rule("Private", actions=[{"type": "send_saved_reply", "saved_reply_id": private.pk}])

    make_rule("Welcome", actions=[{"type": "send_saved_reply", "saved_reply_id": welcome.pk}])
    delete_saved_reply(welcome, teammate=owner)
    conversation = start("Hello?")
    run_tasks()
    assert replies_in(conversation) == []
