"""The saved replies' pages: list with folders and search, the editor (create, change, preview, bad
input), privacy by URL, and the composer's menu, insert and suggestions; sending with a macro runs
its actions, and a failing action sends nothing."""

import pytest
from django.test import Client

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import delete_tag, reply_as_contact, start_conversation, tag_for_name
from concierge.replies.models import SavedReply
from concierge.replies.services.saved_replies import SavedReplyInput, create_folder, create_saved_reply
from concierge.workspaces.services import create_team
from tests.conftest import PASSWORD


def signed_in(email="owner@acme.test"):
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return client


@pytest.fixture
def conversation(workspace, contact):
    return start_conversation(
        workspace, contact=contact, body="I was charged twice, please refund", subject="Refund"
    )


@pytest.mark.django_db
def test_the_list_shows_folders_usage_and_searches(workspace, owner):
    folder = create_folder(workspace, "Billing")
    create_saved_reply(
        workspace, SavedReplyInput("Refund sent", {"en": "Refunded."}, folder=folder), owner=owner
    )
    create_saved_reply(workspace, SavedReplyInput("Welcome", {"en": "Welcome aboard."}), owner=owner)
    client = signed_in()
    page = client.get("/w/acme/replies/")
    assert page.status_code == 200
    assert b"Refund sent" in page.content and b"Welcome" in page.content and b"Billing" in page.content
    found = client.get("/w/acme/replies/", {"q": "refunded"})
    assert b"Refund sent" in found.content and b"Welcome" not in found.content
    in_folder = client.get("/w/acme/replies/", {"folder": folder.pk})
    assert b"Refund sent" in in_folder.content and b"Welcome aboard" not in in_folder.content
    assert client.get("/w/acme/replies/", {"folder": "²"}).status_code == 400
    assert client.get("/w/acme/replies/", {"q": "a\x00b"}).status_code == 400


@pytest.mark.django_db
def test_create_and_edit_a_macro_from_the_editor(workspace, owner):
    tag = tag_for_name(workspace, "refund")
    client = signed_in()
    assert client.get("/w/acme/replies/new/").status_code == 200
    response = client.post(
        "/w/acme/replies/new/",
        {
            "title": "Refund sent",
            "visibility": "workspace",
            "locale_0": "en",
            "body_0": "Hi {{contact.first_name|there}}, refunded.",
            "locale_1": "es",
            "body_1": "Hola {{contact.first_name|}}, reembolsado.",
            "action_tag": str(tag.pk),
            "action_assign": "me",
            "action_close": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = SavedReply.objects.get()
    assert reply.actions == [{"type": "tag", "tag_id": tag.pk}, {"type": "assign_me"}, {"type": "close"}]
    assert sorted(reply.versions.values_list("locale", flat=True)) == ["en", "es"]
    edit = client.get(f"/w/acme/replies/{reply.pk}/")
    assert edit.status_code == 200 and b"Hola" in edit.content and b"Whoever sends it" in edit.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body_0": "Hi {{contact.nickname.x}}"}, "Unknown variable"),
        ({"title": ""}, "title"),
        ({"visibility": "team", "team": ""}, "Choose the team"),
        ({"action_snooze": "60", "action_close": "1"}, "not both"),
        ({"action_assign": "someone"}, "Choose whom"),
        ({"action_tag": "99999"}, "no such tag"),
        ({"locale_0": ""}, "name its language"),
        ({"folder": "²"}, "No such folder"),
    ],
)
def test_the_editor_answers_bad_input_with_the_form_and_its_message(workspace, owner, fields, message):
    form = {"title": "Fine", "visibility": "workspace", "locale_0": "en", "body_0": "Fine", **fields}
    response = signed_in().post("/w/acme/replies/new/", form)
    assert 400 <= response.status_code < 500
    assert message.lower() in response.content.decode().lower()
    assert not SavedReply.objects.exists()


@pytest.mark.django_db
def test_the_preview_fills_an_example_customer_and_names_an_unknown_variable(workspace, owner):
    client = signed_in()
    shown = client.post(
        "/w/acme/replies/preview/", {"field": "body_0", "body_0": "Hi **{{contact.first_name|there}}**"}
    )
    assert b"<strong>Jordan</strong>" in shown.content
    wrong = client.post("/w/acme/replies/preview/", {"field": "body_0", "body_0": "Hi {{customer.name}}"})
    assert b"Unknown variable" in wrong.content


