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


def test_a_tokyo_customers_clock_reads_in_an_english_teammates_words():
    import re

    customer = SimpleNamespace(timezone="Asia/Tokyo", locale="ja")
    shown = local_time_now(customer, SimpleNamespace(locale="en-US"))
    assert re.fullmatch(r"\d{1,2}:\d{2} (AM|PM), Tokyo time", shown), shown  # "4:39 AM, Tokyo time"
    assert "\u202f" not in shown  # plain spaces, which every font has
    assert "東京" not in shown
