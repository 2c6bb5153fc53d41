"""The inbox pages: the list and its filters, a conversation with its parts, and every action through
HTMX and as a plain form — including refused input and another workspace's objects."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.conversations import selectors, services, views
from concierge.conversations.models import Conversation, Part, Tag
from concierge.conversations.services.saved_views import rename_view, save_view
from concierge.events.models import Event
from concierge.workspaces import kept
from concierge.workspaces.services import add_teammate, create_team

HTMX = {"HX-Request": "true"}
DETAIL = {**HTMX, "HX-Target": "detail-pane"}
SIDE = {**HTMX, "HX-Target": "conversation-side"}


def url(name, workspace, *args):
    return reverse(f"web:{name}", args=[workspace.slug, *args])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def conversation(workspace, contact):
    return services.start_conversation(
        workspace,
        contact=contact,
        body="<p>My <b>export</b> fails <script>alert(1)</script></p>",
        subject="Export",
    )


@pytest.fixture
def other_conversation(other_workspace, other_contact):
    return services.start_conversation(other_workspace, contact=other_contact, body="Globex secret problem")


@pytest.fixture
def other_teammate(other_workspace):
    return other_workspace.teammates.get()


def part_count(conversation):
    return Part.objects.filter(conversation=conversation).count()


def snapshot(conversation):
    """Everything an action could change, to prove a refused one changed nothing."""
    conversation = Conversation.objects.get(pk=conversation.pk)
    return (
        conversation.state,
        conversation.snoozed_until,
        conversation.assignee_id,
        conversation.team_id,
        sorted(conversation.tags.values_list("name", flat=True)),
        part_count(conversation),
        Event.objects.filter(conversation_ref=conversation.ref).count(),
    )


# ---------- The list ----------


def test_inbox_lists_open_conversations_of_this_workspace_only(
    owner_client, workspace, conversation, other_conversation
):
    response = owner_client.get(url("inbox", workspace))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Casey Customer" in page
    assert "Globex secret problem" not in page
    assert 'aria-current="page">Inbox' in page


def test_inbox_filters_by_state_assignee_team_and_tag(owner_client, workspace, owner, agent, contact):
    team = create_team(workspace, name="Reliability", members=[agent])
    mine = services.start_conversation(workspace, contact=contact, body="assigned to owner", subject="Mine")
    services.assign_conversation(mine, teammate=owner, assignee=owner)
    theirs = services.start_conversation(workspace, contact=contact, body="for the agent", subject="Theirs")
    services.assign_conversation(theirs, teammate=owner, assignee=agent, team=team)
    services.tag_conversation(theirs, services.tag_for_name(workspace, "billing"))
    nobody = services.start_conversation(workspace, contact=contact, body="nobody yet", subject="Nobody")
    done = services.start_conversation(workspace, contact=contact, body="already done", subject="Done")
    services.close_conversation(done, teammate=owner)

    def subjects(**query):
        response = owner_client.get(url("inbox", workspace), query)
        assert response.status_code == 200
        return {c.subject for c in response.context["page"].object_list}

    assert subjects() == {"Mine", "Theirs", "Nobody"}
    assert subjects(state="closed") == {"Done"}
    assert subjects(state="all") == {"Mine", "Theirs", "Nobody", "Done"}
    assert subjects(assignee="me") == {"Mine"}
    assert subjects(assignee=str(agent.pk)) == {"Theirs"}
    assert subjects(assignee="unassigned") == {"Nobody"}
    assert subjects(team=str(team.pk)) == {"Theirs"}
    assert subjects(tag="billing") == {"Theirs"}
    assert nobody.pk  # the unassigned one exists


def test_inbox_filter_with_another_workspaces_teammate_is_refused(
    owner_client, workspace, conversation, other_teammate
):
    response = owner_client.get(url("inbox", workspace), {"assignee": str(other_teammate.pk)})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_inbox_pages_through_conversations(owner_client, workspace, contact, monkeypatch):
    monkeypatch.setattr(views, "CONVERSATIONS_PER_PAGE", 25)  # 50 a page: fewer made here
    start = timezone.now() - timedelta(days=1)
    for number in range(30):
        services.start_conversation(
            workspace, contact=contact, body=f"message {number}", at=start + timedelta(minutes=number)
        )
    first = owner_client.get(url("inbox", workspace))
    second = owner_client.get(url("inbox", workspace), {"page": "2"})
    assert len(first.context["page"].object_list) == views.CONVERSATIONS_PER_PAGE
    assert len(second.context["page"].object_list) == 5
    assert "message 29" in first.content.decode()
    assert "message 0" in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_inbox_list_takes_a_fixed_number_of_queries(
    owner_client, workspace, owner, contact, django_assert_max_num_queries
):
    tag = services.tag_for_name(workspace, "vip")
    for number in range(20):
        conversation = services.start_conversation(workspace, contact=contact, body=f"hello {number}")
        services.assign_conversation(conversation, teammate=owner, assignee=owner)
        services.tag_conversation(conversation, tag)
    with django_assert_max_num_queries(15):
        response = owner_client.get(url("inbox", workspace))
    assert len(response.context["page"].object_list) == 20


def test_the_list_fragment_takes_eleven_queries_however_many_rows(
    owner_client, workspace, owner, agent, contact, django_assert_max_num_queries
):
    """The session, the user, the teammate with its workspace, the filters' teammates, teams and
    tags, the count, the page's rows, their tags' names, who is on support, the saved views: all read,
    as a request does when its workspace's set-up is not kept yet (inside a transaction, as this test
    runs, nothing is kept: workspaces.kept)."""
    team = create_team(workspace, name="Billing", members=[agent])
    tags = [services.tag_for_name(workspace, name) for name in ("vip", "bug")]
    for number in range(30):
        conversation = services.start_conversation(workspace, contact=contact, body=f"hello {number}")
        services.assign_conversation(conversation, teammate=owner, assignee=agent, team=team)
        services.tag_conversation(conversation, tags[number % 2])
    with django_assert_max_num_queries(11):
        response = owner_client.get(
            url("inbox", workspace), headers={**HTMX, "HX-Target": "conversation-list"}
        )
    page = response.content.decode()
    assert page.count('class="conversation-row"') == 30
    assert page.count('<span class="tag">vip</span>') == 15
    assert page.count(f'<span class="row-assignee">{agent.name}</span>') == 30


@pytest.fixture
def nothing_kept():
    kept.forget()
    yield
    kept.forget()


def list_fragment(client, workspace) -> str:
    response = client.get(url("inbox", workspace), headers={**HTMX, "HX-Target": "conversation-list"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_list_fragment_takes_six_queries_once_the_set_up_is_kept(
    owner_client, workspace, owner, agent, contact, nothing_kept, django_assert_max_num_queries
):
    """The session, the user, the teammate with its workspace, the count, the page's rows, their
    tags' names: the filters' choices, who is on support and the saved views are kept from the first
    request while the workspace's set-up version stays."""
    team = create_team(workspace, name="Billing", members=[agent])
    tag = services.tag_for_name(workspace, "vip")
    save_view(owner, "Billing's", QueryDict(f"team={team.pk}"))
    for number in range(30):
        conversation = services.start_conversation(workspace, contact=contact, body=f"hello {number}")
        services.assign_conversation(conversation, teammate=owner, assignee=agent, team=team)
        services.tag_conversation(conversation, tag)
    first = list_fragment(owner_client, workspace)
    with django_assert_max_num_queries(6):
        second = list_fragment(owner_client, workspace)
    assert second.count('class="conversation-row"') == 30
    without_tokens = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_tokens.sub("", second) == without_tokens.sub("", first)