@pytest.mark.django_db
def test_someone_elses_private_or_another_teams_reply_is_a_404_everywhere(
    workspace, owner, agent, conversation
):
    team = create_team(workspace, name="Billing", members=[owner])
    theirs = create_saved_reply(
        workspace, SavedReplyInput("Team's", {"en": "x"}, visibility="team", team=team), owner=owner
    )
    private = create_saved_reply(
        workspace, SavedReplyInput("Mine", {"en": "secret"}, visibility="personal"), owner=owner
    )
    client = signed_in("agent@acme.test")
    for reply in (theirs, private):
        assert client.get(f"/w/acme/replies/{reply.pk}/").status_code == 404
        assert client.post(f"/w/acme/replies/{reply.pk}/delete/").status_code == 404
        assert client.get(f"/w/acme/inbox/{conversation.pk}/saved-replies/{reply.pk}/").status_code == 404
    menu = client.get(f"/w/acme/inbox/{conversation.pk}/saved-replies/", {"q": ""})
    assert b"Mine" not in menu.content and b"Team&#x27;s" not in menu.content
    sent = client.post(
        f"/w/acme/inbox/{conversation.pk}/reply/", {"body": "secret", "saved_reply": str(private.pk)}
    )
    assert sent.status_code == 404
    assert not Part.objects.filter(conversation=conversation, author_type="teammate").exists()


@pytest.mark.django_db
def test_the_menu_searches_and_insert_fills_in_the_contacts_language(workspace, owner, contact, conversation):
    from concierge.contacts.services import update_contact

    reply = create_saved_reply(
        workspace,
        SavedReplyInput(
            "Refund sent", {"en": "Hi {{contact.first_name|there}}", "es": "Hola {{contact.first_name|}}"}
        ),
        owner=owner,
    )
    client = signed_in()
    menu = client.get(f"/w/acme/inbox/{conversation.pk}/saved-replies/", {"q": "ref"})
    assert b'role="option"' in menu.content and b"Refund sent" in menu.content
    assert (
        client.get(f"/w/acme/inbox/{conversation.pk}/saved-replies/{reply.pk}/").json()["text"] == "Hi Casey"
    )
    update_contact(contact, locale="es")
    assert (
        client.get(f"/w/acme/inbox/{conversation.pk}/saved-replies/{reply.pk}/").json()["text"]
        == "Hola Casey"
    )


@pytest.mark.django_db
def test_sending_after_inserting_a_macro_runs_it_and_a_failing_action_sends_nothing(
    workspace, owner, conversation
):
    tag = tag_for_name(workspace, "refund")
    macro = create_saved_reply(
        workspace,
        SavedReplyInput(
            "Refund sent", {"en": "Refunded"}, actions=[{"type": "tag", "tag_id": tag.pk}, {"type": "close"}]
        ),
        owner=owner,
    )
    client = signed_in()
    sent = client.post(
        f"/w/acme/inbox/{conversation.pk}/reply/", {"body": "Refunded, Casey", "saved_reply": str(macro.pk)}
    )
    assert sent.status_code == 302
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED and list(conversation.tags.all()) == [tag]
    macro.refresh_from_db()
    assert macro.usage_count == 1

    again = start_conversation(workspace, contact=conversation.contact, body="Charged twice again")
    delete_tag(tag)
    failed = client.post(
        f"/w/acme/inbox/{again.pk}/reply/",
        {"body": "Refunded again", "saved_reply": str(macro.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert failed.status_code == 409
    assert b"nothing was sent" in failed.content
    assert not Part.objects.filter(conversation=again, author_type="teammate").exists()
    again.refresh_from_db()
    assert again.state == Conversation.State.OPEN


@pytest.mark.django_db
def test_suggestions_offer_the_closest_reply_for_the_last_message(workspace, owner, conversation):
    create_saved_reply(
        workspace,
        SavedReplyInput("Duplicate charge refunded", {"en": "We refunded the duplicate charge."}),
        owner=owner,
    )
    create_saved_reply(
        workspace, SavedReplyInput("SSO certificate", {"en": "Upload the new SAML certificate."}), owner=owner
    )
    reply_as_contact(conversation, "Hello, the card was charged twice. Can you refund the duplicate?")
    page = signed_in().get(f"/w/acme/inbox/{conversation.pk}/suggestions/")
    assert page.status_code == 200
    assert b"Duplicate charge refunded" in page.content
    assert b"SSO certificate" not in page.content
