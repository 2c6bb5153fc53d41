"""Cc: the addresses a customer copied become the thread's participants (contacts), a teammate's
reply goes To the customer and Cc the others, the inbox shows who was copied and the composer lets
a teammate change it. Files: a teammate attaches files to a reply in an email conversation, within
the limits, and they go out as MIME attachments. All through the real SMTP server on loopback."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from concierge.contacts.models import Contact
from concierge.conversations.models import Part
from concierge.conversations.services import reply_as_teammate
from concierge.mail.models import MailAttachment, MailMessage, MailThread
from concierge.mail.services.inbound import receive_mail
from tests.mail import samples

COPIED = "Dana Colleague <dana@corp.test>, bob@corp.test"


def casey_with_copies():
    """Casey writes to support, copying two colleagues (and support again, in the Cc)."""
    raw = samples.gmail_first().replace(
        b"To: support@acme.test\r\n", f"To: support@acme.test\r\nCc: {COPIED}, support@acme.test\r\n".encode()
    )
    return receive_mail(raw, via="http").message.conversation


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent.user)
    return client


def reply_url(conversation):
    return reverse("web:conversation-reply", args=[conversation.workspace.slug, conversation.pk])


def addresses(header) -> list[str]:
    return sorted(a.addr_spec for a in header.addresses) if header else []


def test_the_copied_addresses_become_participants_and_a_reply_copies_them(support, agent, mailbox, run_tasks):
    conversation = casey_with_copies()
    thread = MailThread.objects.get(conversation=conversation)
    assert (thread.customer_address, thread.cc_list) == (
        "casey@gmail.test",
        ["dana@corp.test", "bob@corp.test"],
    )
    dana = Contact.objects.get(workspace=conversation.workspace, email="dana@corp.test")
    assert dana.name == "Dana Colleague"
    assert Contact.objects.filter(workspace=conversation.workspace, email="bob@corp.test").exists()
    first = conversation.parts.order_by("id").first()
    assert first.data["cc"] == ["dana@corp.test", "bob@corp.test", "support@acme.test"]

    reply_as_teammate(conversation, agent, "Hello all")
    run_tasks()
    (email,) = mailbox.messages
    assert addresses(email["To"]) == ["casey@gmail.test"]
    assert addresses(email["Cc"]) == ["bob@corp.test", "dana@corp.test"]
    assert sorted(email["X-Envelope-To"].split(", ")) == [
        "bob@corp.test",
        "casey@gmail.test",
        "dana@corp.test",
    ]
    sent = MailMessage.objects.get(direction="out", conversation=conversation)
    assert sent.cc_addresses == "dana@corp.test, bob@corp.test"


def test_a_reply_all_from_a_participant_is_theirs_and_the_copies_follow_the_latest_message(
    support, agent, mailbox, run_tasks
):
    conversation = casey_with_copies()
    reply_as_teammate(conversation, agent, "Hello all")
    run_tasks()
    sent = MailMessage.objects.get(direction="out", conversation=conversation)
    raw = samples.gmail_reply(
        replying_to=sent.message_id,
        references=[sent.message_id],
        message_id="dana-answer@corp.test",
    ).replace(b"From: Casey Customer <casey@gmail.test>", b"From: Dana Colleague <dana@corp.test>")
    raw = raw.replace(
        b"To: Acme Support <support@acme.test>",
        b"To: Acme Support <support@acme.test>, casey@gmail.test\r\nCc: erin@corp.test",
    )
    received = receive_mail(raw, via="http")
    assert received.message.conversation_id == conversation.pk
    assert received.message.part.data["participant"]["address"] == "dana@corp.test"
    thread = MailThread.objects.get(conversation=conversation)
    assert thread.customer_address == "casey@gmail.test"
    assert thread.cc_list == ["dana@corp.test", "erin@corp.test"]  # bob was left out of the reply-all


def test_the_inbox_shows_who_is_copied_and_a_teammate_edits_the_cc_of_a_reply(
    support, agent, agent_client, mailbox, run_tasks
):
    conversation = casey_with_copies()
    page = agent_client.get(reverse("web:conversation", args=[conversation.workspace.slug, conversation.pk]))
    html = page.content.decode()
    assert 'name="cc" value="dana@corp.test, bob@corp.test"' in html
    assert "Cc: dana@corp.test, bob@corp.test, support@acme.test" in html
    assert 'enctype="multipart/form-data"' in html

    answer = agent_client.post(
        reply_url(conversation),
        {"body": "Only Dana and Erin, please", "cc": "dana@corp.test; Erin@Corp.test casey@gmail.test"},
    )
    assert answer.status_code == 302
    run_tasks()
    (email,) = mailbox.messages
    assert addresses(email["To"]) == ["casey@gmail.test"]
    assert addresses(email["Cc"]) == ["dana@corp.test", "erin@corp.test"]
    assert MailThread.objects.get(conversation=conversation).cc_list == ["dana@corp.test", "erin@corp.test"]
    part = Part.objects.filter(conversation=conversation, author_type="teammate").get()
    assert part.data["cc"] == ["dana@corp.test", "erin@corp.test"]

    # Emptied: the next reply copies no one.
    agent_client.post(reply_url(conversation), {"body": "Just you now", "cc": ""})
    run_tasks()
    assert mailbox.messages[-1]["Cc"] is None


@pytest.mark.parametrize(
    "cc, says",
    [
        ("dana@corp.test, not an address", "not a valid email address"),
        ("support@acme.test", "is a mailbox of Concierge"),
        ("dana@corp.test\r\nBcc: eve@evil.test", "control character"),
        (", ".join(f"p{n}@corp.test" for n in range(21)), "at most 20"),
    ],
)
def test_a_bad_cc_is_refused_and_nothing_is_written(support, agent, agent_client, cc, says):
    conversation = casey_with_copies()
    answer = agent_client.post(reply_url(conversation), {"body": "Hello", "cc": cc}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 422
    assert says in answer.content.decode()
    assert not Part.objects.filter(conversation=conversation, author_type="teammate").exists()
    assert not MailMessage.objects.filter(direction="out", conversation=conversation).exists()
    assert MailThread.objects.get(conversation=conversation).cc_list == ["dana@corp.test", "bob@corp.test"]


def test_files_attached_to_a_reply_go_out_as_mime_attachments(
    support, agent, agent_client, mailbox, run_tasks
):
    conversation = casey_with_copies()
    report = SimpleUploadedFile("C:\\Users\\me\\report.pdf", b"%PDF-1.4 the report", content_type="text/html")
    chart = SimpleUploadedFile(
        "chart.png", samples.PNG_BYTES if hasattr(samples, "PNG_BYTES") else b"\x89PNG\r\n\x1a\nchart"
    )
    answer = agent_client.post(
        reply_url(conversation), {"body": "Here you go", "attachments": [report, chart]}
    )
    assert answer.status_code == 302
    part = Part.objects.filter(conversation=conversation, author_type="teammate").get()
    assert [(a["name"], a["type"]) for a in part.data["attachments"]] == [
        (
            "report.pdf",
            "application/pdf",
        ),  # the name without its path; the type from the name, not the browser
        ("chart.png", "image/png"),
    ]
    run_tasks()
    (email,) = mailbox.messages
    files = {a.get_filename(): (a.get_content_type(), a.get_content()) for a in email.iter_attachments()}
    assert files["report.pdf"] == ("application/pdf", b"%PDF-1.4 the report")
    assert files["chart.png"][0] == "image/png"
    sent = MailMessage.objects.get(direction="out", conversation=conversation)
    assert set(MailAttachment.objects.filter(message=sent).values_list("filename", flat=True)) == {
        "report.pdf",
        "chart.png",
    }
    # The inbox shows the reply's files, served to the workspace's teammates.
    page = agent_client.get(reverse("web:conversation", args=[conversation.workspace.slug, conversation.pk]))
    served = reverse(
        "web:mail_attachment", args=[conversation.workspace.slug, part.data["attachments"][0]["id"]]
    )
    assert served in page.content.decode()
    assert agent_client.get(served).status_code == 200


def test_files_over_the_limits_or_of_a_refused_type_are_refused_and_nothing_is_written(
    support, agent, agent_client, settings
):
    conversation = casey_with_copies()
    settings.MAIL_MAX_ATTACHMENT_BYTES = 1000
    cases = [
        ([SimpleUploadedFile("tool.exe", b"MZ")], ".exe file cannot be sent"),
        ([SimpleUploadedFile("big.bin", b"x" * 600), SimpleUploadedFile("big2.bin", b"x" * 600)], "at most"),
        ([SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(11)], "At most 10 files"),
    ]
    for files, says in cases:
        answer = agent_client.post(
            reply_url(conversation), {"body": "Files", "attachments": files}, HTTP_HX_REQUEST="true"
        )
        assert answer.status_code == 422, says
        assert says in answer.content.decode()
    assert not Part.objects.filter(conversation=conversation, author_type="teammate").exists()
    assert not MailAttachment.objects.filter(message__isnull=True).exists()
    # A note carries no files.
    note_url = reverse("web:conversation-note", args=[conversation.workspace.slug, conversation.pk])
    answer = agent_client.post(
        note_url,
        {"body": "Internal", "attachments": [SimpleUploadedFile("a.txt", b"x")]},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 422
    assert not Part.objects.filter(conversation=conversation, kind="note").exists()


def test_other_channels_have_no_email_fields_in_the_composer(agent, agent_client, contact):
    from concierge.conversations.services import start_conversation

    conversation = start_conversation(contact.workspace, contact=contact, body="Hi", channel="messenger")
    page = agent_client.get(reverse("web:conversation", args=[conversation.workspace.slug, conversation.pk]))
    assert 'name="cc"' not in page.content.decode()
    agent_client.post(reply_url(conversation), {"body": "Hello", "cc": "x@y.test"})
    part = Part.objects.filter(conversation=conversation, author_type="teammate").get()
    assert "cc" not in part.data
