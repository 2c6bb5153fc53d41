"""Guessing the messenger's user hash is slowed down, then locked per user id and per client address."""

from django.test import Client

from concierge.contacts.auth import user_hash_for


def as_user(workspace, user_id: str, user_hash: str, address: str = "203.0.113.7"):
    return Client().get(
        "/api/v1/messenger/conversations",
        headers={"X-Workspace": workspace.slug, "X-User-Id": user_id, "X-User-Hash": user_hash},
        REMOTE_ADDR=address,
    )


def test_wrong_hashes_for_one_user_wait_then_lock_that_user(workspace, contact, clock):
    right = user_hash_for(workspace, contact.external_id)
    for _ in range(6):
        assert as_user(workspace, contact.external_id, "0" * 64).status_code == 401
    waiting = as_user(workspace, contact.external_id, "0" * 64)
    assert waiting.status_code == 429
    assert waiting.json()["detail"].startswith(
        "Too many wrong X-User-Hash values for this user. Wait 1 second"
    )

    for n in range(14):
        clock.advance(minutes=2)
        as_user(workspace, contact.external_id, "0" * 64, address=f"198.51.100.{n}")
    locked = as_user(workspace, contact.external_id, right, address="192.0.2.1")
    assert locked.status_code == 429
    assert "paused for 15 minutes after 20 wrong X-User-Hash values" in locked.json()["detail"]
    # Another user of the workspace is not affected.
    assert as_user(workspace, "someone-else", user_hash_for(workspace, "someone-else")).status_code == 200

    clock.advance(minutes=15)
    assert as_user(workspace, contact.external_id, right).status_code == 200


def test_one_address_guessing_many_users_is_locked_out(workspace, contact, clock):
    for n in range(50):
        as_user(workspace, f"user-{n}", "0" * 64)
        clock.advance(minutes=2)
    right = user_hash_for(workspace, contact.external_id)
    assert as_user(workspace, contact.external_id, right).status_code == 429
    assert as_user(workspace, contact.external_id, right, address="198.51.100.1").status_code == 200
