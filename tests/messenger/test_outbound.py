"""Proactive messages in the messenger's API: what a contact is shown (their own only), seeing,
reacting, dismissing, replying to a chat, and the messages a page of the customer's site triggers."""

import pytest

from concierge.contacts.services import create_contact
from concierge.conversations.models import Conversation, Part
from concierge.events.models import Event
from concierge.outbound.models import Delivery
from concierge.outbound.services import create_message, deliver, set_daily_cap, set_state
from tests.api_client import messenger_for_user

M = "/messenger/outbound"
PAGE = "https://shop.test/pricing?plan=pro"


@pytest.fixture
def live_message(workspace, agent):
    """A live message written and sent through the services; a chat from `agent` by default."""

    def make(content_type="chat", versions=None, **settings):
        if versions is None:
            versions = [{"locale": "en", "subject": "Hello", "body": "Hi {{first_name|there}}, **welcome**!"}]
            if content_type == "tooltip_group":
                versions = [
                    {
                        "locale": "en",
                        "tooltips": [
                            {"selector": "#export", "body": "Export *here*"},
                            {"selector": ".plan", "body": "Your plan"},
                        ],
                    }
                ]
        settings.setdefault("sender", agent)
        settings.setdefault("name", f"A {content_type}")
        settings.setdefault("overrides_cap", True)
        message = create_message(workspace, content_type=content_type, versions=versions, **settings)
        return set_state(message, "live")

    return make


def delivered(message, contact) -> Delivery:
    delivery = deliver(message, contact)
    assert delivery is not None
    return delivery


def shown(client, url=PAGE) -> list[dict]:
    answer = client.get(M, url=url)
    assert answer.status_code == 200, answer.content
    return answer.json()["messages"]


def test_a_chat_sent_to_the_contact_shows_in_their_messenger_personalised(
    signed_in_customer, contact, live_message, agent
):
    delivery = delivered(live_message("chat", trigger="page", page_url="*"), contact)
    [chat] = shown(signed_in_customer)
    assert chat["id"] == delivery.pk and chat["content_type"] == "chat"
    assert chat["body_html"] == "<p>Hi Casey, <strong>welcome</strong>!</p>"
    assert chat["sender"] == {"name": agent.name, "initials": agent.initials or chat["sender"]["initials"]}
    assert chat["opened"] is False and chat["reaction"] == "" and chat["conversation_id"] is None
    assert chat["emojis"] == ["👍", "❤️", "😄", "🎉", "😮", "😕"]


def test_a_message_sent_now_by_the_worker_is_shown_and_a_banner_of_a_stopped_message_is_not(
    signed_in_customer, contact, live_message, run_tasks
):
    banner = live_message(
        "banner", versions=[{"locale": "en", "body": "Exports are slow [status](https://status.test)"}]
    )
    post = live_message("post")
    run_tasks()
    assert {m["content_type"] for m in shown(signed_in_customer)} == {"banner", "post"}
    [drawn] = [m for m in shown(signed_in_customer) if m["content_type"] == "banner"]
    assert 'href="https://status.test"' in drawn["body_html"] and drawn["emojis"] == []
    set_state(banner, "stopped")
    set_state(post, "stopped")
    # A banner is drawn only while its message is live; a post once sent stays like any message.
    assert [m["content_type"] for m in shown(signed_in_customer)] == ["post"]


def test_tooltips_come_with_their_selectors_and_html(signed_in_customer, contact, live_message):
    delivered(live_message("tooltip_group", trigger="page", page_url="*"), contact)
    [group] = shown(signed_in_customer)
    assert group["tooltips"] == [
        {"selector": "#export", "html": "<p>Export <em>here</em></p>"},
        {"selector": ".plan", "html": "<p>Your plan</p>"},
    ]


def test_the_version_in_the_contacts_language(workspace, live_message):
    ana = create_contact(workspace, external_id="ana", name="Ana Ruiz", locale="es")
    message = live_message(
        "post",
        trigger="page",
        page_url="*",
        versions=[
            {"locale": "en", "subject": "News", "body": "Hello {{first_name|there}}"},
            {"locale": "es", "subject": "Novedades", "body": "Hola {{first_name|}}"},
        ],
    )
    delivered(message, ana)
    [post] = shown(messenger_for_user(workspace, "ana"))
    assert post["title"] == "Novedades" and post["body_html"] == "<p>Hola Ana</p>"


def test_seeing_records_outbound_opened_once(signed_in_customer, contact, live_message):
    message = live_message("post", trigger="page", page_url="*")
    delivery = delivered(message, contact)
    for _ in range(2):
        assert signed_in_customer.post(f"{M}/{delivery.pk}/seen").status_code == 204
    [event] = Event.objects.filter(type="outbound.opened")
    assert (event.contact_id, event.message_ref) == (contact.pk, message.ref)
    assert shown(signed_in_customer)[0]["opened"] is True


