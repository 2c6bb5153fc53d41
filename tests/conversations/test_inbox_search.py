"""Searching the inbox: subject, messages, notes and the contact's name and email, through core.search,
with the list's filters; never another workspace's conversations."""

import pytest
from django.urls import reverse

from concierge.contacts.services import create_contact, edit_contact
from concierge.conversations import selectors, services
from concierge.conversations.services.search import index_workspace_conversations
from concierge.core.models import SearchEntry
from concierge.core.search import reindex_workspace
from concierge.workspaces.services import Actor

HTMX = {"HX-Request": "true"}


def url(name, workspace, *args):
    return reverse(f"web:{name}", args=[workspace.slug, *args])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def other_conversation(other_workspace, other_contact):
    return services.start_conversation(other_workspace, contact=other_contact, body="Globex secret problem")


@pytest.fixture
def billing(workspace, contact):
    return services.start_conversation(
        workspace,
        contact=contact,
        body="Please help: my invoice shows the wrong currency",
        subject="Billing question",
    )


@pytest.fixture
def export(workspace):
    someone = create_contact(workspace, external_id="u-42", email="dana@globex.test", name="Dana Scully")
    return services.start_conversation(
        workspace, contact=someone, body="Please help: the export stops halfway"
    )


def found_ids(workspace, query, **filters):
    return [c.pk for c in selectors.search_inbox(workspace, query, **filters).conversations]


def test_search_finds_by_subject_message_note_and_contact(workspace, owner, billing, export):
    assert found_ids(workspace, "billing") == [billing.pk]  # subject
    assert found_ids(workspace, "currency") == [billing.pk]  # the customer's message
    assert found_ids(workspace, "halfway") == [export.pk]
    services.reply_as_teammate(export, owner, "Try the streaming exporter")
    assert found_ids(workspace, "streaming") == [export.pk]  # a teammate's reply, indexed with it
    services.add_note(billing, owner, "Refund approved by finance")
    assert found_ids(workspace, "finance") == [billing.pk]  # an internal note (teammates search)
    assert found_ids(workspace, "Scully") == [export.pk]  # the contact's name
    assert found_ids(workspace, "dana@globex.test") == [export.pk]  # and email


def test_search_never_finds_another_workspaces_conversation(workspace, billing, other_conversation):
    assert found_ids(workspace, "Globex secret") == []
    assert SearchEntry.objects.filter(object_id=other_conversation.pk, kind="conversation").exists()


def test_search_combines_with_the_lists_filters(workspace, owner, billing, export):
    services.close_conversation(billing, teammate=owner)
    services.set_conversation_priority(export, "urgent", teammate=owner)
    assert set(found_ids(workspace, "please")) == {billing.pk, export.pk}  # every state by default
    assert found_ids(workspace, "please", state="open") == [export.pk]
    assert found_ids(workspace, "please", priority="urgent") == [export.pk]
    assert found_ids(workspace, "please", priority="low") == []


def test_a_renamed_contacts_conversations_are_found_by_the_new_name(workspace, owner, export, run_tasks):
    edit_contact(
        export.contact,
        actor=Actor.for_teammate(owner),
        name="Fox Mulder",
        email="fox@fbi.test",
        attributes={},
    )
    run_tasks()
    assert found_ids(workspace, "mulder") == [export.pk]
    assert found_ids(workspace, "scully") == []


def test_reindexing_rebuilds_the_conversations_index(workspace, billing, export):
    SearchEntry.objects.filter(kind="conversation").delete()
    assert found_ids(workspace, "currency") == []
    assert index_workspace_conversations(workspace.pk) == 2
    assert found_ids(workspace, "currency") == [billing.pk]
    assert reindex_workspace(workspace.pk)["conversation"] == 2
    assert found_ids(workspace, "halfway") == [export.pk]


