"""A proactive email goes out through the email channel, personalised, with its links through the
signed redirect, an open pixel and an unsubscribe link; opening and clicking are recorded once per
delivery in the log; a forged or altered link is refused and records nothing; an unsubscribed
contact gets no more proactive email."""

import re
from html import unescape

import pytest
from django.test import Client

from concierge.contacts.services import create_contact
from concierge.events.models import Event
from concierge.mail.models import MailMessage
from concierge.outbound import tracking
from concierge.outbound.models import Delivery, Unsubscription
from concierge.outbound.services import set_state

CASEY = "casey@customer.test"
GUIDE = "https://docs.acme.test/guide?step=1&lang=en"


@pytest.fixture(autouse=True)
def media_in_a_throwaway_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL = "http://support.acme.test"


@pytest.fixture
def support(workspace):
    from concierge.mail.services.mailboxes import create_mailbox

    return create_mailbox(workspace, address="support@acme.test", sender_name="Acme Support")


@pytest.fixture
def newsletter(workspace, make_message, owner):
    return make_message(
        "email",
        name="March news",
        sender=owner,
        versions=[
            {
                "locale": "en",
                "subject": "What's new for you, {{first_name|there}}",
                "body": f"Hi {{{{first_name|there}}}}, read [the guide]({GUIDE}) or write to "
                "[us](mailto:support@acme.test).",
            }
        ],
    )


def _sent_email(newsletter, mailbox, run_tasks, address=CASEY):
    set_state(newsletter, "live")
    run_tasks()
    (email,) = mailbox.to(address)
    return email


def _html(email) -> str:
    return email.get_body(preferencelist=("html",)).get_content()


def _links(email) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', _html(email))]


def _path(url: str) -> str:
    return url.removeprefix("http://support.acme.test")


def _pixel(email) -> str:
    return _path(unescape(re.search(r'<img src="([^"]+)"', _html(email)).group(1)))


def _events(type_: str):
    return list(Event.objects.filter(type=type_).order_by("id"))


def test_the_email_is_personalised_tracked_and_unsubscribable(
    workspace, contact, support, newsletter, mailbox, run_tasks
):
    email = _sent_email(newsletter, mailbox, run_tasks)
    assert email["Subject"] == "What's new for you, Casey"
    assert email["From"] == "Olivia Owner from Acme Support <support@acme.test>"
    unsubscribe = email["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://support.acme.test/o/acme/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = _links(email)
    assert links[0].startswith("http://support.acme.test/o/acme/click/")  # the guide, tracked
    assert "mailto:support@acme.test" in links  # not a web address: left alone
    assert unsubscribe in links
    assert GUIDE not in _html(email)
    assert "Hi Casey" in email.get_body(preferencelist=("plain",)).get_content()
    delivery = Delivery.objects.get(message=newsletter, contact=contact)
    assert (delivery.state, delivery.opened_at, delivery.clicked_at) == ("sent", None, None)
    assert MailMessage.objects.get(via="proactive").outcome == "sent"


def test_the_pixel_records_one_approximate_open_and_is_never_cached(
    workspace, contact, support, newsletter, mailbox, run_tasks
):
    pixel = _pixel(_sent_email(newsletter, mailbox, run_tasks))
    client = Client()
    response = client.get(pixel)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a") and len(response.content) < 60
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"
    assert client.get(pixel).status_code == 200  # opened again: nothing new
    (opened,) = _events("outbound.opened")
    assert (opened.message_ref, opened.contact_id, opened.data) == (
        newsletter.ref,
        contact.pk,
        {"approximate": True},
    )
    assert Delivery.objects.get(message=newsletter).opened_at is not None


def test_a_click_redirects_to_the_signed_address_once_recorded(
    workspace, contact, support, newsletter, mailbox, run_tasks
):
    link = _links(_sent_email(newsletter, mailbox, run_tasks))[0]
    client = Client()
    response = client.get(_path(link))
    assert response.status_code == 302 and response["Location"] == GUIDE
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(_path(link))["Location"] == GUIDE
    assert client.head(_path(link)).status_code == 302  # a link checker's HEAD: not a click
    (clicked,) = _events("outbound.clicked")
    assert (clicked.message_ref, clicked.data) == (newsletter.ref, {"url": GUIDE})
    (opened,) = _events("outbound.opened")  # a click on an email whose pixel was blocked opens it
    assert opened.data == {"approximate": True}
    delivery = Delivery.objects.get(message=newsletter)
    assert delivery.clicked_at == delivery.opened_at is not None


def _altered(token: str) -> str:
    index = len(token) // 2
    return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]


