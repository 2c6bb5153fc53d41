"""Guessing API keys is slowed down, then locked per client address, with a 429 that says why and a
Retry-After; other addresses and the right key elsewhere are not affected."""

from django.test import Client

from concierge.core.models import FailedAttempts


def call(key: str, address: str = "203.0.113.7"):
    return Client().get(
        "/api/v1/conversations", headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=address
    )


def test_wrong_keys_wait_then_lock_the_address_even_for_the_right_key(api, workspace, clock):
    right_key = api.headers["Authorization"].removeprefix("Bearer ")
    for _ in range(10):
        assert call("ck_wrong").status_code == 401
    assert call("ck_wrong").status_code == 401  # the eleventh is checked, then waits begin
    waiting = call("ck_wrong")
    assert waiting.status_code == 429
    assert waiting.json()["detail"] == (
        "Too many requests with a wrong API key from this address. Wait 1 second and try again."
    )
    assert waiting["Retry-After"] == "1"

    for _ in range(40):
        clock.advance(minutes=2)
        call("ck_wrong")
    locked = call(right_key)
    assert locked.status_code == 429
    assert "refused for 58 minutes after 50 wrong API keys in a row" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 58 * 60
    assert call(right_key, address="198.51.100.1").status_code == 200

    clock.advance(hours=1)
    assert call(right_key).status_code == 200  # the lock ran out; the right key ends the run
    assert not FailedAttempts.objects.exists()


def test_a_request_without_a_key_is_not_a_guess(db, clock):
    for _ in range(20):
        assert Client().get("/api/v1/conversations", REMOTE_ADDR="203.0.113.7").status_code == 401
    assert not FailedAttempts.objects.exists()