def test_the_inbox_page_searches_and_highlights(owner_client, workspace, billing, export):
    response = owner_client.get(url("inbox", workspace), {"q": "currency"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="conversation-row-{billing.pk}"' in page
    assert f'id="conversation-row-{export.pk}"' not in page
    assert "<mark>currency</mark>" in page
    assert '<option value="all" selected>All states</option>' in page  # what the search looked in
    fragment = owner_client.get(
        url("inbox", workspace),
        {"q": "halfway", "state": "open"},
        headers={**HTMX, "HX-Target": "conversation-list"},
    )
    assert "<html" not in fragment.content.decode()
    assert f'id="conversation-row-{export.pk}"' in fragment.content.decode()


def test_markup_in_a_message_comes_back_escaped_in_the_snippet(owner_client, workspace, contact):
    services.start_conversation(workspace, contact=contact, body="zebra <img src=x onerror=alert(1)>")
    page = owner_client.get(url("inbox", workspace), {"q": "zebra"}).content.decode()
    assert "<mark>zebra</mark>" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("query", ["x" * 201, "bad\x01query"])
def test_a_search_the_form_refuses_is_a_clear_422(owner_client, workspace, billing, query):
    response = owner_client.get(url("inbox", workspace), {"q": query})
    assert response.status_code == 422
    assert "Search" in response.content.decode()


def test_search_pages_beyond_the_first(owner_client, workspace, contact, monkeypatch):
    from concierge.conversations import views

    monkeypatch.setattr(views, "CONVERSATIONS_PER_PAGE", 2)
    for number in range(5):
        services.start_conversation(workspace, contact=contact, body=f"walrus number {number}")
    first = owner_client.get(url("inbox", workspace), {"q": "walrus"}).content.decode()
    third = owner_client.get(url("inbox", workspace), {"q": "walrus", "page": "3"}).content.decode()
    assert first.count('class="conversation-row"') == 2 and "Older" in first
    assert third.count('class="conversation-row"') == 1 and "Older" not in third
    for page in ("0", "²", "-1", "99999999"):
        assert owner_client.get(url("inbox", workspace), {"q": "walrus", "page": page}).status_code == 200


def test_the_reindex_command_backfills_and_refuses_an_unknown_workspace(workspace, billing):
    from io import StringIO

    from django.core.management import CommandError, call_command

    SearchEntry.objects.filter(kind="conversation").delete()
    out = StringIO()
    call_command("reindex_search", "--workspace", workspace.slug, stdout=out)
    assert "acme: 1 conversation, 0 saved replies indexed" in out.getvalue()
    assert found_ids(workspace, "currency") == [billing.pk]
    with pytest.raises(CommandError, match="Nothing was reindexed"):
        call_command("reindex_search", "--workspace", "nowhere")


def test_only_the_pages_hits_get_a_title_and_snippet_made(workspace, contact, monkeypatch):
    from concierge.core import search

    made = []
    real_snippet = search.snippet
    monkeypatch.setattr(
        search, "snippet", lambda body, *a, **k: made.append(body) or real_snippet(body, *a, **k)
    )
    started = [
        services.start_conversation(workspace, contact=contact, body=f"walrus number {number}")
        for number in range(5)
    ]
    found = selectors.search_inbox(workspace, "walrus", per_page=2)
    assert len(found.conversations) == 2 and found.has_more
    assert len(made) == 2  # the page's two, not the five hits
    assert {c.pk for c in found.conversations} <= {c.pk for c in started}
    assert all("<mark>walrus</mark>" in c.snippet_html for c in found.conversations)


def test_filters_that_drop_most_hits_look_further_down_batch_after_batch(
    workspace, contact, owner, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_BATCH", 2)
    started = [
        services.start_conversation(workspace, contact=contact, body=f"walrus number {number}")
        for number in range(7)
    ]
    for conversation in started[:5]:
        services.close_conversation(conversation, teammate=owner)
    everything = found_ids(workspace, "walrus")
    open_ones = found_ids(workspace, "walrus", state="open")
    assert set(open_ones) == {started[5].pk, started[6].pk}
    assert open_ones == [pk for pk in everything if pk in open_ones]  # in the index's order
    second = selectors.search_inbox(workspace, "walrus", state="open", page=2, per_page=1)
    assert [c.pk for c in second.conversations] == open_ones[1:] and not second.has_more


def test_a_search_page_takes_a_fixed_number_of_queries(workspace, contact, django_assert_max_num_queries):
    for number in range(12):
        services.start_conversation(workspace, contact=contact, body=f"walrus number {number}")
    selectors.search_inbox(workspace, "walrus", per_page=5)  # the index's figures read once a minute
    # The index's matches (two tiers) and texts, the batch's ids through the filters, the page's
    # conversations with their contact, assignee and team (the list reads the rows' tags itself).
    with django_assert_max_num_queries(5):
        found = selectors.search_inbox(workspace, "walrus", per_page=5)
        assert len(found.conversations) == 5
        [(c.contact.email, c.assignee, c.team) for c in found.conversations]