def test_the_rows_tags_named_from_the_kept_tags_in_the_databases_order(workspace, contact):
    conversation = services.start_conversation(workspace, contact=contact, body="hello")
    for name in ("vip", "Billing", "bug", "Änderung"):
        services.tag_conversation(conversation, services.tag_for_name(workspace, name))
    kept_tags = selectors.tags_in_name_order(workspace)
    read_whole = selectors.tag_names_by_conversation(workspace, [conversation.pk])
    assert (
        selectors.tag_names_by_conversation(workspace, [conversation.pk], names_by_id=kept_tags) == read_whole
    )
    services.tag_conversation(conversation, services.tag_for_name(workspace, "new"))  # made since
    named = selectors.tag_names_by_conversation(workspace, [conversation.pk], names_by_id=kept_tags)
    assert named == selectors.tag_names_by_conversation(workspace, [conversation.pk])
    assert "new" in named[conversation.pk]


@pytest.mark.django_db(transaction=True)
def test_a_renamed_tag_and_a_new_teammate_show_in_the_next_lists_filters(
    owner_client, workspace, nothing_kept
):
    tag = services.create_tag(workspace, "billing")
    assert '<option value="billing">billing</option>' in list_fragment(owner_client, workspace)
    services.rename_tag(tag, name="invoices")
    nova = add_teammate(workspace, email="nova@acme.test", name="Nova New")
    page = list_fragment(owner_client, workspace)
    assert '<option value="invoices">invoices</option>' in page
    assert "billing" not in page
    assert f'<option value="{nova.pk}">Nova New</option>' in page


