"""Invitations, with a real SMTP server on loopback: the email carries a link that works once, for
seven days, until a resend replaces it or the invitation is cancelled; an invited person shows as
invited until they accept; bad input is refused and writes nothing."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from concierge.workspaces.models import AuditEntry, Invite, Teammate
from concierge.workspaces.services import (
    INVITE_VALID_FOR,
    Actor,
    accept_invite,
    add_teammate,
    cancel_invite,
    invite_teammate,
    resend_invite,
    update_teammate,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "tidy-lantern-orchard-42"


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(r"https?://\S+/invite/[\w-]+/", text)
    return link


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_the_invitation_email_has_a_link_that_lets_them_join_once(workspace, owner, mailbox, settings):
    settings.PUBLIC_URL = "https://support.acme.test"
    invite, token = invite_teammate(
        workspace, email=" Nia@Acme.test ", name="Nia", role="admin", actor=Actor.for_teammate(owner)
    )
    assert invite.email == "nia@acme.test" and invite.sent_at is not None and invite.send_error == ""
    [message] = mailbox.to("nia@acme.test")
    assert message["Subject"] == "Olivia Owner invited you to Acme Support on Concierge"
    link = link_in(message)
    assert link == f"https://support.acme.test/invite/{token}/"
    assert "as admin" in message.get_body(preferencelist=("plain",)).get_content()
    assert token not in str(Invite.objects.values().get()) and token not in str(
        list(AuditEntry.objects.values())
    )

    teammate = accept_invite(token, name="Nia Newcomer", password=NEW_PASSWORD)
    assert (teammate.name, teammate.role, teammate.timezone) == ("Nia Newcomer", "admin", "America/New_York")
    assert teammate.user.check_password(NEW_PASSWORD)
    invite.refresh_from_db()
    assert invite.accepted_at is not None and invite.teammate == teammate
    with pytest.raises(NotFound, match="no longer valid"):
        accept_invite(token, name="Someone else", password=NEW_PASSWORD)
    assert Teammate.objects.filter(workspace=workspace).count() == 2


def test_the_acceptance_page_sets_the_password_and_signs_them_in(client, workspace, owner, mailbox):
    _, token = invite_teammate(workspace, email="nia@acme.test", actor=Actor.for_teammate(owner))
    url = reverse("web:accept_invite", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Join Acme Support" in page.content.decode()
    assert page["Cache-Control"] == "no-store"

    weak = client.post(url, {"name": "Nia", "password": "12345678"})
    assert weak.status_code == 422
    assert not Teammate.objects.filter(user__username="nia@acme.test").exists()

    joined = client.post(url, {"name": "Nia", "password": NEW_PASSWORD})
    assert joined.status_code == 302 and joined["Location"] == "/w/acme/inbox/"
    assert client.get("/w/acme/inbox/").status_code == 200  # signed in
    gone = client.get(url)
    assert gone.status_code == 404 and "This link no longer works" in gone.content.decode()


def test_a_resend_replaces_the_link_and_a_cancel_ends_it(workspace, owner, mailbox):
    by_owner = Actor.for_teammate(owner)
    invite, first = invite_teammate(workspace, email="nia@acme.test", actor=by_owner)
    _, second = resend_invite(invite, actor=by_owner)
    assert [token_of(link_in(m)) for m in mailbox.to("nia@acme.test")] == [first, second]
    with pytest.raises(NotFound):
        accept_invite(first, name="Nia", password=NEW_PASSWORD)
    cancel_invite(invite, actor=by_owner)
    with pytest.raises(NotFound):
        accept_invite(second, name="Nia", password=NEW_PASSWORD)
    with pytest.raises(Conflict, match="cancelled"):
        resend_invite(invite, actor=by_owner)
    actions = list(
        AuditEntry.objects.filter(action__startswith="teammate.invite").values_list("action", flat=True)
    )
    assert sorted(actions) == ["teammate.invite_cancelled", "teammate.invite_resent", "teammate.invited"]
    assert not get_user_model().objects.filter(username="nia@acme.test").exists()


def test_a_link_expires_after_seven_days_and_the_address_can_be_invited_again(workspace, owner, mailbox):
    long_ago = timezone.now() - INVITE_VALID_FOR - timedelta(minutes=1)
    old, token = invite_teammate(
        workspace, email="nia@acme.test", actor=Actor.for_teammate(owner), at=long_ago
    )
    with pytest.raises(NotFound):
        accept_invite(token, name="Nia", password=NEW_PASSWORD)
    new, _ = invite_teammate(workspace, email="nia@acme.test", actor=Actor.for_teammate(owner))
    old.refresh_from_db()
    assert old.cancelled_at is not None and new.pk != old.pk


def test_bad_invitations_are_refused_and_write_nothing(workspace, owner, agent, mailbox):
    by_owner = Actor.for_teammate(owner)
    invite_teammate(workspace, email="nia@acme.test", actor=by_owner)
    before = (Invite.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput):
        invite_teammate(workspace, email="not an address", actor=by_owner)
    with pytest.raises(InvalidInput):
        invite_teammate(workspace, email="x@acme.test", role="boss", actor=by_owner)
    with pytest.raises(Conflict, match="already a teammate"):
        invite_teammate(workspace, email="agent@acme.test", actor=by_owner)
    with pytest.raises(Conflict, match="already invited"):
        invite_teammate(workspace, email="NIA@acme.test", actor=by_owner)
    with pytest.raises(PermissionDenied):
        invite_teammate(workspace, email="boss@acme.test", role="owner", actor=Actor.for_teammate(agent))
    assert (Invite.objects.count(), AuditEntry.objects.count()) == before
    assert len(mailbox.messages) == 1


def test_someone_with_an_account_joins_by_signing_in_and_keeps_their_password(
    client, workspace, other_workspace, owner, mailbox
):
    globex_owner = other_workspace.teammates.get()
    _, token = invite_teammate(workspace, email="owner@globex.test", actor=Actor.for_teammate(owner))
    with pytest.raises(PermissionDenied, match="sign in"):
        accept_invite(token, name="Gina", password="anything-else-123")
    url = reverse("web:accept_invite", args=[token])
    assert "Sign in as owner@globex.test" in client.get(url).content.decode()
    client.force_login(globex_owner.user)
    assert client.post(url, {"name": "Gina"}).status_code == 302
    globex_owner.user.refresh_from_db()
    assert globex_owner.user.check_password(PASSWORD)
    assert Teammate.objects.filter(workspace=workspace, user=globex_owner.user).exists()


def test_a_mail_server_that_refuses_leaves_the_reason_and_the_invitation(workspace, owner, mailbox, client):
    mailbox.refused["nia@acme.test"] = "550 5.1.1 No such user"
    invite, _ = invite_teammate(workspace, email="nia@acme.test", actor=Actor.for_teammate(owner))
    assert invite.sent_at is None and "No such user" in invite.send_error
    client.force_login(owner.user)
    page = client.get(reverse("web:settings_teammates", args=["acme"])).content.decode()
    assert "Email not sent" in page and "No such user" in page
    mailbox.refused.clear()
    resend_invite(invite, actor=Actor.for_teammate(owner))
    invite.refresh_from_db()
    assert invite.sent_at is not None and invite.send_error == ""


def test_an_invited_person_shows_as_invited_until_they_accept(client, workspace, owner, mailbox):
    _, token = invite_teammate(workspace, email="nia@acme.test", name="Nia", actor=Actor.for_teammate(owner))
    client.force_login(owner.user)
    url = reverse("web:settings_teammates", args=["acme"])
    page = client.get(url).content.decode()
    assert 'class="settings-row invite-row" data-email="nia@acme.test"' in page and ">invited<" in page
    accept_invite(token, name="Nia", password=NEW_PASSWORD)
    page = client.get(url).content.decode()
    assert "invite-row" not in page
    assert 'class="settings-row teammate-row" data-email="nia@acme.test"' in page


def test_adding_an_existing_teammate_by_invite_is_refused_when_deactivated_too(workspace, owner, mailbox):
    gone = add_teammate(workspace, email="gone@acme.test", name="Gone")
    update_teammate(gone, is_active=False)
    with pytest.raises(Conflict, match="reactivate them instead"):
        invite_teammate(workspace, email="gone@acme.test", actor=Actor.for_teammate(owner))
