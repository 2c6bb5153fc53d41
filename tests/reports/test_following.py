"""The funnel's rollups as a follower of the log: one run per writer and transaction reads the
day totals' zone once (and holds it), and forgets it when a batch's insert fails, since the log's
savepoint undoes that read and its lock."""

from operator import attrgetter

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from concierge.contacts.services import create_contact
from concierge.events.parsing import parse_log_object
from concierge.reports.models import RollupState, SessionDayTotals
from concierge.reports.services import FUNNEL_ROLLUPS


def _gathered(contact, day: int):
    event = parse_log_object(
        {"type": "help_center.visited", "at": f"2026-03-{day:02d}T10:00:00Z", "contact": contact.external_id}
    )
    event.contact_id = contact.pk
    return FUNNEL_ROLLUPS.gather([event], attrgetter("contact_id"))


def _statements_on_the_state(context) -> int:
    return sum(RollupState._meta.db_table in query["sql"] for query in context.captured_queries)


def test_a_run_reads_the_zone_once_and_saves_the_day_totals_at_its_end(workspace):
    contact = create_contact(workspace, external_id="c1")
    with transaction.atomic(), CaptureQueriesContext(connection) as context:
        run = FUNNEL_ROLLUPS.start(workspace)
        run.apply(_gathered(contact, 1))
        reads_at_first = _statements_on_the_state(context)
        assert reads_at_first >= 1
        run.apply(_gathered(contact, 5))
        assert _statements_on_the_state(context) == reads_at_first
        assert not SessionDayTotals.objects.filter(workspace=workspace).exists()
        run.finish()
    assert SessionDayTotals.objects.filter(workspace=workspace).count() == 2


def test_a_run_whose_insert_failed_reads_the_zone_again(workspace):
    contact = create_contact(workspace, external_id="c1")

    def taken_id():
        raise IntegrityError("an id already in the log")

    with transaction.atomic():
        run = FUNNEL_ROLLUPS.start(workspace)
        with pytest.raises(IntegrityError), transaction.atomic():
            run.apply(_gathered(contact, 1), alongside=taken_id)
        assert (run.zone, run.day_totals) == (None, None)
        run.apply(_gathered(contact, 1))
        assert run.zone == workspace.timezone
        run.finish()
    assert SessionDayTotals.objects.filter(workspace=workspace).count() == 1
