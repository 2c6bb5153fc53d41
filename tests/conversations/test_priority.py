import pytest

from concierge.conversations.models import Part
from concierge.conversations.services import set_conversation_priority, start_conversation
from concierge.core.errors import InvalidInput
from concierge.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(contact):
    return start_conversation(contact.workspace, contact=contact, body="The export button does nothing.")


def test_a_priority_change_is_on_the_timeline_and_in_the_log(conversation, agent):
    assert conversation.priority == "normal"
    assert set_conversation_priority(conversation, "urgent", teammate=agent) is True
    conversation.refresh_from_db()
    assert conversation.priority == "urgent"
    part = conversation.parts.get(kind=Part.Kind.PRIORITY)
    assert part.data == {"priority": "urgent", "was": "normal"}
    assert part.author_teammate == agent
    event = Event.objects.get(workspace=conversation.workspace, type="conversation.prioritized")
    assert event.data["priority"] == "urgent"


def test_the_same_priority_again_changes_nothing(conversation):
    set_conversation_priority(conversation, "high")
    assert set_conversation_priority(conversation, "high") is False
    assert conversation.parts.filter(kind=Part.Kind.PRIORITY).count() == 1


def test_an_unknown_priority_is_refused_by_name(conversation):
    with pytest.raises(InvalidInput, match="Unknown priority 'asap'"):
        set_conversation_priority(conversation, "asap")
    conversation.refresh_from_db()
    assert conversation.priority == "normal"
