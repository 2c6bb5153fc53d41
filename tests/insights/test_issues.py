"""Product issues: linked from a conversation and from the stand-up's lists, the customers who asked,
another workspace's issue a 404, and 'It shipped: reply to all' sending each reply exactly once even
when the task runs again or twice."""

import pytest
from django.test import Client

from concierge.conversations.models import Part
from concierge.core.errors import Conflict
from concierge.insights import selectors
from concierge.insights.models import IssueLink, ProductIssue, ShippedNotice, ShippedReply
from concierge.insights.services.issues import create_product_issue, link_conversation_to_issue
from concierge.insights.services.shipping import reply_to_all_who_asked, send_shipped_replies
from concierge.insights.tasks import send_shipped_replies_task
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor
from tests.conftest import PASSWORD


@pytest.fixture
def client_of_agent(agent):
    client = Client()
    assert client.login(username="agent@acme.test", password=PASSWORD)
    return client


@pytest.fixture
def issue(workspace, owner):
    return create_product_issue(
        workspace,
        title="Faster exports",
        url="https://tracker.test/issues/42",
        actor=Actor.for_teammate(owner),
    )


def test_the_issue_page_lists_every_customer_who_asked(workspace, agent, feedback, issue, client_of_agent):
    for key in ("ana_bug_1", "ana_bug_2", "ben_bug", "cai_request"):
        assert link_conversation_to_issue(issue, feedback[key], teammate=agent)
    assert not link_conversation_to_issue(issue, feedback["ben_bug"], teammate=agent)  # once
    askers = selectors.customers_who_asked(workspace, issue)
    assert [(a.contact.name, len(a.conversations), a.plan, a.seats) for a in askers] == [
        ("Ana Doe", 2, "pro", 12),
        ("Ben Doe", 1, "pro", 25),
        ("Cai Doe", 1, "enterprise", 250),
    ]
    page = client_of_agent.get(f"/w/acme/insights/issues/{issue.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert all(name in html for name in ("Ana Doe", "Ben Doe", "Cai Doe"))
    listed = selectors.issues(workspace).get(pk=issue.pk)
    assert (listed.conversations, listed.customers) == (4, 3)
    entry = AuditEntry.objects.get(action="product_issue.created")
    assert entry.changes["title"] == [None, "Faster exports"]


def test_linking_from_the_conversation_page_and_the_stand_up_list(
    workspace, agent, feedback, issue, client_of_agent
):
    conversation = feedback["cai_request"]
    fragment = client_of_agent.get(f"/w/acme/insights/conversation/{conversation.pk}/issues/")
    assert fragment.status_code == 200 and "Faster exports" in fragment.content.decode()
    linked = client_of_agent.post(
        f"/w/acme/insights/conversation/{conversation.pk}/issues/",
        {"issue": issue.pk},
        HTTP_HX_REQUEST="true",
    )
    assert linked.status_code == 200 and f"/insights/issues/{issue.pk}/" in linked.content.decode()
    created = client_of_agent.post(
        f"/w/acme/insights/conversation/{conversation.pk}/issues/", {"title": "Okta SSO", "url": ""}
    )
    assert created.status_code == 302
    assert {i.title for i in selectors.issues_of_conversation(workspace, conversation)} == {
        "Faster exports",
        "Okta SSO",
    }
    # The conversation page asks for the control by URL name.
    page = client_of_agent.get(f"/w/acme/inbox/{conversation.pk}/")
    assert f"/w/acme/insights/conversation/{conversation.pk}/issues/" in page.content.decode()
    # From the stand-up's list: the checked conversations.
    response = client_of_agent.post(
        "/w/acme/insights/conversations/link/",
        {"issue": issue.pk, "conversation": [feedback["ana_bug_1"].pk, feedback["dee_request"].pk]},
    )
    assert response.status_code == 302
    assert IssueLink.objects.filter(issue=issue).count() == 3


def test_bad_links_change_nothing(
    workspace, agent, feedback, issue, other_workspace, other_contact, client_of_agent
):
    from concierge.conversations.services import start_conversation

    theirs = start_conversation(other_workspace, contact=other_contact, body="Not yours")
    for value in (f"{feedback['ana_bug_1'].pk}, {theirs.pk}", "abc", "²", "99999999999999999999", "", "#"):
        response = client_of_agent.post(f"/w/acme/insights/issues/{issue.pk}/link/", {"conversations": value})
        assert 400 <= response.status_code < 500, value
    assert not IssueLink.objects.exists()
    for data in (
        {"issue": "x"},
        {"issue": "999999"},
        {"title": ""},
        {"title": "x" * 201},
        {"title": "A", "url": "javascript:alert(1)"},
    ):
        response = client_of_agent.post(
            f"/w/acme/insights/conversation/{feedback['ana_bug_1'].pk}/issues/", data
        )
        assert 400 <= response.status_code < 500, data
    assert not IssueLink.objects.exists()
    assert ProductIssue.objects.count() == 1
    for data in ({"title": ""}, {"title": "Ok", "url": "ftp://x"}, {"title": "Ok", "url": "not a url"}):
        assert client_of_agent.post("/w/acme/insights/issues/", data).status_code == 400
    assert ProductIssue.objects.count() == 1


def test_another_workspaces_issue_is_a_404(workspace, agent, other_workspace, feedback, client_of_agent):
    theirs = create_product_issue(other_workspace, title="Their issue")
    base = f"/w/acme/insights/issues/{theirs.pk}/"
    assert client_of_agent.get(base).status_code == 404
    for action, data in [
        ("edit/", {"title": "Mine now"}),
        ("link/", {"conversations": str(feedback["ana_bug_1"].pk)}),
        ("unlink/", {"conversation": str(feedback["ana_bug_1"].pk)}),
        ("ship/", {"body": "Shipped!"}),
        ("reopen/", {}),
    ]:
        assert client_of_agent.post(base + action, data).status_code == 404, action
    assert (
        client_of_agent.post(
            "/w/acme/insights/conversations/link/",
            {"issue": theirs.pk, "conversation": feedback["ana_bug_1"].pk},
        ).status_code
        == 404
    )
    assert (
        client_of_agent.post(
            f"/w/acme/insights/conversation/{feedback['ana_bug_1'].pk}/issues/", {"issue": theirs.pk}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.title == "Their issue" and not IssueLink.objects.exists()


def test_reply_to_all_in_the_messenger_adds_one_reply_per_conversation_even_when_run_again(
    workspace, agent, feedback, issue, run_tasks
):
    conversations = [feedback[k] for k in ("ana_bug_1", "ana_bug_2", "dee_request")]
    for conversation in conversations:
        link_conversation_to_issue(issue, conversation, teammate=agent)
    notice = reply_to_all_who_asked(
        issue,
        teammate=agent,
        body="Hi {{contact.first_name|there}}, faster exports are live on {{contact.plan|your plan}}. {{teammate.first_name}}",
    )
    issue.refresh_from_db()
    assert issue.state == "shipped" and issue.shipped_at is not None
    run_tasks()
    send_shipped_replies_task.call(notice.pk)  # the task again, as a retry would
    send_shipped_replies(notice.pk)
    replies = Part.objects.filter(conversation__in=conversations, author_type="teammate", kind="comment")
    assert replies.count() == 3
    bodies = {p.conversation_id: p.body for p in replies}
    assert "Hi Ana, faster exports are live on pro. Avery" in bodies[feedback["ana_bug_1"].pk]
    assert "Hi Dee, faster exports are live on your plan. Avery" in bodies[feedback["dee_request"].pk]
    notice.refresh_from_db()
    assert notice.finished_at is not None and notice.replies_sent == 3
    assert ShippedReply.objects.filter(issue=issue).count() == 3
    assert AuditEntry.objects.filter(action="product_issue.shipped").count() == 1
    assert AuditEntry.objects.get(action="product_issue.replied_to_all").changes["conversations"] == [None, 3]
    # Asked again: nobody is left to tell.
    with pytest.raises(Conflict, match="had the reply already"):
        reply_to_all_who_asked(issue, teammate=agent, body="Again")
    # A customer linked later gets theirs from a second round, and only they do.
    link_conversation_to_issue(issue, feedback["ben_bug"], teammate=agent)
    reply_to_all_who_asked(issue, teammate=agent, body="Hi {{contact.first_name}}")
    run_tasks()
    assert (
        replies.count() == 3
        and Part.objects.filter(conversation=feedback["ben_bug"], author_type="teammate").count() == 1
    )


def test_a_claim_taken_by_a_run_in_flight_is_not_sent_again(workspace, agent, feedback, issue):
    """Two runs of the same notice (two workers): each conversation's claim is taken once."""
    for key in ("ana_bug_1", "cai_request"):
        link_conversation_to_issue(issue, feedback[key], teammate=agent)
    notice = reply_to_all_who_asked(issue, teammate=agent, body="Shipped!")
    from concierge.insights.services.shipping import send_shipped_reply

    assert send_shipped_reply(notice, feedback["ana_bug_1"].pk) is True
    assert send_shipped_reply(notice, feedback["ana_bug_1"].pk) is False  # the second worker's try
    assert send_shipped_replies(notice.pk) == 1
    assert Part.objects.filter(author_type="teammate", kind="comment").count() == 2


def test_reply_to_all_by_email_sends_each_customer_one_email_even_when_retried(
    workspace, agent, mailbox, run_tasks, issue
):
    from concierge.mail.services.inbound import receive_mail
    from concierge.mail.services.mailboxes import create_mailbox
    from tests.mail import samples

    create_mailbox(workspace, address="support@acme.test", sender_name="Acme Support")
    senders = ["lee@customer.test", "kim@customer.test", "max@customer.test"]
    for n, sender in enumerate(senders):
        conversation = receive_mail(
            samples.plain(sender=sender, subject="Exports are slow", message_id=f"m{n}@customer.test"),
            via="http",
        ).message.conversation
        link_conversation_to_issue(issue, conversation, teammate=agent)
    run_tasks()
    mailbox.clear()
    client = Client()
    assert client.login(username="agent@acme.test", password=PASSWORD)
    response = client.post(
        f"/w/acme/insights/issues/{issue.pk}/ship/", {"body": "Hi {{contact.first_name|there}}, it shipped."}
    )
    assert response.status_code == 302
    again = client.post(f"/w/acme/insights/issues/{issue.pk}/ship/", {"body": "Twice?"})
    assert again.status_code == 409  # on their way already: nothing queued twice
    notice = ShippedNotice.objects.get()
    run_tasks()
    send_shipped_replies_task.call(notice.pk)  # a retried task
    run_tasks()
    for sender in senders:
        (email,) = mailbox.to(sender)
        assert "it shipped" in email.get_body(("plain",)).get_content()
    assert len(mailbox.messages) == 3


def test_a_bad_reply_to_all_writes_nothing(workspace, agent, feedback, issue, client_of_agent):
    link_conversation_to_issue(issue, feedback["ana_bug_1"], teammate=agent)
    for body in ("", "   ", "x" * 10_001, "Hi {{contact.nonsense.deep}}", "Hi {{shoe.size}}"):
        response = client_of_agent.post(f"/w/acme/insights/issues/{issue.pk}/ship/", {"body": body})
        assert 400 <= response.status_code < 500, body
    issue.refresh_from_db()
    assert issue.state == "open" and not ShippedNotice.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="product_issue.s").exists()
    empty = create_product_issue(workspace, title="Nobody asked")
    assert (
        client_of_agent.post(f"/w/acme/insights/issues/{empty.pk}/ship/", {"body": "Hi"}).status_code == 409
    )
