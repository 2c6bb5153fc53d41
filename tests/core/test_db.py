"""core.db's transaction settings (a transaction of live signals commits without waiting for the
disk on PostgreSQL, never a caller's transaction that holds real changes; a block whose statements
are prepared when run again) and its insert that leaves out a row already there."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from concierge.core.db import (
    commit_without_waiting_for_the_disk,
    insert_unless_present,
    is_postgresql,
    select,
    statements_prepared_when_run_again,
)
from concierge.core.models import ReactionRun


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


def reaction_run(announcement_id: str) -> ReactionRun:
    return ReactionRun(announcement_id=announcement_id, subscriber="tests.react", ran_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_insert_unless_present_inserts_a_row_once_and_the_transaction_goes_on():
    with transaction.atomic():
        first, again = reaction_run("a1"), reaction_run("a1")
        assert insert_unless_present(first) is True
        assert first.pk is not None and not first._state.adding
        assert insert_unless_present(again) is False  # no error, no savepoint needed
        assert again.pk is None
        assert insert_unless_present(reaction_run("a2")) is True  # the transaction still works
    assert sorted(ReactionRun.objects.values_list("announcement_id", flat=True)) == ["a1", "a2"]


def prepared_statements_of(text: str) -> int:
    return select("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{text}%"])[0][0]


@pytest.mark.django_db
def test_statements_run_again_are_prepared_inside_the_block_only():
    with statements_prepared_when_run_again():
        for _ in range(3):
            assert not ReactionRun.objects.filter(announcement_id="inside").exists()
        inside = prepared_statements_of("inside") if is_postgresql() else None
    for _ in range(3):
        assert list(ReactionRun.objects.filter(announcement_id="outside").values_list("pk")) == []
    if is_postgresql():
        # the values apart from the text: one statement for every announcement, prepared
        assert inside == 0 and prepared_statements_of('"announcement_id" = $') == 1
        assert prepared_statements_of("outside") == 0  # after the block: values in the text, as before
