"""The log keeps few indexes (each costs every imported event); the reads that need one still use it."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from concierge.events.selectors import meeting_events
from concierge.events.types import MEETING_TYPES_FROM, MEETING_TYPES_UNTIL, SPEC_EVENT_TYPES
from concierge.meetings.event_types import MEETING_EVENT_TYPES


def test_every_meeting_event_type_falls_in_the_indexed_range():
    assert all(MEETING_TYPES_FROM <= name < MEETING_TYPES_UNTIL for name in MEETING_EVENT_TYPES)
    assert not any(MEETING_TYPES_FROM <= name < MEETING_TYPES_UNTIL for name in SPEC_EVENT_TYPES)


@pytest.mark.django_db
def test_the_sessions_report_reads_meeting_events_through_their_index(workspace):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # else it rightly scans a table this small
            cursor.execute("SET LOCAL enable_seqscan = off")
    query = meeting_events(workspace).filter(
        type__in=MEETING_EVENT_TYPES,
        at__gte=datetime(2026, 1, 1, tzinfo=UTC),
        at__lt=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert "event_meetings_by_time" in query.explain()
