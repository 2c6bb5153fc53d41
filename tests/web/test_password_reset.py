"""A forgotten password, reset by email through a real SMTP server on loopback: the link in the email
sets a new password once, within its time; the form never tells whether an address has an account;
a reset opens an account locked after failed sign-ins."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse

from concierge.core.models import FailedAttempts
from concierge.workspaces.services import add_teammate
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-password"
LINK = re.compile(r"(https?://\S+/password-reset/\S+/\S+/)")


@pytest.fixture
def public_url(settings):
    settings.PUBLIC_URL = "https://support.acme.test"
    return settings.PUBLIC_URL


def ask_for_reset(client, email, *, address="203.0.113.7"):
    return client.post(reverse("web:password_reset"), {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    (link,) = LINK.findall(body)
    return link


def path_of(link: str, public_url: str) -> str:
    assert link.startswith(public_url + "/")
    return link[len(public_url) :]


def set_new_password(client, path, password=NEW_PASSWORD):
    opened = client.get(path)
    assert opened.status_code == 302  # the token moves into the session, out of the address bar
    form_path = opened["Location"]
    assert form_path.endswith("/set-password/")
    return client.post(form_path, {"new_password1": password, "new_password2": password})


def main_of(response) -> str:
    """The page's content, without the per-client CSRF token of its frame."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def signs_in(email, password) -> bool:
    response = Client().post(reverse("web:login"), {"username": email, "password": password})
    return response.status_code == 302


def test_the_sign_in_page_offers_a_reset(client, db):
    page = client.get(reverse("web:login")).content.decode()
    assert f'href="{reverse("web:password_reset")}"' in page and "Forgot your password?" in page


def test_a_teammate_resets_their_password_from_the_emailed_link(client, owner, mailbox, public_url):
    response = ask_for_reset(client, "Owner@Acme.test")
    assert response.status_code == 302 and response["Location"] == reverse("web:password_reset_sent")

    [message] = mailbox.to("owner@acme.test")
    assert message["Subject"] == "Reset your Concierge password"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "The link works once, for 1 hour." in body
    done = set_new_password(client, path_of(link_in(message), public_url))
    assert done.status_code == 302 and done["Location"] == reverse("web:password_reset_complete")
    assert "Your password is changed" in client.get(done["Location"]).content.decode()

    assert signs_in("owner@acme.test", NEW_PASSWORD)
    assert not signs_in("owner@acme.test", PASSWORD)


def test_the_link_names_the_sites_own_address_whatever_host_the_request_named(
    client, owner, mailbox, public_url, settings
):
    settings.ALLOWED_HOSTS = ["*"]
    client.post(reverse("web:password_reset"), {"email": "owner@acme.test"}, HTTP_HOST="evil.example")
    [message] = mailbox.to("owner@acme.test")
    assert link_in(message).startswith("https://support.acme.test/password-reset/")
    assert "evil.example" not in message.as_string()


def test_the_answer_never_tells_whether_an_address_has_an_account(client, owner, mailbox):
    known = ask_for_reset(client, "owner@acme.test")
    unknown = ask_for_reset(Client(), "nobody@acme.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert main_of(Client().get(known["Location"])) == main_of(Client().get(unknown["Location"]))
    assert mailbox.to("nobody@acme.test") == []
    assert len(mailbox.to("owner@acme.test")) == 1


def test_a_link_works_once(client, owner, mailbox, public_url):
    ask_for_reset(client, "owner@acme.test")
    path = path_of(link_in(mailbox.to("owner@acme.test")[0]), public_url)
    set_new_password(client, path)

    again = Client().get(path)
    assert again.status_code == 200
    page = again.content.decode()
    assert "This link does not work" in page and "used already, has expired" in page
    assert 'name="new_password1"' not in page
    assert signs_in("owner@acme.test", NEW_PASSWORD)


def test_an_expired_link_does_not_work(client, owner, mailbox, public_url, monkeypatch, settings):
    ask_for_reset(client, "owner@acme.test")
    path = path_of(link_in(mailbox.to("owner@acme.test")[0]), public_url)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    page = client.get(path)
    assert page.status_code == 200 and "This link does not work" in page.content.decode()
    assert client.post(path.rsplit("/", 2)[0] + "/set-password/", {}).status_code == 200
    assert signs_in("owner@acme.test", PASSWORD)


def test_another_accounts_token_does_not_reset_this_account(client, owner, agent, mailbox, public_url):
    ask_for_reset(client, "agent@acme.test")
    agent_path = path_of(link_in(mailbox.to("agent@acme.test")[0]), public_url)
    _, _, agent_uid, agent_token, _ = agent_path.split("/")
    owner_uid = _uid_of(owner.user)

    swapped = client.get(f"/password-reset/{owner_uid}/{agent_token}/")
    assert swapped.status_code == 200 and "This link does not work" in swapped.content.decode()
    form = client.post(
        f"/password-reset/{owner_uid}/set-password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert form.status_code == 200 and "This link does not work" in form.content.decode()
    assert signs_in("owner@acme.test", PASSWORD) and signs_in("agent@acme.test", PASSWORD)
    assert agent_uid != owner_uid


def _uid_of(user) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk))


