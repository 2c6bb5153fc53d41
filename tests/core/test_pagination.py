"""Keyset pagination: every row once, in order, ties broken by id, and a cursor that cannot be forged
into an error or another list."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.conversations import selectors as conversation_selectors
from concierge.conversations.services import create_tag, start_conversation
from concierge.core.errors import InvalidInput
from concierge.core.pagination import paginate

INBOX_ORDER = ("-last_activity_at", "-id")


def walk(queryset, order, limit):
    pages, cursor = [], None
    while True:
        page = paginate(queryset, order=order, cursor=cursor, limit=limit)
        pages.append([row.pk for row in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_every_row_comes_once_in_order_with_ties_broken_by_id(workspace, contact, limit):
    at = timezone.now() - timedelta(hours=1)
    for n in range(7):
        start_conversation(workspace, contact=contact, body=f"#{n}", at=at + timedelta(minutes=n % 3))
    inbox = conversation_selectors.inbox(workspace)
    expected = list(inbox.values_list("pk", flat=True))
    pages = walk(inbox, INBOX_ORDER, limit)
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == limit for page in pages[:-1])


def test_ascending_order_by_name(workspace):
    for name in ["delta", "alpha", "charlie", "bravo"]:
        create_tag(workspace, name)
    tags = conversation_selectors.tags(workspace)
    pages = walk(tags, ("name", "id"), 3)
    names = dict(tags.values_list("pk", "name"))
    assert [[names[pk] for pk in page] for page in pages] == [["alpha", "bravo", "charlie"], ["delta"]]


def test_an_empty_list_is_one_empty_page(workspace):
    page = paginate(conversation_selectors.inbox(workspace), order=INBOX_ORDER, cursor=None, limit=50)
    assert page.items == [] and page.next_cursor is None


def _forge(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        _forge(["conversations.conversation:-last_activity_at,-id"]),
        _forge(["conversations.conversation:-last_activity_at,-id", "not a time", 1]),
        _forge(["conversations.conversation:-last_activity_at,-id", "2026-01-01T00:00:00", 1]),
        _forge(["conversations.conversation:-last_activity_at,-id", "2026-01-01T00:00:00+00:00", 2**70]),
        _forge(["conversations.conversation:-last_activity_at,-id", None, 1]),
        _forge(["conversations.conversation:-last_activity_at,-id", {"a": 1}, [1]]),
        _forge(["contacts.contact:-created_at,-id", "2026-01-01T00:00:00+00:00", 1]),
        _forge({"not": "a list"}),
        _forge("a string"),
        "x" * 501,
    ],
)
def test_a_bad_or_foreign_cursor_is_refused_clearly(workspace, contact, cursor):
    start_conversation(workspace, contact=contact, body="hi")
    with pytest.raises(InvalidInput, match="cursor is not valid for this list"):
        paginate(conversation_selectors.inbox(workspace), order=INBOX_ORDER, cursor=cursor, limit=10)


@pytest.mark.parametrize("name", ["nul\x00", "\ud800"])
def test_a_forged_cursor_cannot_carry_text_a_database_refuses(workspace, name):
    create_tag(workspace, "a")
    cursor = _forge(["conversations.tag:name,id", name, 1])
    with pytest.raises(InvalidInput, match="cursor is not valid"):
        paginate(conversation_selectors.tags(workspace), order=("name", "id"), cursor=cursor, limit=10)


def test_another_lists_cursor_is_refused(workspace):
    for n in range(3):
        create_contact(workspace, email=f"p{n}@example.test")
    from concierge.contacts.selectors import contacts

    cursor = paginate(contacts(workspace), order=("-created_at", "-id"), cursor=None, limit=1).next_cursor
    with pytest.raises(InvalidInput):
        paginate(conversation_selectors.inbox(workspace), order=INBOX_ORDER, cursor=cursor, limit=10)


@pytest.mark.parametrize("limit", [0, 101, -5])
def test_a_limit_out_of_range_is_refused(workspace, limit):
    with pytest.raises(InvalidInput, match="limit"):
        paginate(conversation_selectors.inbox(workspace), order=INBOX_ORDER, cursor=None, limit=limit)


def test_an_order_that_does_not_end_with_the_id_is_a_programming_error(workspace):
    with pytest.raises(ValueError):
        paginate(conversation_selectors.inbox(workspace), order=("-last_activity_at",), cursor=None, limit=5)
