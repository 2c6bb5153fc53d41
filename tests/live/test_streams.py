"""The event streams over a real ASGI server: what a customer and a teammate receive, resuming after
a dropped connection, and what each is refused."""

import threading

import pytest
from django.db import transaction

from concierge.conversations import services as conversations
from concierge.conversations.selectors import conversation_by_id
from concierge.live import services
from concierge.live.models import LiveChange
from concierge.live.views import messenger_stream_token
from tests.api_client import messenger_for_visitor
from tests.live.conftest import session_cookie


def stream_url_for(visitor) -> str:
    answer = visitor.post("/messenger/stream-token")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["url"] == f"/live/messenger/stream?token={body['token']}" and body["expires_in"] == 3600
    return body["url"]


def test_a_customer_hears_the_teams_reply_but_never_a_note(open_stream, workspace, agent):
    visitor = messenger_for_visitor(workspace, "visitor-1")
    url = stream_url_for(visitor)
    started = visitor.post("/messenger/conversations", {"body": "Where is my order?"}).json()
    stream = open_stream(url)
    assert stream.status == 200
    assert stream.response.getheader("Content-Type").startswith("text/event-stream")

    conversation = conversation_by_id(workspace, started["id"])
    conversations.add_note(conversation, agent, "Internal: @Olivia they are on the old plan")
    conversations.reply_as_teammate(conversation, agent, "It ships **tomorrow**")
    event_id, kind, data = stream.next()
    assert stream.retry == 2000
    assert kind == "part.created"
    assert data["conversation_id"] == conversation.pk
    part = data["part"]
    assert (
        part["kind"] == "comment" and part["author_kind"] == "teammate" and part["author_name"] == agent.name
    )
    assert part["body"] == part["body_html"] == "<p>It ships <strong>tomorrow</strong></p>"
    assert part["attachments"] == [] and "author_teammate_id" not in part
    assert (
        event_id == LiveChange.objects.filter(audience=f"contact:{conversation.contact_id}").latest("id").pk
    )

    conversations.close_conversation(conversation, teammate=agent)
    _, kind, data = stream.next()
    assert (kind, data["state"], data["change"], data["assignee_id"]) == (
        "conversation.updated",
        "closed",
        "closed",
        None,
    )
    assert stream.nothing_within(0.6)  # the note, the assignment of nothing: never sent


def test_a_dropped_stream_resumes_with_last_event_id_missing_nothing_and_repeating_nothing(
    open_stream, workspace, agent
):
    visitor = messenger_for_visitor(workspace, "visitor-1")
    url = stream_url_for(visitor)
    conversation = conversation_by_id(
        workspace, visitor.post("/messenger/conversations", {"body": "Hello"}).json()["id"]
    )
    first = open_stream(url)
    conversations.reply_as_teammate(conversation, agent, "one")
    conversations.reply_as_teammate(conversation, agent, "two")
    got = [first.next() for _ in range(2)]
    assert [data["part"]["text"] for _, _, data in got] == ["one", "two"]
    first.close()  # the connection drops

    for text in ("three", "four", "five"):
        conversations.reply_as_teammate(conversation, agent, text)
    last_id = got[-1][0]
    resumed = open_stream(url, {"Last-Event-ID": str(last_id)})
    replayed = [resumed.next() for _ in range(3)]
    assert [data["part"]["text"] for _, _, data in replayed] == ["three", "four", "five"]
    conversations.reply_as_teammate(conversation, agent, "six")
    event_id, _, data = resumed.next()
    assert data["part"]["text"] == "six"
    ids = [event_id for event_id, _, _ in got + replayed] + [event_id]
    assert ids == sorted(set(ids))  # in order, none twice
    assert resumed.nothing_within(0.5)

    # The first connect may name the last event seen in the query instead (?last_event_id=).
    again = open_stream(f"{url}&last_event_id={replayed[-1][0]}")
    assert again.next()[2]["part"]["text"] == "six"


