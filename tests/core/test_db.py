"""core.db's transaction settings: a transaction of live signals commits without waiting for the
disk on PostgreSQL, never a caller's transaction that holds real changes."""

import pytest
from django.db import connection, transaction

from concierge.core.db import commit_without_waiting_for_the_disk, is_postgresql


def synchronous_commit() -> str | None:
    if not is_postgresql():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # real transactions, not savepoints in the test's own
def test_a_transaction_of_its_own_commits_without_waiting_for_the_disk():
    before = synchronous_commit()
    with transaction.atomic():
        commit_without_waiting_for_the_disk()
        inside = synchronous_commit()
    assert synchronous_commit() == before  # SET LOCAL: only that transaction
    if is_postgresql():
        assert (before, inside) == ("on", "off")


@pytest.mark.django_db(transaction=True)
def test_a_callers_transaction_keeps_waiting_for_the_disk():
    with transaction.atomic(), transaction.atomic():
        commit_without_waiting_for_the_disk()  # nested: the caller's rows must reach the disk
        nested = synchronous_commit()
    if is_postgresql():
        assert nested == "on"
