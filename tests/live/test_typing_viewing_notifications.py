"""Typing (throttled), who is viewing, and the teammates' notifications with their preferences."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from concierge.conversations.services import add_note, assign_conversation, start_conversation
from concierge.core.errors import InvalidInput, TooManyAttempts
from concierge.live import services
from concierge.live.models import LiveChange, Notification
from concierge.live.tasks import email_unseen_notification_task
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor, add_teammate
from tests.api_client import messenger_for_visitor
from tests.conftest import PASSWORD


@pytest.fixture
def clock(monkeypatch):
    """The live app's clock, moved by hand."""

    class Clock:
        at = timezone.now()

        def advance(self, **delta):
            self.at += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(services, "now", lambda: moved.at)
    return moved


def run_the_worker():
    call_command("worker", "--batch", "--no-recurring", verbosity=0)


@pytest.fixture
def conversation(workspace, contact):
    return start_conversation(workspace, contact=contact, body="My export fails")


def signed_in(teammate) -> Client:
    client = Client()
    assert client.login(username=teammate.email, password=PASSWORD)
    return client


def test_a_teammate_typing_is_told_to_the_team_and_the_customer_once_every_two_seconds(
    workspace, agent, conversation, clock
):
    client = signed_in(agent)
    url = f"/w/{workspace.slug}/live/typing"
    assert client.post(url, {"conversation_id": conversation.pk}).status_code == 204
    told = LiveChange.objects.filter(kind="typing").order_by("id")
    assert [change.audience for change in told] == ["team", f"contact:{conversation.contact_id}"]
    assert told[0].payload["who"] == "teammate" and told[0].payload["name"] == agent.name

    again = client.post(url, {"conversation_id": conversation.pk})
    assert again.status_code == 429 and again["Retry-After"] == "2"
    assert LiveChange.objects.filter(kind="typing").count() == 2
    clock.advance(seconds=3)
    assert client.post(url, {"conversation_id": conversation.pk}).status_code == 204


def test_typing_refuses_bad_input_and_another_workspaces_conversation(
    workspace, agent, conversation, other_workspace, other_contact
):
    client = signed_in(agent)
    url = f"/w/{workspace.slug}/live/typing"
    for bad in ("", "abc", "²", "99999999999999999999", "-3"):
        assert client.post(url, {"conversation_id": bad}).status_code == 422, bad
    theirs = start_conversation(other_workspace, contact=other_contact, body="Hi")
    assert client.post(url, {"conversation_id": theirs.pk}).status_code == 404
    assert client.get(url).status_code == 405
    assert not LiveChange.objects.filter(kind="typing").exists()


def test_a_customer_typing_is_told_to_the_team_only_and_throttled(workspace, agent):
    visitor = messenger_for_visitor(workspace, "visitor-1")
    started = visitor.post("/messenger/conversations", {"body": "Hello"}).json()
    assert visitor.post(f"/messenger/conversations/{started['id']}/typing").status_code == 204
    assert visitor.post(f"/messenger/conversations/{started['id']}/typing").status_code == 429
    assert list(LiveChange.objects.filter(kind="typing").values_list("audience", flat=True)) == ["team"]
    # Another contact's conversation: not found, as in the rest of the messenger API.
    other = messenger_for_visitor(workspace, "visitor-2")
    assert other.post(f"/messenger/conversations/{started['id']}/typing").status_code == 404


