"""Opening a message in the messenger and reacting to a chat or a post: kept on the delivery and
recorded in the log, once per delivery for an open, once per new emoji for a reaction; bad input is
refused and changes nothing."""

import pytest

from concierge.core.errors import InvalidInput
from concierge.events.models import Event
from concierge.outbound.models import Delivery
from concierge.outbound.services import deliver, set_state
from concierge.outbound.services.engagement import REACTIONS, react, record_click, record_open


@pytest.fixture
def chat_delivery(workspace, contact, make_message):
    message = make_message("chat")
    set_state(message, "live")
    return deliver(message, contact) or Delivery.objects.get(message=message, contact=contact)


def _events(type_: str) -> list[Event]:
    return list(Event.objects.filter(type=type_).order_by("id"))


def test_seen_in_the_messenger_is_one_exact_open(chat_delivery):
    assert record_open(chat_delivery) is True
    assert record_open(chat_delivery) is False
    (opened,) = _events("outbound.opened")
    assert (opened.message_ref, opened.contact_id, opened.data) == (
        chat_delivery.message.ref,
        chat_delivery.contact_id,
        {},
    )


def test_a_reaction_is_recorded_each_time_it_changes(chat_delivery):
    react(chat_delivery, "👍")
    react(chat_delivery, "👍")  # the same again: nothing new
    react(chat_delivery, "🎉")
    assert [e.data["reaction"] for e in _events("outbound.reacted")] == ["👍", "🎉"]
    assert Delivery.objects.get(pk=chat_delivery.pk).reaction == "🎉"
    react(chat_delivery, "")  # taken back: cleared on the delivery, the log keeps what was given
    stored = Delivery.objects.get(pk=chat_delivery.pk)
    assert (stored.reaction, stored.reacted_at) == ("", None)
    assert len(_events("outbound.reacted")) == 2


@pytest.mark.parametrize("reaction", ["🦄", "👍👍", "like", " ", None])
def test_a_reaction_outside_the_set_is_refused(chat_delivery, reaction):
    with pytest.raises(InvalidInput) as refused:
        react(chat_delivery, reaction)
    assert refused.value.field == "reaction"
    assert _events("outbound.reacted") == []
    assert Delivery.objects.get(pk=chat_delivery.pk).reaction == ""


def test_only_chats_and_posts_take_a_reaction(workspace, contact, make_message):
    banner = make_message("banner")
    set_state(banner, "live")
    delivery = deliver(banner, contact)
    with pytest.raises(InvalidInput, match="chat or a post"):
        react(delivery, REACTIONS[0])
    assert _events("outbound.reacted") == []


def test_a_delivery_not_sent_takes_no_open_click_or_reaction(workspace, contact, make_message, run_tasks):
    first, second = make_message("post"), make_message("post")
    set_state(first, "live")
    run_tasks()
    set_state(second, "live")
    run_tasks()
    pending = Delivery.objects.get(message=second, contact=contact)
    assert pending.state == "pending"  # the workspace's cap: one a day
    before = Event.objects.filter(type__startswith="outbound.").count()
    assert record_open(pending) is False and record_click(pending, "https://acme.test/") is False
    with pytest.raises(InvalidInput):
        react(pending, REACTIONS[0])
    assert Event.objects.filter(type__startswith="outbound.").count() == before
    assert Delivery.objects.get(pk=pending.pk).opened_at is None
