"""The messenger's own API: home, what the site says of the contact, tracked events, files, help."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.conversations import selectors, services
from concierge.events.models import Event
from concierge.helpcenter.services.writing import create_article
from concierge.messenger.models import Attachment
from concierge.routing.services.hours import set_office_hours
from tests.api_client import messenger_for_user, messenger_for_visitor
from tests.helpcenter.reading_setup import export_article

M = "/messenger"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client_api, conversation_id, name, content, body="", headers=None):
    """A multipart upload with the messenger's headers (the JSON client sends JSON only)."""
    client = Client()
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, content)}
    if body:
        data["body"] = body
    return client.post(
        f"/api/v1{M}/conversations/{conversation_id}/attachments",
        data,
        headers={**client_api.headers, **(headers or {})},
    )


def test_home_shows_the_team_and_the_latest_conversation(visitor, workspace, owner, agent):
    home = visitor.get(f"{M}/home").json()
    assert home["workspace_name"] == "Acme Support"
    assert [face["name"] for face in home["faces"]] == [owner.name, agent.name]
    assert home["open_now"] is True and home["back_at"] is None  # no office hours: always open
    assert home["latest_conversation"] is None and home["session"] is None
    started = visitor.post(f"{M}/conversations", {"body": "hello"}).json()
    assert visitor.get(f"{M}/home").json()["latest_conversation"]["id"] == started["id"]


def test_home_says_when_the_team_is_back_outside_office_hours(visitor, workspace):
    # Open one hour a week, on a day that is not today: closed now, back at that hour that day.
    today = timezone.now().astimezone(ZoneInfo("America/New_York")).weekday()
    set_office_hours(
        workspace, timezone_name="America/New_York", intervals=[((today + 3) % 7, "09:00", "10:00")]
    )
    home = visitor.get(f"{M}/home").json()
    assert home["open_now"] is False
    back = datetime.fromisoformat(home["back_at"]).astimezone(ZoneInfo("America/New_York"))
    assert (back.weekday(), back.hour, back.minute) == ((today + 3) % 7, 9, 0)


def test_a_session_offered_in_the_messenger_shows_on_home(visitor, workspace, agent):
    from concierge.meetings.services.session_types import create_booking_trigger, create_session_type

    session_type = create_session_type(workspace, name="Onboarding call", hosts=[agent])
    create_booking_trigger(session_type, place="setup page")
    assert visitor.get(f"{M}/home").json()["session"] is None
    trigger = create_booking_trigger(session_type, place="Messenger")
    session = visitor.get(f"{M}/home").json()["session"]
    assert session["name"] == "Onboarding call"
    assert session["url"].endswith(f"/book/{trigger.token}/")


def test_the_site_and_the_visitor_say_who_they_are(visitor, workspace):
    saved = visitor.patch(
        f"{M}/contact", {"name": "Ana", "email": "Ana@Example.com", "attributes": {"plan": "pro"}}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["email"] == "ana@example.com"
    visitor.patch(f"{M}/contact", {"attributes": {"seats": 3}})
    lead = Contact.objects.get(workspace=workspace, visitor_id="visitor-1")
    assert lead.kind == "lead" and lead.name == "Ana" and lead.attributes == {"plan": "pro", "seats": 3}


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not an address"},
        {"attributes": {"bad name!": 1}},
        {"attributes": "plan"},
        {"name": "x" * 191},
        {"name": "a\x00b"},
    ],
)
def test_bad_contact_details_are_refused_and_change_nothing(visitor, workspace, body):
    visitor.patch(f"{M}/contact", {"name": "Before"})
    answer = visitor.patch(f"{M}/contact", body)
    assert 400 <= answer.status_code < 500 and answer.json()["detail"]
    assert Contact.objects.get(workspace=workspace, visitor_id="visitor-1").name == "Before"


def test_track_writes_an_event_to_the_support_log(signed_in_customer, workspace, contact):
    answer = signed_in_customer.post(f"{M}/events", {"name": "invoice-downloaded", "data": {"invoice": 42}})
    assert answer.status_code == 201, answer.content
    event = Event.objects.get(workspace=workspace, type="contact.tracked")
    assert event.contact_id == contact.pk and event.data == {
        "name": "invoice-downloaded",
        "data": {"invoice": 42},
    }


