"""An import written in many batches keeps each contact's session chain (which session came before
which) exactly as one written at once: the writer remembers contacts' latest sessions between
batches instead of looking them up, and that memory must never be stale."""

import itertools
import json

import pytest

from concierge.events.services.importing import import_log
from concierge.reports.models import ConversationFacts, SupportSession
from concierge.reports.services import LatestStarts
from concierge.workspaces.services import create_workspace

_numbers = itertools.count()


def _workspace():
    number = next(_numbers)
    return create_workspace(
        name=f"Batches {number}", slug=f"batches-{number}", timezone_name="UTC", owner_email="o@batches.test"
    )


def _visit(contact: str, day: int, hour: int) -> dict:
    return {
        "type": "help_center.visited",
        "at": f"2026-02-{day:02d}T{hour:02d}:00:00Z",
        "contact": contact,
        "channel": "help_center",
        "id": f"{contact}-{day}-{hour}",
    }


# Three contacts, each with sessions on several days (a new session needs a day after the last).
LOG = [
    _visit(contact, day, hour) for day in (1, 3, 4, 9) for hour, contact in ((8, "a"), (9, "b"), (10, "c"))
]
LATE = [_visit("a", 2, 12), _visit("b", 6, 7), _visit("d", 5, 5)]


def _session_chains(workspace) -> list[tuple]:
    return sorted(
        SupportSession.objects.filter(workspace=workspace).values_list(
            "contact__external_id", "start_us", "prev_start_us", "status"
        )
    )


def _lines(objects: list[dict]) -> list[str]:
    return [json.dumps(obj) for obj in objects]


@pytest.mark.parametrize("limit", [LatestStarts.LIMIT, 2])
def test_batches_of_one_chain_sessions_as_one_batch_does(db, monkeypatch, limit):
    """`limit` 2: the memory forgets as it goes and looks the rest up."""
    monkeypatch.setattr(LatestStarts, "LIMIT", limit)
    at_once, one_by_one = _workspace(), _workspace()
    import_log(at_once, _lines(LOG + LATE))
    import_log(one_by_one, _lines(LOG), batch_size=1)
    import_log(one_by_one, _lines(LATE), batch_size=1)  # contacts of an earlier import, and a new one
    assert _session_chains(one_by_one) == _session_chains(at_once)
    chains = _session_chains(at_once)
    # "a" at noon on 2 Feb starts a session that takes in its visit of 3 Feb; "b" and "d" add one each.
    assert len(chains) == 4 * 3 + 2
    for (contact, start, _, _), (next_contact, _, next_prev, _) in itertools.pairwise(chains):
        if contact == next_contact:
            assert next_prev == start


def test_a_batch_that_fails_on_a_duplicate_teaches_the_memory_nothing(db):
    """The log's insert meets an id already taken: the rollups worked out alongside are dropped, and
    the batch is written again without it."""
    workspace = _workspace()
    import_log(workspace, _lines(LOG[:3]))
    import_log(workspace, _lines(LOG), batch_size=4)
    reference = _workspace()
    import_log(reference, _lines(LOG))
    assert _session_chains(workspace) == _session_chains(reference)


def _conversation(type_: str, contact: str, ref: str, day: int, hour: int, **fields) -> dict:
    return {
        "type": type_,
        "at": f"2026-02-{day:02d}T{hour:02d}:00:00Z",
        "contact": contact,
        "conversation": ref,
        "id": f"{ref}-{type_}-{day}-{hour}",
        **fields,
    }


def _conversation_sessions(workspace) -> list[tuple]:
    return sorted(
        ConversationFacts.objects.filter(workspace=workspace).values_list(
            "conversation_ref", "contact__external_id", "session_start_us", "session_status", "report_group"
        )
    )


@pytest.mark.parametrize("limit", [LatestStarts.LIMIT, 2])
def test_conversations_written_in_earlier_batches_are_placed_again_when_a_late_event_moves_their_session(
    db, monkeypatch, limit
):
    """The writer remembers the latest conversation of each contact it created and reads back
    only those a batch can change: a late visit before a conversation of an earlier batch opens the
    session the conversation now belongs to; one that moved to another contact is still found."""
    monkeypatch.setattr(LatestStarts, "LIMIT", limit)
    early = [
        _conversation("conversation.started", "a", "k1", 3, 10, channel="messenger"),
        _conversation("conversation.replied", "a", "k1", 3, 11, author="teammate"),
        _visit("b", 3, 9),
        _conversation("conversation.started", "b", "k2", 3, 12, channel="messenger"),
    ]
    late = [
        {**_visit("a", 3, 8), "type": "article.viewed"},  # before k1: its session starts here
        _conversation("conversation.started", "c", "k2", 3, 11, channel="messenger"),  # k2 now c's
        _visit("c", 3, 7),
        _visit("a", 4, 9),  # within a's session: no new session
    ]
    at_once, in_batches, in_two_imports = _workspace(), _workspace(), _workspace()
    import_log(at_once, _lines(early + late))
    import_log(in_batches, _lines(early + late), batch_size=1)
    import_log(in_two_imports, _lines(early), batch_size=1)
    import_log(in_two_imports, _lines(late), batch_size=1)
    for workspace in (in_batches, in_two_imports):
        assert _conversation_sessions(workspace) == _conversation_sessions(at_once)
        assert _session_chains(workspace) == _session_chains(at_once)
    k1 = ConversationFacts.objects.get(workspace=in_batches, conversation_ref="k1")
    assert k1.session_status == "human_after_self_serve"
