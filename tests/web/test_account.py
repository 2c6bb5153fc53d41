"""A person's own account, from the user menu of every workspace page: their profile in the workspace
(audited), their password (the current one first), and signing out everywhere else."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from concierge.workspaces.models import AuditEntry, Teammate, initials_of
from tests.audit_trail import entries_written, the_only_entry
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-password"
PROFILE = {"name": "Olivia Owner", "initials": "", "timezone": "America/New_York", "locale": "en"}


def signed_in_client(email="owner@acme.test", address="203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    assert client.login(username=email, password=PASSWORD)
    return client


def still_signed_in(client) -> bool:
    return client.get(reverse("web:inbox", args=["acme"])).status_code == 200


def url(name, slug="acme"):
    return reverse(f"web:{name}", args=[slug])


def test_every_workspace_page_has_a_user_menu_leading_to_the_account(owner):
    client = signed_in_client()
    page = client.get(url("inbox")).content.decode()
    assert 'class="user-menu"' in page and ">OO</span>" in page
    for anchor in ("#profile", "#password", "#sessions"):
        assert f'href="{url("account")}{anchor}"' in page
    account = client.get(url("account"))
    assert account.status_code == 200
    text = account.content.decode()
    assert "Your account" in text and "owner@acme.test" in text
    assert 'value="Olivia Owner"' in text and '<option value="America/New_York" selected>' in text


def test_a_teammate_changes_their_profile_and_the_trail_shows_they_did(workspace, owner):
    client = signed_in_client()
    form = {"name": "Olivia Bennett", "initials": "ob", "timezone": "Europe/Paris", "locale": "fr"}
    with entries_written(workspace) as written:
        response = client.post(url("account_profile"), form)
    assert response.status_code == 302 and response["Location"] == url("account")
    owner.refresh_from_db()
    assert (owner.name, owner.initials, owner.timezone, owner.locale) == (
        "Olivia Bennett",
        "OB",
        "Europe/Paris",
        "fr",
    )
    entry = the_only_entry(written)
    assert (entry.action, entry.actor_kind, entry.actor_label, entry.actor_teammate_id) == (
        "teammate.updated",
        "teammate",
        "Olivia Owner",
        owner.pk,
    )
    assert entry.changes == {
        "name": ["Olivia Owner", "Olivia Bennett"],
        "initials": ["", "OB"],
        "timezone": ["America/New_York", "Europe/Paris"],
        "locale": ["en", "fr"],
    }
    page = client.get(url("account")).content.decode()
    assert "Your profile is saved." in page and ">OB</span>" in page and "Paris" in page


def test_saving_the_same_profile_changes_nothing_and_records_nothing(workspace, owner):
    client = signed_in_client()
    with entries_written(workspace) as written:
        assert client.post(url("account_profile"), PROFILE).status_code == 302
    assert written == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name"),
        ("name", "   ", "Enter your name"),
        ("name", "x" * 121, "at most 120 characters"),
        ("initials", "ABCD", "Initials are at most three letters"),
        ("initials", "O.", "must be at most 3 letters or digits"),
        ("timezone", "Mars/Olympus", "“Mars/Olympus” is not a time zone Concierge knows."),
        ("timezone", "", "This field is required."),
        ("locale", "xx-YY", "“xx-YY” is not a language Concierge offers."),
        ("locale", "<script>", "is not a language Concierge offers"),
    ],
)
def test_a_bad_profile_is_refused_with_a_clear_message_and_nothing_changes(
    workspace, owner, field, value, message
):
    client = signed_in_client()
    with entries_written(workspace) as written:
        response = client.post(url("account_profile"), {**PROFILE, "name": "Changed", field: value})
    assert response.status_code == 422
    assert message in response.content.decode()
    owner.refresh_from_db()
    assert (owner.name, owner.initials, owner.timezone, owner.locale) == (
        "Olivia Owner",
        "",
        "America/New_York",
        "en",
    )
    assert written == []


def test_a_language_set_elsewhere_stays_offered_to_whoever_holds_it(workspace, owner):
    from concierge.workspaces.services import update_teammate

    update_teammate(owner, locale="pt-PT")
    page = signed_in_client().get(url("account")).content.decode()
    assert '<option value="pt-PT" selected>' in page


def test_initials_default_to_the_name():
    assert initials_of("Olivia Owner") == "OO"
    assert initials_of("Cher") == "C"
    assert initials_of("jean-luc de la Croix") == "JC"
    assert initials_of("  ") == "?"
    assert initials_of("Đorđe Balašević") == "ĐB"


def test_changing_the_password_needs_the_current_one(owner):
    client = signed_in_client()
    wrong = client.post(
        url("account_password"),
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "That is not your current password. Type it again." in wrong.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("short", "short", "too short"),
        ("password123", "password123", "too common"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "didn’t match"),
        ("", "", "This field is required."),
    ],
)
def test_a_new_password_that_breaks_the_rules_is_refused(owner, new1, new2, message):
    client = signed_in_client()
    response = client.post(
        url("account_password"), {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 422 and message in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


def test_a_new_password_keeps_this_session_and_ends_the_others(owner):
    here, elsewhere = signed_in_client(), signed_in_client()
    response = here.post(
        url("account_password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "Your password is changed." in here.get(url("account")).content.decode()
    assert still_signed_in(here)
    assert not still_signed_in(elsewhere)
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)


def test_guessing_the_current_password_is_throttled_like_signing_in(owner, clock):
    client = signed_in_client()
    wrong = {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(10):
        client.post(url("account_password"), wrong)
        clock.advance(minutes=2)
    refused = client.post(url("account_password"), {**wrong, "old_password": PASSWORD})
    assert refused.status_code == 429
    assert "This account is locked" in refused.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


def test_signing_out_everywhere_else_ends_every_other_session_of_the_account(owner, agent):
    here = signed_in_client()
    laptop = signed_in_client(address="198.51.100.1")
    phone = signed_in_client(address="198.51.100.2")
    colleague = signed_in_client("agent@acme.test")

    response = here.post(url("account_sessions"))
    assert response.status_code == 302 and response["Location"] == url("account")
    assert (
        "Signed out of 2 other sessions. This one stays signed in."
        in here.get(url("account")).content.decode()
    )
    assert still_signed_in(here)
    assert not still_signed_in(laptop) and not still_signed_in(phone)
    assert still_signed_in(colleague)  # another person's sessions are theirs

    again = here.post(url("account_sessions"), follow=True)
    assert "You were not signed in anywhere else." in again.content.decode()
    assert signed_in_client().get(url("account")).status_code == 200  # signing in again works


def test_account_changes_need_a_post(owner):
    client = signed_in_client()
    for name in ("account_profile", "account_password", "account_sessions"):
        assert client.get(url(name)).status_code == 405
    assert client.post(url("account")).status_code == 405


def test_the_account_pages_of_a_workspace_one_is_not_in_are_not_found(owner, other_workspace):
    client = signed_in_client()
    globex_owner = Teammate.objects.get(workspace=other_workspace)
    for name in ("account", "account_profile", "account_password", "account_sessions"):
        method = client.get if name == "account" else client.post
        response = method(url(name, "globex"), {**PROFILE, "name": "Taken over"})
        assert response.status_code == 404
        assert "Globex" not in response.content.decode()
    globex_owner.refresh_from_db()
    assert globex_owner.name != "Taken over"
    assert not AuditEntry.objects.filter(workspace=other_workspace, action="teammate.updated").exists()


def test_a_stranger_is_asked_to_sign_in(client, owner):
    for name in ("account", "account_profile", "account_password", "account_sessions"):
        response = client.get(url(name)) if name == "account" else client.post(url(name), PROFILE)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_the_profile_is_this_workspaces_and_the_password_the_accounts(owner, other_workspace):
    from concierge.workspaces.services import add_teammate

    add_teammate(other_workspace, email="owner@acme.test", name="Olivia at Globex")
    client = signed_in_client()
    client.post(url("account_profile"), {**PROFILE, "name": "Olivia B."})
    assert Teammate.objects.get(workspace=other_workspace, user=owner.user).name == "Olivia at Globex"
    client.post(
        url("account_password", "globex"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert get_user_model().objects.get(username="owner@acme.test").check_password(NEW_PASSWORD)