def test_a_track_sent_again_with_its_idempotency_key_is_recorded_once(signed_in_customer, workspace):
    # The messenger retries a call that met a busy server under the same key.
    key = {"Idempotency-Key": "track-retry-1"}
    first = signed_in_customer.post(f"{M}/events", {"name": "export-failed"}, headers=key)
    again = signed_in_customer.post(f"{M}/events", {"name": "export-failed"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Event.objects.filter(workspace=workspace, type="contact.tracked").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "<script>"},
        {"name": "x" * 61},
        {"name": "ok", "data": {"big": "x" * 5000}},
        {"data": {}},
    ],
)
def test_a_bad_tracked_event_is_refused(signed_in_customer, workspace, body):
    answer = signed_in_customer.post(f"{M}/events", body)
    assert answer.status_code in (400, 422) and answer.json()["detail"]
    assert not Event.objects.filter(workspace=workspace, type="contact.tracked").exists()


def test_a_forged_user_hash_is_refused(workspace, contact):
    forged = messenger_for_user(workspace, contact.external_id)
    forged.headers["X-User-Hash"] = "0" * 64
    for call in (
        lambda: forged.get(f"{M}/home"),
        lambda: forged.patch(f"{M}/contact", {"name": "Mallory"}),
        lambda: forged.post(f"{M}/events", {"name": "x"}),
    ):
        answer = call()
        assert answer.status_code == 401 and "X-User-Hash" in answer.json()["detail"]
    contact.refresh_from_db()
    assert contact.name == "Casey Customer"


def test_a_file_is_kept_through_the_storage_and_shown_to_its_contact_only(visitor, workspace, agent):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "See the screenshot"}).json()["id"]
    sent = upload(visitor, conversation_id, "screen.png", PNG, body="Here")
    assert sent.status_code == 201, sent.content
    part = sent.json()
    assert part["author"] == "contact"
    [described] = part["attachments"]
    assert described["name"] == "screen.png" and described["content_type"] == "image/png"
    attachment = Attachment.objects.get(pk=described["id"])
    assert default_storage.exists(attachment.stored_name)
    seen = visitor.get(f"{M}/conversations/{conversation_id}").json()
    assert seen["parts"][-1]["attachments"] == [described]

    got = visitor.get(f"{M}/attachments/{described['id']}")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == PNG
    stranger = messenger_for_visitor(workspace, "visitor-2")
    assert stranger.get(f"{M}/attachments/{described['id']}").status_code == 404
    assert upload(stranger, conversation_id, "x.png", PNG).status_code == 404
    # The team sees the message that names it in the inbox.
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    assert "screen.png" in conversation.last_part_preview


def test_a_script_in_a_file_name_is_inert(visitor):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hi"}).json()["id"]
    sent = upload(visitor, conversation_id, "<img src=x onerror=alert(1)>.txt", b"plain text")
    assert sent.status_code == 201, sent.content
    part = sent.json()
    assert "<img" not in part["html"] and "onerror=alert(1)&gt;" in part["html"]
    got = visitor.get(f"{M}/attachments/{part['attachments'][0]['id']}")
    assert got["Content-Disposition"].startswith("attachment")
    assert got["Content-Type"].startswith("text/plain")