@pytest.mark.django_db(transaction=True)
def test_a_saved_view_renamed_shows_in_the_next_list_and_another_teammates_never(
    owner_client, workspace, owner, agent, nothing_kept
):
    view = save_view(owner, "Open ones", QueryDict("state=open"))
    save_view(agent, "Avery only", QueryDict("assignee=me"))
    assert ">Open ones</a>" in list_fragment(owner_client, workspace)
    rename_view(view, owner, "Still open")
    page = list_fragment(owner_client, workspace)
    assert ">Still open</a>" in page
    assert "Open ones" not in page and "Avery only" not in page


def test_every_value_a_list_row_shows_is_escaped(owner_client, workspace, owner):
    hostile = "<script>alert(1)</script>"
    contact = create_contact(workspace, external_id="h1", email="h@example.test", name=f"Eve {hostile}")
    team = create_team(workspace, name=f"Team {hostile}", members=[owner])
    conversation = services.start_conversation(
        workspace, contact=contact, body=f"Preview {hostile}", subject=f"Subject {hostile}"
    )
    services.assign_conversation(conversation, teammate=owner, assignee=owner, team=team)
    services.tag_conversation(conversation, services.tag_for_name(workspace, "<b>tag</b>"))
    page = owner_client.get(url("inbox", workspace), headers={**HTMX, "HX-Target": "conversation-list"})
    page = page.content.decode()
    row = page[page.index(f'id="conversation-row-{conversation.pk}"') :]
    row = row[: row.index("</li>")]
    assert "<script>" not in row and "<b>" not in row
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for shown in (f"Eve {escaped}", f"Subject {escaped}", f"· Team {escaped}", "&lt;b&gt;tag&lt;/b&gt;"):
        assert shown in row


def test_conversation_page_takes_a_fixed_number_of_queries(
    owner_client, workspace, owner, agent, conversation, django_assert_max_num_queries
):
    for number in range(10):
        services.reply_as_teammate(conversation, agent, f"reply {number}")
        services.add_note(conversation, owner, f"note {number}")
        services.assign_conversation(conversation, teammate=owner, assignee=agent if number % 2 else owner)
    with django_assert_max_num_queries(20):
        response = owner_client.get(url("conversation", workspace, conversation.pk))
    assert response.content.decode().count('class="part note"') == 10


