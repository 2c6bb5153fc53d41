"""Saved replies: versions per language, privacy (another team's or another teammate's private reply
is never offered nor usable), macros all or nothing, usage counts, bad input refused clearly, and every
change in the audit trail."""

import pytest

from concierge.contacts.services import create_contact
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import delete_tag, start_conversation, tag_for_name
from concierge.core.errors import Conflict, InvalidInput, NotFound
from concierge.replies.models import SavedReply
from concierge.replies.selectors.saved_replies import (
    saved_replies_list,
    saved_reply_by_id,
    version_for,
)
from concierge.replies.services.saved_replies import (
    SavedReplyInput,
    create_folder,
    create_saved_reply,
    delete_saved_reply,
    filled_text,
    send_saved_reply,
    update_saved_reply,
)
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor, add_teammate, create_team

WORKSPACE = SavedReply.Visibility.WORKSPACE
TEAM = SavedReply.Visibility.TEAM
PERSONAL = SavedReply.Visibility.PERSONAL


def reply_input(title="Refund policy", versions=None, **fields):
    versions = versions or {
        "en": "Hi {{contact.first_name|there}}, refunds take 5 days. {{teammate.first_name}}"
    }
    return SavedReplyInput(title=title, versions=versions, **fields)


@pytest.fixture
def billing(workspace, owner):
    team = create_team(workspace, name="Billing")
    from concierge.workspaces.services import add_team_member

    add_team_member(team, owner)
    return team


@pytest.fixture
def outsider(workspace):
    return add_teammate(workspace, email="out@acme.test", name="Oscar Outsider", password="x-long-password-1")


@pytest.fixture
def conversation(workspace, contact):
    return start_conversation(workspace, contact=contact, body="Where is my refund?", subject="Refund")


@pytest.mark.django_db
def test_the_contacts_language_is_chosen_else_the_workspaces(workspace, owner, conversation):
    reply = create_saved_reply(
        workspace,
        reply_input(
            versions={"en": "Hi {{contact.first_name|there}}!", "es": "¡Hola {{contact.first_name|}}!"}
        ),
        owner=owner,
    )
    assert filled_text(reply, conversation, owner) == "Hi Casey!"
    ana = create_contact(workspace, email="ana@x.test", name="Ana Ruiz", locale="es-MX")
    spanish = start_conversation(workspace, contact=ana, body="¿Dónde está mi reembolso?")
    assert filled_text(reply, spanish, owner) == "¡Hola Ana!"
    german = create_contact(workspace, email="de@x.test", locale="de")
    assert (
        filled_text(reply, start_conversation(workspace, contact=german, body="Hallo"), owner) == "Hi there!"
    )
    assert version_for(reply, "fr", "es").locale == "es"


@pytest.mark.django_db
def test_another_teams_or_teammates_private_reply_is_never_offered_nor_usable(
    workspace, owner, agent, outsider, billing, conversation
):
    shared = create_saved_reply(workspace, reply_input("Shared"), owner=agent)
    teams = create_saved_reply(
        workspace, reply_input("Billing only", visibility=TEAM, team=billing), owner=owner
    )
    mine = create_saved_reply(workspace, reply_input("Agent's own", visibility=PERSONAL), owner=agent)

    assert {r.title for r in saved_replies_list(workspace, agent)} == {"Shared", "Agent's own"}
    assert {r.title for r in saved_replies_list(workspace, owner)} == {"Shared", "Billing only"}
    assert {r.title for r in saved_replies_list(workspace, outsider, query="refunds")} == {"Shared"}
    for reply in (teams, mine):
        with pytest.raises(NotFound):
            saved_reply_by_id(workspace, outsider, reply.pk)
        with pytest.raises(NotFound):
            send_saved_reply(conversation, reply, teammate=outsider)
        with pytest.raises(NotFound):
            update_saved_reply(reply, reply_input("Taken"), teammate=outsider)
        with pytest.raises(NotFound):
            delete_saved_reply(reply, teammate=outsider)
    with pytest.raises(NotFound):
        saved_reply_by_id(workspace, owner, mine.pk)  # even the workspace's owner
    assert not Part.objects.filter(conversation=conversation, author_type="teammate").exists()
    assert saved_reply_by_id(workspace, outsider, shared.pk) == shared


@pytest.mark.django_db
def test_another_workspaces_reply_is_a_404(workspace, owner, other_workspace, conversation):
    theirs = create_saved_reply(other_workspace, reply_input("Theirs"))
    with pytest.raises(NotFound):
        saved_reply_by_id(workspace, owner, theirs.pk)
    with pytest.raises(NotFound):
        send_saved_reply(conversation, theirs, teammate=owner)


