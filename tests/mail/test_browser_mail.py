"""In a real Chromium: an owner adds a mailbox from the settings, mail arrives through the listener,
the inbox shows it with a link to the whole email, whose inline image loads from Concierge (the
Content-Security-Policy allows only its own images); every email page read at desktop and phone
widths without scrolling sideways."""

import smtplib

import pytest

from concierge.mail.listener import start_listener
from concierge.mail.models import Mailbox, MailMessage
from tests.conftest import PASSWORD
from tests.mail import samples
from tests.mail.test_listener import free_port


def sign_in(page, base_url: str) -> None:
    page.goto(base_url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/w/acme/inbox/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_mailbox_added_in_the_settings_receives_mail_shown_whole(page, live_server, workspace, owner):
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/w/acme/settings/mailboxes/")
    page.get_by_label("Support address").fill("support@acme.test")
    page.get_by_label("Replies are sent as").fill("Acme Support")
    page.get_by_role("button", name="Add mailbox").click()
    page.get_by_text("Mailbox support@acme.test added.").wait_for()
    assert Mailbox.objects.filter(workspace=workspace, address="support@acme.test").exists()

    port = free_port()
    controller = start_listener("127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail(
                "casey@gmail.test", ["support@acme.test"], samples.apple_mail_reply(quoted_marker="x")
            )
    finally:
        controller.stop()
    message = MailMessage.objects.get()

    page.goto(f"{base}/w/acme/inbox/{message.conversation_id}/")
    page.get_by_text("Here is the screenshot of the schedule screen.").first.wait_for()
    thumbnail = page.locator(".message-attachments img")
    thumbnail.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    page.get_by_role("link", name="Whole email").click()
    page.wait_for_url(f"{base}/w/acme/mail/{message.pk}/")
    inline = page.locator(".mail-html img")
    assert inline.count() == 1  # the remote tracking image was removed, the inline one kept
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", inline.element_handle())

    for width, height in ((1400, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in ("mail/", f"mail/{message.pk}/", "mail/new/", "settings/mailboxes/"):
            page.goto(f"{base}/w/acme/{path}")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, width)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reply_with_a_cc_and_a_file_from_the_composer_goes_out_copied_with_its_attachment(
    page, live_server, workspace, owner, support, mailbox, run_tasks
):
    from concierge.mail.services.inbound import receive_mail

    conversation = receive_mail(samples.gmail_first(), via="http").message.conversation
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/w/acme/inbox/{conversation.pk}/")
    page.get_by_label("Your message").fill("Here is the report.")
    page.get_by_label("Cc").fill("dana@corp.test")
    page.get_by_label("Files", exact=True).set_input_files(
        files=[{"name": "report.txt", "mimeType": "text/plain", "buffer": b"the report"}]
    )
    page.get_by_role("button", name="Send reply").click()  # htmx posts the form as multipart
    page.locator("#timeline").get_by_text("report.txt").wait_for()
    run_tasks()
    (email,) = mailbox.to("casey@gmail.test")
    assert [a.addr_spec for a in email["Cc"].addresses] == ["dana@corp.test"]
    assert [(a.get_filename(), a.get_content()) for a in email.iter_attachments()] == [
        ("report.txt", "the report")
    ]