def test_a_reaction_records_outbound_reacted_and_a_bad_one_changes_nothing(
    signed_in_customer, contact, live_message
):
    message = live_message("chat", trigger="page", page_url="*")
    delivery = delivered(message, contact)
    refused = signed_in_customer.post(f"{M}/{delivery.pk}/react", {"emoji": "💩"})
    assert refused.status_code == 422 and "A reaction is one of" in refused.json()["detail"]
    assert not Event.objects.filter(type__in=["outbound.reacted", "outbound.opened"]).exists()

    answer = signed_in_customer.post(f"{M}/{delivery.pk}/react", {"emoji": "👍"})
    assert answer.status_code == 200 and answer.json()["reaction"] == "👍" and answer.json()["opened"]
    signed_in_customer.post(f"{M}/{delivery.pk}/react", {"emoji": "👍"})  # the same again: nothing new
    signed_in_customer.post(f"{M}/{delivery.pk}/react", {"emoji": "🎉"})
    reactions = Event.objects.filter(type="outbound.reacted", message_ref=message.ref).order_by("id")
    assert [event.data["reaction"] for event in reactions] == ["👍", "🎉"]
    assert Event.objects.filter(type="outbound.opened").count() == 1
    delivery.refresh_from_db()
    assert delivery.reaction == "🎉"


def test_a_banner_takes_no_reaction(signed_in_customer, contact, live_message):
    delivery = delivered(live_message("banner", trigger="page", page_url="*"), contact)
    answer = signed_in_customer.post(f"{M}/{delivery.pk}/react", {"emoji": "👍"})
    assert answer.status_code == 422 and "Only a chat or a post" in answer.json()["detail"]


def test_a_dismissed_message_is_not_shown_again(signed_in_customer, contact, live_message):
    delivery = delivered(live_message("banner", trigger="page", page_url="*"), contact)
    assert signed_in_customer.post(f"{M}/{delivery.pk}/dismiss").status_code == 204
    assert shown(signed_in_customer) == []
    delivery.refresh_from_db()
    assert delivery.dismissed_at is not None


def test_a_reply_to_a_chat_starts_a_conversation_with_the_chat_as_its_first_message(
    signed_in_customer, workspace, contact, live_message, agent
):
    message = live_message("chat", trigger="page", page_url="*")
    delivery = delivered(message, contact)
    answer = signed_in_customer.post(f"{M}/{delivery.pk}/reply", {"body": "Thanks! How do I export?"})
    assert answer.status_code == 201, answer.content
    conversation = Conversation.objects.get(pk=answer.json()["id"])
    assert conversation.contact_id == contact.pk and conversation.initiator == "teammate"
    first, reply = Part.objects.filter(conversation=conversation).order_by("id")
    assert first.author_teammate_id == agent.pk and "Hi Casey" in first.body
    assert first.data["outbound"]["message"] == message.ref
    assert reply.author_type == "contact" and "How do I export?" in reply.body
    delivery.refresh_from_db()
    assert delivery.conversation_id == conversation.pk and delivery.opened_at is not None
    assert shown(signed_in_customer)[0]["conversation_id"] == conversation.pk

    # Answering again goes on in the same conversation.
    again = signed_in_customer.post(f"{M}/{delivery.pk}/reply", {"body": "Found it"})
    assert again.json()["id"] == conversation.pk
    assert Conversation.objects.filter(contact=contact).count() == 1


def test_an_empty_reply_is_refused_and_writes_nothing(signed_in_customer, contact, live_message):
    delivery = delivered(live_message("chat", trigger="page", page_url="*"), contact)
    answer = signed_in_customer.post(f"{M}/{delivery.pk}/reply", {"body": "   "})
    assert answer.status_code == 422
    assert not Conversation.objects.exists() and not Event.objects.filter(type="outbound.opened").exists()


def test_only_a_chat_can_be_answered(signed_in_customer, contact, live_message):
    delivery = delivered(live_message("post", trigger="page", page_url="*"), contact)
    assert signed_in_customer.post(f"{M}/{delivery.pk}/reply", {"body": "hi"}).status_code == 422
    assert not Conversation.objects.exists()


def test_a_contact_never_sees_or_touches_another_contacts_messages(
    signed_in_customer, workspace, contact, other_workspace, other_contact, live_message
):
    someone = create_contact(workspace, external_id="someone-else", name="Sam Else")
    theirs = delivered(live_message("chat", trigger="page", page_url="*"), someone)
    assert shown(signed_in_customer) == []
    for action, body in (
        ("seen", None),
        ("react", {"emoji": "👍"}),
        ("dismiss", None),
        ("reply", {"body": "x"}),
    ):
        answer = signed_in_customer.post(f"{M}/{theirs.pk}/{action}", body)
        assert answer.status_code == 404, (action, answer.content)
    # Another workspace's contact with the same id in their own messenger sees nothing of this one.
    other_customer = messenger_for_user(other_workspace, other_contact.external_id)
    assert shown(other_customer) == []
    assert other_customer.post(f"{M}/{theirs.pk}/seen").status_code == 404
    theirs.refresh_from_db()
    assert theirs.opened_at is None and theirs.reaction == "" and theirs.conversation_id is None
    assert not Event.objects.filter(type__in=["outbound.opened", "outbound.reacted"]).exists()


