"""Password guessing is slowed down and then locked, per account and per address, on the sign-in
page and the admin's; the right password does not get through a lock; a new password ends it."""

from django.contrib.auth import get_user_model
from django.test import Client

from concierge.core import throttling
from concierge.core.models import FailedAttempts
from tests.conftest import PASSWORD


def sign_in(client, email, password, *, address="203.0.113.7", path="/login/"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302


def error_of(response) -> str:
    return " ".join(str(error) for error in response.context["form"].non_field_errors())


def test_fifty_wrong_passwords_at_three_a_second_then_the_right_one_is_refused(client, owner, clock):
    answers = []
    for _ in range(50):
        answers.append(error_of(sign_in(client, "owner@acme.test", "wrong-password")))
        clock.advance(seconds=0.34)
    assert all("Please enter a correct" in answer for answer in answers[:4])  # three free, then waits
    assert "Too many failed sign-ins for this account. Wait 1 second and try again." in answers[4]
    assert sum("Please enter a correct" in answer for answer in answers) < 10  # most never checked
    refused = sign_in(client, "owner@acme.test", PASSWORD)
    assert not signed_in(refused)
    assert "Too many failed sign-ins" in error_of(refused) or "locked" in error_of(refused)


def test_waiting_out_the_growing_delays_ends_in_a_lock_that_says_how_to_get_out(client, owner, agent, clock):
    for _ in range(10):
        assert not signed_in(sign_in(client, "owner@acme.test", "wrong-password"))
        clock.advance(minutes=2)  # longer than any wait: every try is checked
    run = FailedAttempts.objects.get(scope="sign-in:account")
    assert (run.failures, run.locked) == (10, True)

    refused = sign_in(client, "owner@acme.test", PASSWORD)
    message = error_of(refused)
    assert "This account is locked for 58 minutes after 10 failed sign-ins in a row." in message
    assert "Resetting your password unlocks it at once" in message
    # Other accounts and other addresses' sign-ins to other accounts are not affected.
    assert signed_in(sign_in(Client(), "agent@acme.test", PASSWORD, address="198.51.100.1"))

    clock.advance(hours=1)  # the lock ran out; the next failure locks it again at once
    assert not signed_in(sign_in(client, "owner@acme.test", "wrong-password"))
    assert "locked" in error_of(sign_in(client, "owner@acme.test", PASSWORD))


def test_a_password_reset_unlocks_the_account_at_once(client, owner, clock):
    for _ in range(10):
        sign_in(client, "owner@acme.test", "wrong-password")
        clock.advance(minutes=2)
    assert "locked" in error_of(sign_in(client, "owner@acme.test", PASSWORD))

    user = owner.user
    user.set_password("a-brand-new-password")  # what any reset does: the owner, the admin, the command
    user.save()
    assert signed_in(sign_in(client, "owner@acme.test", "a-brand-new-password"))
    assert not FailedAttempts.objects.filter(scope="sign-in:account").exists()


def test_a_success_ends_the_accounts_run(client, owner, clock):
    for _ in range(3):
        sign_in(client, "owner@acme.test", "wrong-password")
    assert signed_in(sign_in(client, "owner@acme.test", PASSWORD))
    client.logout()
    for _ in range(3):  # three free tries again
        assert "Please enter a correct" in error_of(sign_in(client, "owner@acme.test", "wrong-password"))


def test_one_address_trying_many_accounts_is_locked_out_and_others_are_not(client, db, owner, clock):
    for n in range(30):
        sign_in(client, f"someone{n}@acme.test", "wrong-password")  # unknown accounts count as well
        clock.advance(minutes=2)
    refused = sign_in(client, "owner@acme.test", PASSWORD)
    assert "Sign-in from your network is paused for 58 minutes after 30 failed attempts." in error_of(refused)
    assert signed_in(sign_in(Client(), "owner@acme.test", PASSWORD, address="198.51.100.1"))


def test_the_client_address_is_read_from_the_trusted_proxy(client, owner, clock, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(30):
        client.post(
            "/login/",
            {"username": f"someone{n}@acme.test", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",  # a client's own claim, then the proxy's
        )
        clock.advance(minutes=2)
    from_proxy = Client().post(
        "/login/",
        {"username": "owner@acme.test", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert signed_in(from_proxy)  # another client behind the same proxy is not locked out
    assert "paused" in error_of(
        Client().post(
            "/login/",
            {"username": "owner@acme.test", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    )


def test_the_admins_sign_in_is_throttled_too(client, db, clock):
    get_user_model().objects.create_superuser("root@acme.test", "root@acme.test", PASSWORD)
    for _ in range(10):
        sign_in(client, "root@acme.test", "wrong-password", path="/admin/login/")
        clock.advance(minutes=2)
    refused = sign_in(client, "root@acme.test", PASSWORD, path="/admin/login/")
    assert refused.status_code == 200
    assert "This account is locked" in refused.content.decode()


def test_ipv6_addresses_count_by_their_64_block():
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert throttling.client_address(request) == "2001:db8:1:2::/64"
    assert throttling.client_address(RequestFactory().get("/", REMOTE_ADDR="::ffff:10.0.0.1")) == "10.0.0.1"
