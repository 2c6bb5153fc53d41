"""`concierge answers ask` and POST /api/v1/answers/preview answer the same JSON as the messenger's bot;
the customer's buttons through the messenger API, with another contact's or workspace's ids a 404."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from concierge.bot import services
from concierge.bot.models import BotQuestion
from concierge.contacts.services import create_contact
from concierge.conversations import services as conversations
from tests.api_client import messenger_for_user

QUESTION = "How do I export my contacts to CSV?"


def ask_command(*args) -> dict:
    out = StringIO()
    call_command("answers", "ask", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_engines_json(workspace, articles):
    printed = ask_command("--workspace", workspace.slug, "--locale", "en", QUESTION)
    assert set(printed) == {"answer", "suggestions"}
    assert printed["answer"]["article"] == "export-contacts"
    assert set(printed["answer"]) == {"article", "section", "confidence"}
    assert 0.0 <= printed["answer"]["confidence"] <= 1.0
    assert ask_command("--workspace", workspace.slug, QUESTION) == printed  # the workspace's language
    assert ask_command("--workspace", workspace.slug, "--locale", "de", QUESTION) == {
        "answer": None,
        "suggestions": [],
    }


def test_the_command_follows_the_workspaces_settings(workspace, articles):
    services.save_bot_settings(workspace, answer_threshold=1.0, suggest_threshold=0.0)
    printed = ask_command("--workspace", workspace.slug, "export contacts csv invoice password")
    assert printed["answer"] is None
    assert printed["suggestions"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "nowhere", QUESTION], "nowhere"),
        (["--workspace", "acme", "   "], "question is required"),
        (["--workspace", "acme", "x" * 2001], "at most 2000"),
        (
            ["--workspace", "acme", "--locale", "xx-nowhere-42", QUESTION],
            "--locale 'xx-nowhere-42' is not a known",
        ),
    ],
)
def test_the_command_says_what_is_wrong(workspace, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("answers", "ask", *args, stdout=StringIO())


def test_the_preview_api_answers_the_same_json_as_the_command(workspace, articles, api):
    response = api.post("/answers/preview", {"question": QUESTION, "locale": "en"})
    assert response.status_code == 200, response.content
    assert response.json() == ask_command("--workspace", workspace.slug, "--locale", "en", QUESTION)
    silent = api.post("/answers/preview", {"question": "Can I get a discount for a nonprofit organisation?"})
    assert silent.json() == {"answer": None, "suggestions": []}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 422, "question is required"),
        ({"question": "x" * 2001}, 422, "at most 2000"),
        ({"question": QUESTION, "locale": "xx-nowhere-42"}, 422, "not a known locale"),
        ({"locale": "en"}, 422, "question"),
        ({"question": 42}, 422, "question"),
    ],
)
def test_the_preview_api_refuses_bad_input(workspace, api, body, status, message):
    response = api.post("/answers/preview", body)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_the_preview_api_needs_a_key(workspace, client):
    response = client.post("/api/v1/answers/preview", {"question": QUESTION}, content_type="application/json")
    assert response.status_code == 401


def test_the_preview_reads_only_the_keys_workspace(workspace, articles, other_api):
    assert other_api.post("/answers/preview", {"question": QUESTION}).json() == {
        "answer": None,
        "suggestions": [],
    }


def test_the_buttons_of_another_contact_or_workspace_are_a_404(
    workspace, contact, other_workspace, other_contact, articles, signed_in_customer, run_tasks
):
    conversation = conversations.start_conversation(workspace, contact=contact, body=QUESTION)
    run_tasks()
    someone_else = create_contact(workspace, external_id="cust-2", email="sam@customer.test")
    for stranger in (messenger_for_user(workspace, someone_else.external_id),):
        response = stranger.post(f"/messenger/conversations/{conversation.pk}/bot-feedback", {"helped": True})
        assert response.status_code == 404
        assert stranger.get(f"/messenger/conversations/{conversation.pk}/bot-answer").status_code == 404
    other = messenger_for_user(other_workspace, other_contact.external_id)
    assert (
        other.post(f"/messenger/conversations/{conversation.pk}/bot-feedback", {"helped": True}).status_code
        == 404
    )
    assert BotQuestion.objects.get(conversation=conversation).outcome == "pending"
    shown = signed_in_customer.get(f"/messenger/conversations/{conversation.pk}/bot-answer")
    assert shown.status_code == 200
    assert shown.json()["buttons"] == ["helped", "talk_to_person"]
    assert shown.json()["article"] == "export-contacts"


def test_feedback_refuses_bad_input_and_a_conversation_without_an_answer(
    workspace, contact, articles, signed_in_customer, run_tasks
):
    conversation = conversations.start_conversation(workspace, contact=contact, body=QUESTION)
    silent = conversations.start_conversation(
        workspace, contact=contact, body="Can I get a discount for a nonprofit organisation?"
    )
    run_tasks()
    url = f"/messenger/conversations/{conversation.pk}/bot-feedback"
    assert signed_in_customer.post(url, {"helped": "perhaps"}).status_code == 422
    assert signed_in_customer.post(url, {}).status_code == 422
    assert signed_in_customer.post(url, raw="{not json").status_code in (400, 422)
    response = signed_in_customer.post(f"/messenger/conversations/{silent.pk}/bot-feedback", {"helped": True})
    assert response.status_code == 404
    assert "No automated answer" in response.json()["detail"]
    assert (
        signed_in_customer.post("/messenger/conversations/0/bot-feedback", {"helped": True}).status_code
        == 422
    )
    assert BotQuestion.objects.get(conversation=conversation).outcome == "pending"


def test_talk_to_a_person_twice_is_the_same_and_then_that_helped_is_refused(
    workspace, contact, articles, signed_in_customer, run_tasks
):
    conversation = conversations.start_conversation(workspace, contact=contact, body=QUESTION)
    run_tasks()
    url = f"/messenger/conversations/{conversation.pk}/bot-feedback"
    assert signed_in_customer.post(url, {"helped": False}).json()["outcome"] == "handed_over"
    assert signed_in_customer.post(url, {"helped": False}).status_code == 200
    assert conversation.parts.filter(kind="state", data__handover=True).count() == 1
    refused = signed_in_customer.post(url, {"helped": True})
    assert refused.status_code == 409
    assert "already with the team" in refused.json()["detail"]
