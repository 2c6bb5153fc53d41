"""Times shown to a person (core/templatetags/person_time.py): in the zone of whom they are about,
said in the language of whoever reads them."""

from datetime import UTC, datetime
from types import SimpleNamespace

from concierge.core.templatetags.person_time import local_time_now, person_time


def test_a_customers_clock_is_said_in_the_readers_language():
    customer = SimpleNamespace(timezone="Asia/Tokyo", locale="ja")
    english_reader, german_reader = SimpleNamespace(locale="en"), SimpleNamespace(locale="de")
    assert local_time_now(customer, english_reader).endswith(", Tokyo time")
    assert "東京" not in local_time_now(customer, german_reader)
    assert local_time_now(SimpleNamespace(timezone="", locale="en"), english_reader) == ""


def test_a_time_for_a_person_is_in_their_zone_and_names_their_city():
    teammate = SimpleNamespace(timezone="America/New_York", locale="en")
    shown = person_time(datetime(2026, 3, 3, 19, 0, tzinfo=UTC), teammate)
    assert "Tuesday 3 March, 2:00 PM, New York time" in shown
