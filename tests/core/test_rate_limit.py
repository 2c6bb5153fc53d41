"""A rate limit allows so many attempts per key in each window, then refuses until the window ends."""

from datetime import UTC, datetime, timedelta

import pytest

from concierge.core.errors import TooManyAttempts
from concierge.core.models import FailedAttempts
from concierge.core.throttling import RateLimit

pytestmark = pytest.mark.django_db

LIMIT = RateLimit(scope="test:address", message="{limit} an hour; wait {wait}.", per=timedelta(hours=1))


def test_the_attempts_of_a_window_are_counted_and_the_next_window_starts_afresh(clock):
    clock.at = datetime(2027, 3, 8, 10, 15, tzinfo=UTC)
    for _ in range(3):
        LIMIT.take("203.0.113.7", limit=3)
    with pytest.raises(TooManyAttempts) as refused:
        LIMIT.take("203.0.113.7", limit=3)
    assert refused.value.message == "3 an hour; wait 45 minutes."
    assert refused.value.retry_after == 45 * 60
    assert refused.value.status_code == 429
    # A refused attempt is not counted, and another key has its own count.
    assert FailedAttempts.objects.get(scope="test:address").failures == 3
    LIMIT.take("198.51.100.1", limit=3)

    clock.at = datetime(2027, 3, 8, 11, 0, tzinfo=UTC)
    LIMIT.take("203.0.113.7", limit=3)


def test_the_count_is_kept_under_a_digest_never_the_key_itself(clock):
    LIMIT.take("203.0.113.7", limit=5)
    stored = FailedAttempts.objects.get(scope="test:address")
    assert "203.0.113.7" not in stored.key and len(stored.key) == 64
