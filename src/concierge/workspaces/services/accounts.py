"""Writes for a person's own account (the user behind their teammates): a new password, and ending
their sessions on other devices.

An account is not a workspace's configuration, so these write no audit entry: a password is a secret
the trail never keeps, and a session is not set-up. A teammate's profile in a workspace (name,
initials, zone, language) is changed with `update_teammate`, which the trail records."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from concierge.core.errors import InvalidInput

# The key Django's sessions keep the signed-in user's id under (django.contrib.auth.SESSION_KEY).
SIGNED_IN_USER_KEY = "_auth_user_id"


def set_account_password(user, new_password: str) -> None:
    """Give the account a new password (checked against the password rules, never recorded). Django
    ties every session to the password, so this also ends the account's sessions everywhere; a page
    that keeps its own session open calls `update_session_auth_hash` after it."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])


def end_other_sessions(user, *, keep_session_key: str | None) -> int:
    """Sign the account out of every session but `keep_session_key` (the one asking): every browser
    and device it is signed in on must sign in again. Returns how many sessions ended.

    Sessions are stored rows that name their user only inside their signed data, so each unexpired
    one is read; an install holds a few per teammate, and this runs when a person asks."""
    user_id = str(user.pk)
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if session.session_key == keep_session_key:
            continue
        # A session whose data cannot be read decodes as empty: it belongs to no one.
        if str(session.get_decoded().get(SIGNED_IN_USER_KEY)) == user_id:
            ended.append(session.session_key)
    if ended:
        with transaction.atomic():
            Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