def test_a_script_in_a_message_is_inert(visitor):
    started = visitor.post(
        f"{M}/conversations", {"body": "hi <script>alert(1)</script><img src=x onerror=alert(2)>"}
    )
    html = started.json()["parts"][0]["html"]
    assert "<script" not in html and "onerror" not in html


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "cannot be sent"),
        ("logo.svg", b"<svg onload=alert(1)/>", "cannot be sent"),
        ("run.exe", b"MZ....", "cannot be sent"),
        ("noext", b"data", "cannot be sent"),
        ("fake.png", b"<script>alert(1)</script>", "is not the image"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_a_disallowed_file_is_refused_clearly_and_nothing_is_kept(visitor, workspace, name, content, says):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hi"}).json()["id"]
    answer = upload(visitor, conversation_id, name, content)
    assert answer.status_code in (400, 422), answer.content
    assert says in answer.json()["detail"]
    assert not Attachment.objects.exists()
    assert (
        len(selectors.parts_visible_to_contact(selectors.conversation_by_id(workspace, conversation_id))) == 1
    )


def test_an_oversized_file_is_refused_and_nothing_is_kept(visitor, workspace, settings):
    settings.MESSENGER_MAX_ATTACHMENT_BYTES = 1000
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hi"}).json()["id"]
    answer = upload(visitor, conversation_id, "big.pdf", b"%PDF" + b"x" * 2000)
    assert answer.status_code == 422
    assert "at most 1,000 bytes" in answer.json()["detail"]
    assert not Attachment.objects.exists()
    assert not default_storage.exists("messenger") or not any(default_storage.listdir("messenger")[0])


def test_an_upload_without_a_file_or_to_a_bad_id_is_a_4xx(visitor):
    client = Client()
    answer = client.post(f"/api/v1{M}/conversations/1/attachments", {}, headers=visitor.headers)
    assert 400 <= answer.status_code < 500
    assert upload(visitor, 999999, "a.txt", b"x").status_code == 404
    assert upload(visitor, "abc", "a.txt", b"x").status_code == 422
    assert visitor.get(f"{M}/attachments/abc").status_code == 422
    assert visitor.get(f"{M}/attachments/424242").status_code == 404


def test_another_contacts_conversation_is_not_found(
    visitor, workspace, contact, other_workspace, other_contact
):
    theirs = services.start_conversation(workspace, contact=contact, body="mine")
    assert upload(visitor, theirs.pk, "a.txt", b"x").status_code == 404
    elsewhere = services.start_conversation(other_workspace, contact=other_contact, body="globex")
    assert upload(visitor, elsewhere.pk, "a.txt", b"x").status_code == 404


def test_the_help_center_inside_the_messenger(visitor, workspace):
    assert visitor.get(f"{M}/home").json()["help_center"] is False
    assert visitor.get(f"{M}/help/search", q="export", lang="en").json()["articles"] == []
    export_article(workspace)
    create_article(
        workspace,
        slug="secret",
        locale="en",
        title="Export internals",
        body="x",
        visibility="internal",
        state="published",
    )
    assert visitor.get(f"{M}/home").json()["help_center"] is True
    found = visitor.get(f"{M}/help/search", q="export", lang="en").json()
    assert [a["slug"] for a in found["articles"]] == ["export-csv"]
    spanish = visitor.get(f"{M}/help/search", q="exportaciones", lang="es-MX").json()
    assert spanish["locale"] == "es" and [a["slug"] for a in spanish["articles"]] == ["export-csv"]
    article = visitor.get(f"{M}/help/articles/export-csv", lang="en").json()
    assert article["title"] == "Export your conversations to CSV" and "<h2" in article["body_html"]
    assert visitor.get(f"{M}/help/articles/secret", lang="en").status_code == 404
    assert [a["slug"] for a in visitor.get(f"{M}/help/popular", lang="en").json()] == ["export-csv"]
    types = set(Event.objects.filter(workspace=workspace).values_list("type", flat=True))
    assert {"article.searched", "article.viewed"} <= types


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "x" * 201}, {}, {"q": "a\x00b"}])
def test_a_bad_help_search_is_a_4xx(visitor, query):
    answer = visitor.get(f"{M}/help/search", **query)
    assert answer.status_code in (400, 422) and answer.json()["detail"]


def test_the_team_opens_the_file_from_the_message_that_names_it(visitor, workspace, owner, other_workspace):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hi"}).json()["id"]
    part = upload(visitor, conversation_id, "report.pdf", b"%PDF-1.4 report").json()
    file_id = part["attachments"][0]["id"]
    link = f"/w/acme/messenger/files/{file_id}/"
    assert f'href="{link}"' in part["html"]
    assert Client().get(link).status_code == 302  # signed out: to the sign-in page
    teammate = Client()
    teammate.force_login(owner.user)
    got = teammate.get(link)
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content) == b"%PDF-1.4 report"
    assert teammate.get("/w/acme/messenger/files/999999/").status_code == 404
    stranger = Client()
    stranger.force_login(other_workspace.teammates.get().user)
    assert stranger.get(link).status_code == 404
    assert stranger.get(f"/w/globex/messenger/files/{file_id}/").status_code == 404