def test_a_page_waits_its_seconds_then_the_message_is_delivered_once(
    signed_in_customer, contact, live_message
):
    message = live_message("post", trigger="page", page_url="*/pricing*", page_seconds=5)
    answer = signed_in_customer.get(M, url=PAGE).json()
    assert answer == {"messages": [], "waiting": [{"message_id": message.pk, "after_seconds": 5}]}
    assert signed_in_customer.get(M, url="https://shop.test/about").json()["waiting"] == []

    asked = signed_in_customer.post(f"{M}/page-triggers/{message.pk}", {"url": PAGE})
    assert asked.status_code == 200, asked.content
    post = asked.json()["message"]
    assert post["content_type"] == "post" and post["title"] == "Hello"
    [event] = Event.objects.filter(type="outbound.sent", message_ref=message.ref)
    assert event.contact_id == contact.pk
    # Once per person: it waits no more, and asking again finds nothing.
    assert signed_in_customer.get(M, url=PAGE).json()["waiting"] == []
    assert signed_in_customer.post(f"{M}/page-triggers/{message.pk}", {"url": PAGE}).status_code == 404
    # Not for another page.
    other = live_message("post", trigger="page", page_url="/billing*")
    refused = signed_in_customer.post(f"{M}/page-triggers/{other.pk}", {"url": PAGE})
    assert refused.status_code == 404
    assert signed_in_customer.post(
        f"{M}/page-triggers/{other.pk}", {"url": "https://shop.test/billing/1"}
    ).json()["message"]


def test_the_workspaces_daily_cap_holds_for_page_messages(
    signed_in_customer, workspace, contact, live_message
):
    set_daily_cap(workspace, 1)
    first = live_message("post", trigger="page", page_url="*", overrides_cap=False)
    second = live_message("chat", trigger="page", page_url="*", overrides_cap=False)
    assert signed_in_customer.post(f"{M}/page-triggers/{first.pk}", {"url": PAGE}).json()["message"]
    assert signed_in_customer.post(f"{M}/page-triggers/{second.pk}", {"url": PAGE}).json() == {
        "message": None
    }
    assert Delivery.objects.filter(contact=contact, state="sent").count() == 1


def test_a_page_message_outside_its_audience_is_not_offered(signed_in_customer, contact, live_message):
    message = live_message(
        "post",
        trigger="page",
        page_url="*",
        audience={"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "enterprise"}]},
    )
    assert signed_in_customer.get(M, url=PAGE).json()["waiting"] == []
    assert signed_in_customer.post(f"{M}/page-triggers/{message.pk}", {"url": PAGE}).status_code == 404
    assert not Delivery.objects.exists()


def test_a_message_of_another_workspace_is_not_found(signed_in_customer, other_workspace, other_contact):
    message = create_message(
        other_workspace,
        content_type="post",
        name="Theirs",
        trigger="page",
        page_url="*",
        versions=[{"locale": "en", "subject": "Theirs", "body": "Not yours"}],
    )
    set_state(message, "live")
    assert signed_in_customer.post(f"{M}/page-triggers/{message.pk}", {"url": PAGE}).status_code == 404
    assert signed_in_customer.get(M, url=PAGE).json()["waiting"] == []


@pytest.mark.parametrize("url", ["", " ", "x" * 2001])
def test_a_bad_page_address_is_refused(signed_in_customer, url):
    answer = signed_in_customer.get(M, url=url)
    assert answer.status_code == 422


def test_a_tracked_event_delivers_the_messages_it_triggers(
    signed_in_customer, contact, live_message, run_tasks
):
    message = live_message("chat", trigger="event", event_name="export-failed")
    assert (
        signed_in_customer.post("/messenger/events", {"name": "export-failed", "data": {}}).status_code == 201
    )
    run_tasks()
    [chat] = shown(signed_in_customer)
    assert chat["content_type"] == "chat"
    assert Delivery.objects.get(contact=contact).message_id == message.pk


@pytest.mark.parametrize(
    "lang,words",
    [("es", "Reaccionar con %(emoji)s"), ("de", "Vom Team"), ("fr", "Suivant"), ("en", "Dismiss")],
)
def test_the_words_around_proactive_messages_speak_the_customers_language(workspace, lang, words):
    from django.test import Client

    answer = Client().get("/messenger/acme/frame/", {"origin": "https://shop.example.com", "lang": lang})
    assert words.encode() in answer.content


def test_what_reaches_the_customers_page_is_sanitised(workspace, live_message):
    message = live_message(
        "banner",
        trigger="page",
        page_url="*",
        versions=[
            {
                "locale": "en",
                "body": 'Hi {{first_name|there}} <script>alert(1)</script><a href="javascript:x">y</a>',
            }
        ],
    )
    contact = create_contact(workspace, external_id="evil", name="<img src=x onerror=alert(1)>")
    delivered(message, contact)
    [banner] = shown(messenger_for_user(workspace, "evil"))
    html = banner["body_html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "&lt;img" in html  # the contact's name reads as the characters it is