@pytest.mark.django_db
def test_a_macro_sends_tags_assigns_and_snoozes_and_counts_its_use(workspace, owner, agent, conversation):
    tag = tag_for_name(workspace, "refund")
    macro = create_saved_reply(
        workspace,
        reply_input(
            actions=[
                {"type": "tag", "tag_id": tag.pk},
                {"type": "set_priority", "priority": "high"},
                {"type": "assign_me"},
                {"type": "snooze", "minutes": 60},
            ]
        ),
        owner=owner,
    )
    part = send_saved_reply(conversation, macro, teammate=agent)
    assert "Hi Casey, refunds take 5 days. Avery" in part.body
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.SNOOZED
    assert conversation.assignee == agent and conversation.priority == "high"
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    macro.refresh_from_db()
    assert macro.usage_count == 1 and macro.last_used_at is not None


@pytest.mark.django_db
def test_a_macro_whose_action_fails_sends_nothing_and_changes_nothing(workspace, owner, conversation):
    tag = tag_for_name(workspace, "refund")
    macro = create_saved_reply(
        workspace,
        reply_input(
            actions=[{"type": "set_priority", "priority": "high"}, {"type": "tag", "tag_id": tag.pk}]
        ),
        owner=owner,
    )
    delete_tag(tag)
    parts_before = Part.objects.filter(conversation=conversation).count()
    with pytest.raises(Conflict) as error:
        send_saved_reply(conversation, macro, teammate=owner)
    assert "nothing was sent" in error.value.message.lower()
    conversation.refresh_from_db()
    assert conversation.priority != "high"
    assert Part.objects.filter(conversation=conversation).count() == parts_before
    macro.refresh_from_db()
    assert macro.usage_count == 0


@pytest.mark.django_db
def test_a_macro_that_closes_then_snoozes_undoes_the_close_and_the_reply(workspace, owner, conversation):
    macro = create_saved_reply(
        workspace, reply_input(actions=[{"type": "close"}, {"type": "snooze", "minutes": 30}]), owner=owner
    )
    with pytest.raises(Conflict):
        send_saved_reply(conversation, macro, teammate=owner)
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.OPEN
    assert not Part.objects.filter(conversation=conversation, author_type="teammate").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"title": ""}, "title", "title"),
        ({"versions": {}}, "versions", "at least one language"),
        ({"versions": {"en": "   "}}, "versions.en", "must not be empty"),
        ({"versions": {"xx-nope": "Hi"}}, "locale", "not a known locale"),
        ({"versions": {"en": "Hi {{customer.name}}"}}, "versions.en", "Unknown variable {{customer.name}}"),
        ({"versions": {"en": "x" * 10_001}}, "versions.en", "limit"),
        ({"visibility": "everyone"}, "visibility", "one of"),
        ({"visibility": "team"}, "team", "team"),
        ({"actions": [{"type": "explode"}]}, "actions.1", "one of"),
        ({"actions": [{"type": "add_note", "body": "x"}]}, "actions.1", "one of"),
        (
            {"actions": [{"type": "close"}, {"type": "tag", "tag_id": 999999}]},
            "actions.2",
            "Action 2: no such tag",
        ),
        ({"actions": [{"type": "snooze", "minutes": "²"}]}, "actions.1", ""),
        ({"actions": "close"}, "actions", "list"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(workspace, owner, given, field, words):
    fields = {"title": "Fine", "versions": {"en": "Fine"}, **given}
    with pytest.raises(InvalidInput) as error:
        create_saved_reply(workspace, SavedReplyInput(**fields), owner=owner)
    assert error.value.field == field
    assert words in error.value.message
    assert not SavedReply.objects.exists()


@pytest.mark.django_db
def test_changes_are_audited_and_versions_replaced(workspace, owner):
    actor = Actor.for_teammate(owner)
    folder = create_folder(workspace, "Billing", actor=actor)
    reply = create_saved_reply(workspace, reply_input(folder=folder), owner=owner, actor=actor)
    update_saved_reply(
        reply,
        reply_input("Refunds", versions={"es": "Hola {{contact.first_name|}}"}),
        teammate=owner,
        actor=actor,
    )
    reply.refresh_from_db()
    assert reply.title == "Refunds" and list(reply.versions.values_list("locale", flat=True)) == ["es"]
    assert reply.folder is None
    assert [r.title for r in saved_replies_list(workspace, owner, query="hola")] == ["Refunds"]
    assert saved_replies_list(workspace, owner, query="refunds take") == []
    actions = list(AuditEntry.objects.filter(workspace=workspace).values_list("action", flat=True))
    assert {"saved_reply_folder.created", "saved_reply.created", "saved_reply.changed"} <= set(actions)
    with pytest.raises(Conflict):
        create_folder(workspace, "Billing")