def test_a_forged_or_altered_link_is_refused_and_records_nothing(
    workspace, other_workspace, contact, support, newsletter, mailbox, run_tasks
):
    email = _sent_email(newsletter, mailbox, run_tasks)
    delivery = Delivery.objects.get(message=newsletter)
    click, pixel = _path(_links(email)[0]), _pixel(email)
    click_token = click.split("/")[-2]
    pixel_token = pixel.split("/")[-1].removesuffix(".gif")
    client = Client()
    refused = [
        click.replace(click_token, _altered(click_token)),
        pixel.replace(pixel_token, _altered(pixel_token)),
        click.replace("/acme/", "/globex/"),  # another workspace's address: its salt differs
        pixel.replace("/acme/", "/globex/"),
        click.replace("/acme/", "/nowhere/"),
        f"/o/acme/click/{pixel_token}/",  # a pixel's token is not a link's
        f"/o/acme/open/{click_token}.gif",
        # Signed with the right key for the wrong workspace, or for an address that is not the web's.
        f"/o/acme/click/{tracking.click_token(other_workspace.pk, delivery.pk, GUIDE)}/",
        f"/o/acme/click/{tracking.click_token(workspace.pk, delivery.pk, 'javascript:alert(1)')}/",
        f"/o/acme/click/{tracking.click_token(workspace.pk, delivery.pk + 1000, GUIDE)}/",
        "/o/acme/click/" + "x" * 4000 + "/",
    ]
    for path in refused:
        assert client.get(path).status_code == 404, path
    assert _events("outbound.opened") == [] and _events("outbound.clicked") == []
    assert Delivery.objects.get(pk=delivery.pk).opened_at is None


def test_another_workspaces_delivery_is_not_reached_with_its_own_signed_token(
    workspace, other_workspace, other_contact, make_message, mailbox, run_tasks
):
    from concierge.outbound.services import create_message

    theirs = create_message(
        other_workspace, content_type="email", versions=[{"locale": "en", "subject": "Hi", "body": "Hello"}]
    )
    set_state(theirs, "live")
    run_tasks()
    delivery = Delivery.objects.get(message=theirs)
    # Their token, presented at our address: refused (another workspace's delivery is not found).
    token = tracking.open_token(workspace.pk, delivery.pk)
    assert Client().get(f"/o/acme/open/{token}.gif").status_code == 404
    assert (
        Client().get(f"/o/globex/open/{tracking.open_token(other_workspace.pk, delivery.pk)}.gif").status_code
        == 200
    )


def test_unsubscribing_takes_a_post_and_then_no_more_proactive_email(
    workspace, contact, support, newsletter, make_message, mailbox, run_tasks
):
    email = _sent_email(newsletter, mailbox, run_tasks)
    page = _path(email["List-Unsubscribe"].strip().strip("<>"))
    client = Client(enforce_csrf_checks=True)
    shown = client.get(page)
    assert shown.status_code == 200 and b"Unsubscribe" in shown.content
    assert not Unsubscription.objects.exists()  # opening the page (a link scanner) changes nothing
    # One-click (RFC 8058): the mail client posts this, with no session and no CSRF token.
    done = client.post(page, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert Unsubscription.objects.filter(workspace=workspace, contact=contact).count() == 1
    assert client.post(page).status_code == 200  # twice: still once
    assert Unsubscription.objects.count() == 1
    assert client.post(page.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404

    mailbox.clear()
    later = make_message("email", versions=[{"locale": "en", "subject": "April", "body": "More news"}])
    set_state(later, "live")
    chat = make_message("chat")
    set_state(chat, "live")
    run_tasks()
    assert mailbox.to(CASEY) == []
    assert Delivery.objects.filter(message=later, state="sent").count() == 0
    assert MailMessage.objects.filter(via="proactive").count() == 1


def test_each_contact_gets_their_own_links(workspace, contact, support, newsletter, mailbox, run_tasks):
    create_contact(workspace, external_id="cust-2", email="dana@customer.test", name="Dana")
    set_state(newsletter, "live")
    run_tasks()
    (casey,), (dana,) = mailbox.to(CASEY), mailbox.to("dana@customer.test")
    assert "Hi Dana" in dana.get_body(preferencelist=("plain",)).get_content()
    assert Client().get(_pixel(dana)).status_code == 200
    (opened,) = _events("outbound.opened")
    assert opened.contact.email == "dana@customer.test"
    tracked = [{link for link in _links(email) if "/o/acme/" in link} for email in (casey, dana)]
    assert tracked[0].isdisjoint(tracked[1]) and len(tracked[0]) == 2