def test_filter_change_over_htmx_answers_the_list_fragment(owner_client, workspace, conversation):
    response = owner_client.get(
        url("inbox", workspace), {"state": "open"}, headers={**HTMX, "HX-Target": "conversation-list"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="conversation-row-' in page
    assert "HX-Request" in response["Vary"]


# ---------- One conversation ----------


def test_conversation_shows_parts_in_order_with_notes_and_system_lines(
    owner_client, workspace, owner, agent, conversation
):
    services.add_note(conversation, agent, "<p>Internal: check the CSV bug</p>")
    services.assign_conversation(conversation, teammate=owner, assignee=agent)
    services.reply_as_teammate(conversation, agent, "<p>We are on it</p>")
    services.close_conversation(conversation, teammate=agent)

    page = owner_client.get(url("conversation", workspace, conversation.pk)).content.decode()
    order = [
        page.index("fails"),
        page.index("Internal: check the CSV bug"),
        page.index("Olivia Owner assigned this to Avery Agent"),
        page.index("We are on it"),
        page.index("Avery Agent closed this conversation"),
    ]
    assert order == sorted(order)
    assert re.search(
        r'class="part note"[^>]*>\s*<div class="message-meta">\s*<span class="note-label">Internal note', page
    )
    assert 'class="part system-line"' in page


def test_messages_render_sanitised_and_everything_else_escaped(owner_client, workspace, conversation):
    page = owner_client.get(url("conversation", workspace, conversation.pk)).content.decode()
    assert "<b>export</b>" in page  # stored, sanitised HTML is rendered as such
    assert "<script>alert(1)</script>" not in page

    reply = owner_client.post(
        url("conversation-reply", workspace, conversation.pk),
        {"body": "Try <img src=x onerror=alert(1)> now\nsecond line"},
        headers=DETAIL,
    )
    page = reply.content.decode()
    assert "Try &lt;img src=x onerror=alert(1)&gt; now<br>\nsecond line" in page
    assert "<img src=x" not in page
    assert "Try <img" in Conversation.objects.get(pk=conversation.pk).last_part_preview


def test_times_are_shown_in_the_teammates_own_zone_with_the_city_named(
    client, workspace, owner, agent, contact
):
    at = datetime(2026, 3, 3, 19, 0, tzinfo=ZoneInfo("UTC"))
    conversation = services.start_conversation(workspace, contact=contact, body="Hello", at=at)

    client.force_login(owner.user)  # New York
    page = client.get(url("conversation", workspace, conversation.pk)).content.decode()
    assert "Tuesday 3 March, 2:00 PM, New York time" in page

    client.force_login(agent.user)  # Belgrade
    page = client.get(url("conversation", workspace, conversation.pk)).content.decode()
    assert "Tuesday 3 March, 8:00 PM, Belgrade time" in page
    assert 'Snooze until <span class="muted">(Belgrade time)</span>' in page


def test_conversation_over_htmx_answers_the_detail_fragment(owner_client, workspace, conversation):
    response = owner_client.get(url("conversation", workspace, conversation.pk), headers=DETAIL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="timeline"' in page

    full = owner_client.get(url("conversation", workspace, conversation.pk))
    assert "<html" in full.content.decode() and 'id="conversation-list"' in full.content.decode()


def test_history_restore_gets_the_full_page(owner_client, workspace, conversation):
    response = owner_client.get(
        url("conversation", workspace, conversation.pk),
        headers={**DETAIL, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


# ---------- Actions ----------


def test_reply_over_htmx_adds_the_reply_and_records_the_event(owner_client, workspace, owner, conversation):
    response = owner_client.post(
        url("conversation-reply", workspace, conversation.pk),
        {"body": "Thanks, a fix is on its way"},
        headers={**DETAIL, "HX-Current-URL": "http://testserver/w/acme/inbox/?state=open"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Thanks, a fix is on its way" in page
    assert f'id="conversation-row-{conversation.pk}" class="conversation-row" hx-swap-oob="true"' in page
    assert "?state=open" in page  # the list row keeps the list's filters
    last = selectors.parts_of(conversation).last()
    assert (last.kind, last.author_teammate_id) == ("comment", owner.pk)
    assert Event.objects.filter(conversation_ref=conversation.ref, type="conversation.replied").count() == 1
    assert Conversation.objects.get(pk=conversation.pk).first_response_at is not None


def test_reply_as_a_plain_form_redirects_back(owner_client, workspace, conversation):
    response = owner_client.post(
        url("conversation-reply", workspace, conversation.pk), {"body": "Plain form"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("conversation", workspace, conversation.pk)
    assert selectors.parts_of(conversation).last().body == "<p>Plain form</p>"


def test_note_is_internal_and_shown_as_such(owner_client, workspace, conversation):
    response = owner_client.post(
        url("conversation-note", workspace, conversation.pk), {"body": "Only for us"}, headers=DETAIL
    )
    assert response.status_code == 200
    assert selectors.parts_of(conversation).last().kind == "note"
    assert re.search(r'class="part note".*?Only for us', response.content.decode(), re.S)
    assert [p.kind for p in selectors.parts_of(conversation, include_notes=False)] == ["comment"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "the message is empty"),
        ("   \n  ", "the message is empty"),
        ("x" * (settings.MAX_MESSAGE_LENGTH + 1), "the limit is 20,000"),
    ],
)
@pytest.mark.parametrize("action", ["conversation-reply", "conversation-note"])
def test_empty_or_over_long_text_is_a_form_error_and_changes_nothing(
    owner_client, workspace, conversation, action, body, message
):
    before = snapshot(conversation)
    response = owner_client.post(url(action, workspace, conversation.pk), {"body": body}, headers=DETAIL)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'id="composer-error"' in page
    assert snapshot(conversation) == before


def test_over_long_text_is_kept_in_the_composer_on_error(owner_client, workspace, conversation):
    body = "y" * (settings.MAX_MESSAGE_LENGTH + 5)
    response = owner_client.post(url("conversation-reply", workspace, conversation.pk), {"body": body})
    assert response.status_code == 422  # without HTMX: the whole page, with the error
    assert body in response.content.decode()
    assert "<html" in response.content.decode()


def test_assign_to_a_teammate_and_a_team_then_unassign(owner_client, workspace, agent, conversation):
    team = create_team(workspace, name="Revenue")
    response = owner_client.post(
        url("conversation-assign", workspace, conversation.pk),
        {"assignee": str(agent.pk), "team": str(team.pk)},
        headers=SIDE,
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert (conversation.assignee_id, conversation.team_id) == (agent.pk, team.pk)
    assert "assigned this to Avery Agent in Revenue" in response.content.decode()

    owner_client.post(
        url("conversation-assign", workspace, conversation.pk), {"assignee": "", "team": ""}, headers=SIDE
    )
    conversation.refresh_from_db()
    assert (conversation.assignee_id, conversation.team_id) == (None, None)
    assert Event.objects.filter(conversation_ref=conversation.ref, type="conversation.assigned").count() == 2


def test_assigning_to_another_workspaces_teammate_or_team_is_refused(
    owner_client, workspace, conversation, other_workspace, other_teammate
):
    other_team = create_team(other_workspace, name="Globex team")
    before = snapshot(conversation)
    for data in ({"assignee": str(other_teammate.pk)}, {"assignee": "", "team": str(other_team.pk)}):
        response = owner_client.post(
            url("conversation-assign", workspace, conversation.pk), data, headers=SIDE
        )
        assert response.status_code == 404
        assert "in this workspace" in response.content.decode()  # shown as the form's error
        assert other_teammate.name not in response.content.decode()
    response = owner_client.post(url("conversation-assign", workspace, conversation.pk), {"assignee": "abc"})
    assert response.status_code == 422
    assert snapshot(conversation) == before


def test_tag_and_untag(owner_client, workspace, conversation):
    response = owner_client.post(
        url("conversation-tag", workspace, conversation.pk), {"tag": "billing"}, headers=SIDE
    )
    assert response.status_code == 200
    assert list(conversation.tags.values_list("name", flat=True)) == ["billing"]
    assert "added the tag" in response.content.decode()
    tag = selectors.tag_by_name(workspace, "billing")
    owner_client.post(
        url("conversation-untag", workspace, conversation.pk), {"tag": str(tag.pk)}, headers=SIDE
    )
    assert not conversation.tags.exists()
    types = list(Event.objects.filter(conversation_ref=conversation.ref).values_list("type", flat=True))
    assert types[-2:] == ["conversation.tagged", "conversation.untagged"]


def test_bad_tags_are_refused(owner_client, workspace, conversation, other_workspace):
    other_tag = services.tag_for_name(other_workspace, "globex-only")
    before = snapshot(conversation)
    empty = owner_client.post(
        url("conversation-tag", workspace, conversation.pk), {"tag": "  "}, headers=SIDE
    )
    assert empty.status_code == 422 and "tag is required" in empty.content.decode()
    long = owner_client.post(
        url("conversation-tag", workspace, conversation.pk), {"tag": "t" * 61}, headers=SIDE
    )
    assert long.status_code == 422 and "the limit is 60" in long.content.decode()
    foreign = owner_client.post(
        url("conversation-untag", workspace, conversation.pk), {"tag": str(other_tag.pk)}, headers=SIDE
    )
    assert foreign.status_code == 404
    assert snapshot(conversation) == before


def test_close_reopen_and_closing_twice(owner_client, workspace, conversation):
    response = owner_client.post(url("conversation-close", workspace, conversation.pk), headers=SIDE)
    assert response.status_code == 200
    assert Conversation.objects.get(pk=conversation.pk).state == "closed"
    assert "Reopen" in response.content.decode()

    again = owner_client.post(url("conversation-close", workspace, conversation.pk), headers=SIDE)
    assert again.status_code == 409
    assert "already closed" in again.content.decode()

    owner_client.post(url("conversation-reopen", workspace, conversation.pk), headers=SIDE)
    assert Conversation.objects.get(pk=conversation.pk).state == "open"
    types = list(Event.objects.filter(conversation_ref=conversation.ref).values_list("type", flat=True))
    assert types[-2:] == ["conversation.closed", "conversation.reopened"]


def test_snooze_reads_the_time_in_the_teammates_zone(client, workspace, agent, conversation):
    client.force_login(agent.user)  # Belgrade
    tomorrow = (timezone.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/Belgrade")).date()
    response = client.post(
        url("conversation-snooze", workspace, conversation.pk), {"until": f"{tomorrow}T09:30"}, headers=SIDE
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.state == "snoozed"
    expected = datetime.combine(tomorrow, datetime.min.time()).replace(
        hour=9, minute=30, tzinfo=ZoneInfo("Europe/Belgrade")
    )
    assert conversation.snoozed_until == expected
    assert "9:30 AM, Belgrade time" in response.content.decode()


def test_snooze_presets_are_times_in_the_teammates_zone(client, workspace, agent, conversation):
    client.force_login(agent.user)  # Belgrade
    page = client.get(url("conversation", workspace, conversation.pk))
    presets = page.context["snooze_presets"]
    assert [label for label, _ in presets][:2] == ["In 3 hours", "Tomorrow, 9:00\u202fAM"]
    label, value = presets[1]
    assert f'name="until_preset" value="{value}">{label}</button>' in page.content.decode()

    response = client.post(
        url("conversation-snooze", workspace, conversation.pk), {"until_preset": value}, headers=SIDE
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    local = conversation.snoozed_until.astimezone(ZoneInfo("Europe/Belgrade"))
    assert (local.hour, local.minute) == (9, 0)
    assert local.date() == (timezone.now().astimezone(ZoneInfo("Europe/Belgrade")) + timedelta(days=1)).date()


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2020-01-01T09:00", "in the future"),
        ("not a time", "Choose the date and time"),
        ("", "Choose the date"),
    ],
)
def test_bad_snooze_times_are_refused(owner_client, workspace, conversation, until, message):
    before = snapshot(conversation)
    response = owner_client.post(
        url("conversation-snooze", workspace, conversation.pk), {"until": until}, headers=SIDE
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'id="snooze-error"' in response.content.decode()
    assert snapshot(conversation) == before


def test_actions_only_accept_post(owner_client, workspace, conversation):
    assert owner_client.get(url("conversation-reply", workspace, conversation.pk)).status_code == 405


# ---------- Tenancy through the pages ----------


def test_another_workspaces_conversation_is_not_found(
    owner_client, workspace, other_workspace, other_conversation
):
    assert owner_client.get(url("conversation", workspace, other_conversation.pk)).status_code == 404
    assert owner_client.get(url("conversation", other_workspace, other_conversation.pk)).status_code == 404
    assert owner_client.get(url("inbox", other_workspace)).status_code == 404
    assert (
        owner_client.get(url("conversation", workspace, other_conversation.pk), headers=DETAIL).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("conversation-reply", {"body": "sneaky"}),
        ("conversation-note", {"body": "sneaky"}),
        ("conversation-assign", {"assignee": ""}),
        ("conversation-tag", {"tag": "sneaky"}),
        ("conversation-close", {}),
        ("conversation-snooze", {"until": "2099-01-01T09:00"}),
    ],
)
def test_no_action_reaches_another_workspaces_conversation(
    owner_client, workspace, other_workspace, other_conversation, action, data
):
    before = snapshot(other_conversation)
    assert (
        owner_client.post(url(action, workspace, other_conversation.pk), data, headers=DETAIL).status_code
        == 404
    )
    assert owner_client.post(url(action, other_workspace, other_conversation.pk), data).status_code == 404
    assert snapshot(other_conversation) == before
    assert not Tag.objects.filter(name="sneaky").exists()


def test_reopen_of_another_workspaces_closed_conversation_is_not_found(
    owner_client, workspace, other_workspace, other_conversation
):
    services.close_conversation(other_conversation)
    before = snapshot(other_conversation)
    assert owner_client.post(url("conversation-reopen", workspace, other_conversation.pk)).status_code == 404
    assert (
        owner_client.post(url("conversation-reopen", other_workspace, other_conversation.pk)).status_code
        == 404
    )
    assert snapshot(other_conversation) == before


def test_a_teammate_of_both_workspaces_sees_each_in_its_own_place(
    client, workspace, other_workspace, other_conversation
):
    both = add_teammate(other_workspace, email="owner@acme.test", name="Olivia at Globex")
    client.force_login(both.user)
    assert client.get(url("conversation", other_workspace, other_conversation.pk)).status_code == 200
    assert client.get(url("conversation", workspace, other_conversation.pk)).status_code == 404


def test_a_contact_of_another_workspace_never_shows_in_the_inbox(owner_client, workspace, other_workspace):
    stranger = create_contact(other_workspace, external_id="x", name="Stranger Danger")
    services.start_conversation(other_workspace, contact=stranger, body="hi")
    assert (
        "Stranger Danger" not in owner_client.get(url("inbox", workspace), {"state": "all"}).content.decode()
    )


def _row_answer(page: str, conversation) -> str:
    """What an action's answer tells the list about the conversation's row."""
    removed = f'<li id="conversation-row-{conversation.pk}" hx-swap-oob="delete"></li>'
    kept = f'id="conversation-row-{conversation.pk}" class="conversation-row" hx-swap-oob="true"'
    assert (removed in page) != (kept in page)
    return "removed" if removed in page else "kept"


@pytest.mark.parametrize(
    ("list_url", "action", "data", "row"),
    [
        ("/w/acme/inbox/", "conversation-close", {}, "removed"),  # the Open list is the default
        ("/w/acme/inbox/?state=open", "conversation-snooze", {"until_preset": "3h"}, "removed"),
        ("/w/acme/inbox/?state=all", "conversation-close", {}, "kept"),
        ("/w/acme/inbox/?state=closed", "conversation-close", {}, "kept"),
        ("/w/acme/inbox/?assignee=unassigned", "conversation-close", {}, "removed"),
        ("/w/acme/inbox/?state=nonsense", "conversation-close", {}, "kept"),
        ("/w/acme/inbox/?assignee=unassigned&state=all", "conversation-reply", {"body": "On it"}, "kept"),
    ],
)
def test_a_conversation_that_leaves_the_list_being_looked_at_leaves_it_at_once(
    owner_client, workspace, conversation, list_url, action, data, row
):
    if action == "conversation-snooze":
        data = {"until_preset": conversation_snooze_preset(owner_client, workspace, conversation)}
    response = owner_client.post(
        url(action, workspace, conversation.pk),
        data,
        headers={**SIDE, "HX-Current-URL": f"http://testserver{list_url}"},
    )
    assert response.status_code == 200
    assert _row_answer(response.content.decode(), conversation) == row


def test_assigning_away_from_mine_takes_the_row_out_of_mine(
    owner_client, workspace, owner, agent, conversation
):
    mine = {**SIDE, "HX-Current-URL": "http://testserver/w/acme/inbox/?assignee=me"}
    response = owner_client.post(
        url("conversation-assign", workspace, conversation.pk), {"assignee": owner.pk}, headers=mine
    )
    assert _row_answer(response.content.decode(), conversation) == "kept"
    response = owner_client.post(
        url("conversation-assign", workspace, conversation.pk), {"assignee": agent.pk}, headers=mine
    )
    assert _row_answer(response.content.decode(), conversation) == "removed"


def conversation_snooze_preset(client, workspace, conversation) -> str:
    page = client.get(url("conversation", workspace, conversation.pk))
    return page.context["snooze_presets"][0][1]


def test_the_composer_takes_markdown_and_shows_typed_markup_as_typed(owner_client, workspace, conversation):
    response = owner_client.post(
        url("conversation-reply", workspace, conversation.pk),
        {"body": "**Fixed**: see https://status.example.com\n- retry\n- <b>not bold</b>"},
        headers=DETAIL,
    )
    stored = selectors.parts_of(conversation).last().body
    assert "<strong>Fixed</strong>" in stored and "<li>retry</li>" in stored
    assert (
        '<a href="https://status.example.com" target="_blank" rel="nofollow noopener noreferrer">' in stored
    )
    assert "<li>&lt;b&gt;not bold&lt;/b&gt;</li>" in stored
    assert stored in response.content.decode()  # the inbox shows what is stored
    row = Conversation.objects.get(pk=conversation.pk).last_part_preview
    assert row == "Fixed: see https://status.example.com retry <b>not bold</b>"


def test_a_list_url_with_odd_filters_never_breaks_an_action(owner_client, workspace, conversation):
    for odd in ("assignee=²", "team=²", "assignee=99999999999999999999", "tag=%00", "state=²"):
        response = owner_client.post(
            url(
                "conversation-close" if conversation.state == "open" else "conversation-reopen",
                workspace,
                conversation.pk,
            ),
            headers={**SIDE, "HX-Current-URL": f"http://testserver/w/acme/inbox/?{odd}"},
        )
        assert response.status_code == 200, odd
        conversation.refresh_from_db()