def test_a_stream_opened_while_the_log_is_busy_misses_nothing_written_after_it_opened(
    open_stream, workspace, agent
):
    """The fan-out learns where the log stands before the stream that started it is told it is open;
    a first read that meets a busy table (SQLite's lock) is tried again, it does not skip ahead."""
    visitor = messenger_for_visitor(workspace, "visitor-1")
    url = stream_url_for(visitor)
    conversation = conversation_by_id(
        workspace, visitor.post("/messenger/conversations", {"body": "Hello"}).json()["id"]
    )
    opened = {}
    opener = threading.Thread(target=lambda: opened.update(stream=open_stream(url)))
    with transaction.atomic():
        conversations.reply_as_teammate(conversation, agent, "before")  # the change table is written
        opener.start()
        opener.join(0.5)  # meanwhile the fan-out's first read meets the open transaction
    opener.join(15)
    conversations.reply_as_teammate(conversation, agent, "after")
    texts = []
    while "after" not in texts:  # "before" may come too: its changes are written as it commits
        _, kind, data = opened["stream"].next()
        texts.append(data["part"]["text"] if kind == "part.created" else kind)
    assert texts[0] in ("before", "after")


def test_a_contact_never_hears_another_contacts_events(open_stream, workspace, agent):
    ana = messenger_for_visitor(workspace, "ana")
    ben = messenger_for_visitor(workspace, "ben")
    ana_stream = open_stream(stream_url_for(ana))
    ben_conversation = conversation_by_id(
        workspace, ben.post("/messenger/conversations", {"body": "Ben here"}).json()["id"]
    )
    conversations.reply_as_teammate(ben_conversation, agent, "Hi Ben")
    ben_stream = open_stream(stream_url_for(ben), {"Last-Event-ID": "0"})
    assert ben_stream.next()[2]["part"]["text"] == "Ben here"
    assert ben_stream.next()[2]["part"]["text"] == "Hi Ben"
    assert ana_stream.nothing_within(0.6)


def test_a_teammate_hears_their_workspace_and_never_another(
    open_stream, workspace, agent, other_workspace, contact
):
    other_owner = other_workspace.teammates.get(role="owner")
    mine = open_stream(f"/w/{workspace.slug}/live/stream", session_cookie(agent.user))
    theirs = open_stream(f"/w/{other_workspace.slug}/live/stream", session_cookie(other_owner.user))
    assert (mine.status, theirs.status) == (200, 200)
    conversation = conversations.start_conversation(workspace, contact=contact, body="Help please")
    _, kind, data = mine.next()
    assert kind == "conversation.created" and data["conversation_id"] == conversation.pk
    conversations.add_note(conversation, agent, "Looking into it")
    _, kind, data = mine.next()
    assert kind == "part.created" and data["part"]["kind"] == "note"
    assert mine.next()[1] == "conversation.updated"
    assert theirs.nothing_within(0.6)

    # Another workspace's stream, asked for by a teammate of this one: a 404, as any of its pages.
    refused = open_stream(f"/w/{other_workspace.slug}/live/stream", session_cookie(agent.user))
    assert refused.status == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 401), ("?token=", 401), ("?token=forged", 403), ("?token=abc:def:ghi", 403)],
)
def test_a_customer_stream_without_a_good_token_is_refused(open_stream, query, status):
    stream = open_stream(f"/live/messenger/stream{query}")
    assert stream.status == status
    assert stream.body()["detail"]


def test_an_expired_token_and_a_bad_last_event_id_are_refused(open_stream, workspace, contact, monkeypatch):
    import time

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 7200)  # a token signed two hours ago
    expired = messenger_stream_token(workspace.pk, contact.pk)
    monkeypatch.setattr(time, "time", real_time)
    stream = open_stream(f"/live/messenger/stream?token={expired}")
    assert stream.status == 403 and "expired" in stream.body()["detail"]

    token = messenger_stream_token(workspace.pk, contact.pk)
    for bad in ("\u00b2", "-1", "abc", "9" * 30):
        stream = open_stream(
            f"/live/messenger/stream?token={token}", {"Last-Event-ID": bad.encode().decode("latin-1")}
        )
        assert stream.status == 400, bad


def test_signed_out_gets_401_on_the_teammates_stream(open_stream, workspace):
    assert open_stream(f"/w/{workspace.slug}/live/stream").status == 401


def test_publish_refuses_an_unknown_audience(db, workspace):
    with pytest.raises(ValueError):
        services.publish(workspace.pk, "everyone", "typing", {})
