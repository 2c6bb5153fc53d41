"""A batch's events gathered by contact and conversation (what the importer's reader process hands
the writer) say exactly what the events say one by one, however the batch is cut."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from concierge.events.parsing import parse_log_object
from concierge.reports.funnel import CONVERSATION_EVENT_TYPES, ConversationState
from concierge.reports.rollup_input import RollupInput, gather_rollup_input
from tests.reports.random_logs import support_logs


def _events(log: list[dict]):
    events = [parse_log_object(obj) for obj in log if obj["type"] not in ("outbound_message", "contact")]
    for event in events:  # contacts' ids in another order than their external ids
        event.contact_id = 100 - int(event.contact_ref[1:])
    return events


def _states_one_by_one(events) -> dict[str, ConversationState]:
    states = {}
    for event in events:
        if event.type in CONVERSATION_EVENT_TYPES and event.conversation_ref:
            state = states.setdefault(event.conversation_ref, ConversationState(event.conversation_ref))
            state.merge(event.type, event.at_us, event.contact_id, event.data)
    return states


def _states_from_parts(parts: list[RollupInput]) -> dict[str, ConversationState]:
    states = {}
    for gathered in parts:
        for ref, change in gathered.conversations.items():
            state = states.setdefault(ref, ConversationState(ref))
            state.absorb(change.merged)
            for at_us, initiator, contact_id in change.starts:
                state.merge_start(at_us, initiator, contact_id)
    return states


@settings(max_examples=60, deadline=None)
@given(log=support_logs(), seed=st.integers(0, 2**32), parts=st.integers(1, 4))
def test_parts_gathered_by_contact_index_say_what_the_events_say(log, seed, parts):
    events = _events(log)
    random.Random(seed).shuffle(events)
    cuts = sorted(random.Random(seed).sample(range(len(events) + 1), min(parts - 1, len(events) + 1)))
    gathered = []
    for chunk in (events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True)):
        # As the reader does it: contacts named by their index in the part, sent as plain values.
        index_of = {}
        for event in chunk:
            index_of.setdefault(event.contact_ref, len(index_of))
        ids = [100 - int(ref[1:]) for ref in index_of]
        plain = gather_rollup_input(
            chunk, lambda event, index_of=index_of: index_of[event.contact_ref]
        ).to_plain()
        gathered.append(RollupInput.from_plain(plain).with_contact_ids(ids))

    whole = gather_rollup_input(events, lambda event: event.contact_id)
    assert _states_from_parts(gathered) == _states_one_by_one(events)
    assert _states_from_parts([whole]) == _states_one_by_one(events)
    assert set().union(*(part.contacts for part in gathered)) == whole.contacts
    actions = {}
    for part in gathered:
        for contact_id, contact_actions in part.actions.items():
            actions.setdefault(contact_id, []).extend(contact_actions)
    assert {c: sorted(a) for c, a in actions.items()} == {c: sorted(a) for c, a in whole.actions.items()}
    assert sorted(s for part in gathered for s in part.sends) == sorted(whole.sends)
    assert sorted(e for part in gathered for e in part.engagements) == sorted(whole.engagements)


def test_a_conversation_started_twice_at_one_instant_keeps_the_start_of_the_lower_contact_id():
    """The tie-break compares contacts' ids, which the reader does not know: the starts travel apart."""
    started = [
        parse_log_object(
            {
                "type": "conversation.started",
                "at": "2026-03-01T09:00:00Z",
                "contact": ref,
                "conversation": "k1",
            }
        )
        for ref in ("a", "b")
    ]
    index_of = {"a": 0, "b": 1}
    gathered = gather_rollup_input(started, lambda event: index_of[event.contact_ref]).with_contact_ids(
        [9, 4]
    )
    assert _states_from_parts([gathered])["k1"].contact_id == 4
