"""Bad input through the HTTP hook and the one parser: a clear outcome, nothing half-written, and the
message kept for a teammate to look at when it could not be placed."""

from pathlib import Path

import pytest
from django.test import Client

from concierge.conversations.models import Conversation
from concierge.mail.models import MailAttachment, MailMessage
from concierge.mail.services.inbound import receive_mail
from tests.mail import samples

INBOUND = "/api/v1/mail/inbound"


@pytest.fixture
def post_mail(workspace):
    from concierge.workspaces.services import create_api_key

    _, key = create_api_key(workspace, name="relay")
    client = Client()

    def post(raw: bytes, *, key_=None):
        return client.post(
            INBOUND, raw, content_type="message/rfc822", headers={"Authorization": f"Bearer {key_ or key}"}
        )

    return post


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_hook_places_a_message_and_answers_202_with_its_conversation(support, post_mail):
    response = post_mail(samples.gmail_first())
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["outcome"] == "placed" and body["duplicate"] is False
    assert Conversation.objects.get(pk=body["conversation"]).channel == "email"
    again = post_mail(samples.gmail_first())  # a relay's retry: the same Message-ID
    assert again.status_code == 202 and again.json() == {**body, "duplicate": True}
    assert Conversation.objects.count() == 1


def test_the_hook_needs_the_workspace_api_key(support, post_mail):
    response = post_mail(samples.gmail_first(), key_="ck_wrong")
    assert response.status_code == 401
    assert not MailMessage.objects.exists()


def test_a_message_for_another_workspaces_address_is_not_placed_there(support, other_workspace):
    from concierge.workspaces.services import create_api_key

    _, key = create_api_key(other_workspace, name="relay")
    response = Client().post(
        INBOUND,
        samples.gmail_first(),
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 404
    assert "No mailbox has the address" in response.json()["detail"]
    kept = MailMessage.objects.get(pk=response.json()["kept_as"])
    assert kept.workspace == other_workspace and kept.outcome == "unplaced"
    assert not Conversation.objects.exists()


def test_a_malformed_message_is_refused_with_why_and_kept(support, post_mail):
    response = post_mail(b"To: support@acme.test\r\nSubject: no sender\r\n\r\nHello")
    assert response.status_code == 422
    assert response.json()["detail"] == "The message has no From header."
    kept = MailMessage.objects.get(pk=response.json()["kept_as"])
    assert kept.outcome == "unplaced" and kept.reason
    assert not Conversation.objects.exists()


def test_a_header_name_with_crlf_injection_is_refused_and_kept(support):
    raw = (
        b"From: casey@gmail.test\r\nTo: support@acme.test\r\nX-Evil\rBcc: victim@example.test: 1\r\n"
        b"Subject: hi\r\n\r\nHello"
    )
    kept = receive_mail(raw, via="http", recipients=["support@acme.test"]).message
    assert kept.outcome == "unplaced"
    assert "carriage return" in kept.reason
    spaced = b"From: casey@gmail.test\r\nTo: support@acme.test\r\nBad Name: x\r\nSubject: hi\r\n\r\nHello"
    kept = receive_mail(spaced, via="http", recipients=["support@acme.test"]).message
    assert kept.outcome == "unplaced" and "Bad Name" in kept.reason
    assert not Conversation.objects.exists()


def test_an_empty_body_is_a_422(support, post_mail):
    response = post_mail(b"")
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_a_30_mb_attachment_is_refused_with_413_and_nothing_is_written(support, post_mail, settings):
    response = post_mail(samples.with_attachment(size=30 * 1024 * 1024))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert not MailMessage.objects.exists()
    assert stored_files(settings) == []


def test_an_attachment_over_its_own_limit_or_of_a_refused_type_is_left_out_and_said(support, settings):
    settings.MAIL_MAX_ATTACHMENT_BYTES = 1000
    big = receive_mail(samples.with_attachment(size=5000), via="http").message
    assert big.outcome == "placed" and not MailAttachment.objects.exists()
    assert "over the 1000-byte limit" in big.part.body
    exe = receive_mail(
        samples.with_attachment(size=10, filename="setup.exe", message_id="exe@x.test"), via="http"
    )
    assert "not accepted" in exe.message.part.body


def test_html_with_scripts_is_sanitised_everywhere_it_shows(support):
    raw = (
        samples.plain(body="x")
        .replace(b"text/plain", b"text/html")
        .replace(
            b"\r\n\r\nx",
            b'\r\n\r\n<p onclick="steal()">Hi<script>alert(1)</script><a href="javascript:x()">link</a></p>',
        )
    )
    message = receive_mail(raw, via="http").message
    assert message.outcome == "placed"
    for shown in (message.html, message.part.body):
        assert "<script" not in shown and "onclick" not in shown and "javascript:" not in shown
    assert "Hi" in message.part.body


def test_a_failure_while_placing_leaves_no_rows_and_no_files(support, settings, monkeypatch):
    from concierge.mail.services import inbound

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(inbound, "start_conversation", broken)
    with pytest.raises(RuntimeError):
        receive_mail(samples.gmail_first(), via="http")
    assert not MailMessage.objects.exists() and not Conversation.objects.exists()
    assert stored_files(settings) == []


def test_auto_replies_and_bounces_are_recorded_but_never_start_or_reopen(support):
    for n, header in enumerate(["Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: bulk"]):
        message = receive_mail(
            samples.plain(message_id=f"auto-{n}@x.test", extra_headers=header + "\n"), via="http"
        ).message
        assert message.outcome == "auto_reply"
    bounce = samples.plain(sender="MAILER-DAEMON@mx.test", message_id="b@x.test").replace(
        b"text/plain; charset=utf-8", b'multipart/report; report-type=delivery-status; boundary="r"'
    )
    assert receive_mail(bounce, via="http").message.outcome == "bounce"
    assert not Conversation.objects.exists()