def test_a_new_password_that_breaks_the_rules_is_refused_and_the_link_still_works(
    client, owner, mailbox, public_url
):
    ask_for_reset(client, "owner@acme.test")
    path = path_of(link_in(mailbox.to("owner@acme.test")[0]), public_url)
    form_path = client.get(path)["Location"]
    short = client.post(form_path, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 422 and "too short" in short.content.decode()
    different = client.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert different.status_code == 422 and "didn’t match" in different.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)  # signing in would void the link: it names the last sign-in
    assert (
        client.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_reset_opens_an_account_locked_after_failed_sign_ins(client, owner, mailbox, public_url, clock):
    for _ in range(10):
        Client().post(
            reverse("web:login"),
            {"username": "owner@acme.test", "password": "wrong"},
            REMOTE_ADDR="198.51.100.4",
        )
        clock.advance(minutes=2)
    locked = Client().post(reverse("web:login"), {"username": "owner@acme.test", "password": PASSWORD})
    assert "locked" in locked.content.decode() and "Forgot your password?" in locked.content.decode()

    ask_for_reset(client, "owner@acme.test")
    set_new_password(client, path_of(link_in(mailbox.to("owner@acme.test")[0]), public_url))
    assert not FailedAttempts.objects.filter(scope="sign-in:account").exists()
    assert signs_in("owner@acme.test", NEW_PASSWORD)


def test_a_reset_signs_the_account_out_everywhere(client, owner, mailbox, public_url):
    elsewhere = Client()
    assert elsewhere.login(username="owner@acme.test", password=PASSWORD)
    assert elsewhere.get(reverse("web:inbox", args=["acme"])).status_code == 200

    ask_for_reset(client, "owner@acme.test")
    set_new_password(client, path_of(link_in(mailbox.to("owner@acme.test")[0]), public_url))
    assert elsewhere.get(reverse("web:inbox", args=["acme"])).status_code == 302


def test_a_teammate_added_without_a_password_sets_their_first_one(client, workspace, mailbox, public_url):
    add_teammate(workspace, email="new@acme.test", name="Nina New")
    assert not get_user_model().objects.get(username="new@acme.test").has_usable_password()
    ask_for_reset(client, "new@acme.test")
    set_new_password(client, path_of(link_in(mailbox.to("new@acme.test")[0]), public_url))
    assert signs_in("new@acme.test", NEW_PASSWORD)


def test_a_deactivated_account_gets_no_link(client, owner, mailbox):
    user = owner.user
    user.is_active = False
    user.save()
    assert ask_for_reset(client, "owner@acme.test").status_code == 302
    assert mailbox.to("owner@acme.test") == []


def test_asking_again_and_again_is_limited_per_address_typed_known_or_not(client, owner, mailbox):
    for _ in range(3):
        assert ask_for_reset(client, "owner@acme.test").status_code == 302
        assert ask_for_reset(client, "nobody@acme.test").status_code == 302
    for email in ("owner@acme.test", "nobody@acme.test"):
        refused = ask_for_reset(client, email)
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert "Too many password reset emails were asked for. Wait" in refused.content.decode()
    assert len(mailbox.to("owner@acme.test")) == 3


def test_one_client_asking_for_many_addresses_is_limited(client, db, mailbox):
    answers = [ask_for_reset(client, f"someone{n}@acme.test").status_code for n in range(21)]
    assert answers[:20] == [302] * 20 and answers[20] == 429
    assert ask_for_reset(Client(), "someone99@acme.test", address="198.51.100.9").status_code == 302


@pytest.mark.parametrize("email", ["", "not an address", "x" * 300 + "@acme.test"])
def test_a_bad_address_is_a_form_error(client, db, mailbox, email):
    response = ask_for_reset(client, email)
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert mailbox.messages == []


def test_a_mail_server_that_is_down_still_gets_the_same_answer(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = ask_for_reset(client, "owner@acme.test")
    assert response.status_code == 302 and response["Location"] == reverse("web:password_reset_sent")