def test_viewing_tells_the_team_who_has_the_conversation_open(workspace, owner, agent, conversation):
    assert signed_in(agent).post(
        f"/w/{workspace.slug}/live/viewing", {"conversation_id": conversation.pk}
    ).json()["teammates"] == [{"id": agent.pk, "name": agent.name}]
    answer = signed_in(owner).post(f"/w/{workspace.slug}/live/viewing", {"conversation_id": conversation.pk})
    names = [viewer["name"] for viewer in answer.json()["teammates"]]
    assert names == sorted([agent.name, owner.name])
    latest = LiveChange.objects.filter(kind="viewing").latest("id")
    assert latest.audience == "team" and latest.payload["conversation_id"] == conversation.pk


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_an_assignment_by_someone_else_notifies_the_assignee_and_emails_them_if_unseen(
    workspace, owner, agent, conversation, mailbox
):
    assign_conversation(conversation, teammate=owner, assignee=agent)
    run_the_worker()
    notification = Notification.objects.get()
    assert notification.teammate == agent and notification.kind == "assigned"
    assert notification.url == f"/w/{workspace.slug}/inbox/{conversation.pk}/"
    told = LiveChange.objects.get(kind="notification")
    assert told.audience == f"teammate:{agent.pk}" and told.payload["title"].startswith("Assigned to you")

    assert email_unseen_notification_task.call(notification.pk) is True
    [email] = mailbox.to(agent.email)
    assert "Assigned to you" in email["Subject"]
    assert email_unseen_notification_task.call(notification.pk) is False  # once


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_assigning_oneself_notifies_no_one(workspace, agent, conversation):
    assign_conversation(conversation, teammate=agent, assignee=agent)
    run_the_worker()
    assert not Notification.objects.exists()


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_a_seen_notification_is_not_emailed(workspace, owner, agent, conversation, mailbox):
    assign_conversation(conversation, teammate=owner, assignee=agent)
    run_the_worker()
    notification = Notification.objects.get()
    answer = signed_in(agent).post(f"/w/{workspace.slug}/live/notifications/{notification.pk}/seen")
    assert answer.status_code == 204
    assert email_unseen_notification_task.call(notification.pk) is False
    assert mailbox.to(agent.email) == []
    # Someone else's notification: not found.
    assert (
        signed_in(owner).post(f"/w/{workspace.slug}/live/notifications/{notification.pk}/seen").status_code
        == 404
    )


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_opening_the_conversation_counts_as_seeing_its_notifications(workspace, owner, agent, conversation):
    assign_conversation(conversation, teammate=owner, assignee=agent)
    run_the_worker()
    signed_in(agent).post(f"/w/{workspace.slug}/live/viewing", {"conversation_id": conversation.pk})
    assert Notification.objects.get().seen_at is not None


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_a_note_mentioning_teammates_by_first_name_or_email_notifies_them(
    workspace, owner, agent, conversation
):
    sam = add_teammate(workspace, email="s.rivera@acme.test", name="Sam Rivera", password=PASSWORD)
    add_note(conversation, owner, "Can @avery or @S.Rivera look? (not me: @Olivia, nor mail@example.com)")
    run_the_worker()
    told = sorted(Notification.objects.filter(kind="mentioned").values_list("teammate__name", flat=True))
    assert told == sorted([agent.name, sam.name])
    assert Notification.objects.get(teammate=agent).title.startswith(f"{owner.name} mentioned you")


# The worker closes its connection after each task: a transactional test, as the coach's.
@pytest.mark.django_db(transaction=True)
def test_preferences_choose_how_each_kind_is_told_and_are_audited(
    workspace, owner, agent, conversation, mailbox
):
    assert services.preferences_of(agent)["assigned"] == {"in_page": True, "browser": True, "email": True}
    client = signed_in(agent)
    answer = client.post(
        f"/w/{workspace.slug}/live/notifications/preferences",
        {"sent": "1", "assigned.in_page": "on", "mentioned.in_page": "on", "mentioned.email": "on"},
    )
    assert answer.status_code == 302 and answer["Location"].endswith("/account/#notifications")
    assert services.preferences_of(agent) == {
        "assigned": {"in_page": True, "browser": False, "email": False},
        "mentioned": {"in_page": True, "browser": False, "email": True},
    }
    entry = AuditEntry.objects.get(action="notifications.update")
    assert entry.actor_teammate == agent and entry.changes["assigned.email"] == [True, False]

    assign_conversation(conversation, teammate=owner, assignee=agent)
    run_the_worker()
    notification = Notification.objects.get()
    assert LiveChange.objects.get(kind="notification").payload["browser"] is False
    assert email_unseen_notification_task.call(notification.pk) is False  # email is off

    # Every way off: nothing at all.
    services.set_notification_preferences(
        agent, {"mentioned": {"in_page": False, "email": False}}, actor=Actor.for_teammate(agent)
    )
    add_note(conversation, owner, "@Avery see this")
    run_the_worker()
    assert not Notification.objects.filter(kind="mentioned").exists()


def test_preferences_refuse_bad_input_and_change_nothing(workspace, agent):
    client = signed_in(agent)
    url = f"/w/{workspace.slug}/live/notifications/preferences"
    assert client.post(url, {"assigned.email": "yes please"}).status_code == 422
    assert client.post(url, {"assigned.email": "a\x00b"}).status_code in (400, 422)
    with pytest.raises(InvalidInput):
        services.set_notification_preferences(agent, {"mentioned": {"sms": True}}, actor=Actor.system())
    with pytest.raises(InvalidInput):
        services.set_notification_preferences(agent, {"everything": {"email": True}}, actor=Actor.system())
    assert not AuditEntry.objects.filter(action="notifications.update").exists()
    # The account page shows the choices.
    page = client.get(f"/w/{workspace.slug}/account/")
    assert page.status_code == 200 and b'name="assigned.email"' in page.content


def test_old_changes_are_pruned(workspace, clock):
    services.publish(workspace.pk, "team", "typing", {"conversation_id": 1})
    clock.advance(hours=2)
    fresh = services.publish(workspace.pk, "team", "typing", {"conversation_id": 2})
    assert services.prune_live_changes() == 1
    assert list(LiveChange.objects.values_list("id", flat=True)) == [fresh.pk]


def test_typing_service_refuses_an_unknown_side(workspace, conversation):
    with pytest.raises(InvalidInput):
        services.announce_typing(workspace.pk, conversation.pk, who="bot", sender_id=1, name="", contact_id=1)
    with pytest.raises(TooManyAttempts):
        for _ in range(2):
            services.announce_typing(
                workspace.pk, conversation.pk, who="contact", sender_id=1, name="", contact_id=1
            )
