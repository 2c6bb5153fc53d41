"""Dates, instants and wall-clock times that come from people, read in one place.

Python's calendar ends at 0001-01-01 and 9999-12-31: a date near either edge overflows as soon as
it is moved by a day, a zone's offset or a period's length (OverflowError, a 500). So every date or
instant a person sends is kept within EARLIEST_DATE..LATEST_DATE — centuries from any real history or
plan, and far enough from the edges for any arithmetic the product does — and anything outside is a
clear InvalidInput naming the field. Forms use `validate_within_calendar` (or the fields in
core.forms), API schemas `core.schemas.Date`/`AwareInstant`, services `check_date`/`check_instant`.

Wall-clock times ("09:30") are read strictly as one or two digits, a colon and two digits, so an
hour of 99999999999999999999 is "not a time" rather than an integer too large for the machine.
"""

import re
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone

from concierge.core.errors import InvalidInput

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9000, 12, 31)
RANGE_IN_WORDS = f"from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
WALL_CLOCK_PATTERN = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def within_calendar(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def check_date(value, *, field: str) -> date:
    """A calendar date within the supported range (a datetime is refused: send the day)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD).", field=field)
    if not within_calendar(value):
        raise InvalidInput(f"{field} must be a date {RANGE_IN_WORDS}, not {value.isoformat()}.", field=field)
    return value


def check_instant(value, *, field: str) -> datetime:
    """An instant with its zone offset, within the supported range; returned in UTC."""
    if not isinstance(value, datetime):
        raise InvalidInput(f"{field} must be a date and time with its zone offset.", field=field)
    if timezone.is_naive(value):
        raise InvalidInput(
            f"{field} '{value.isoformat()}' has no zone offset; send it with one, e.g. 2026-03-03T14:00:00-05:00.",
            field=field,
        )
    if not within_calendar(value):
        raise InvalidInput(f"{field} must be a time {RANGE_IN_WORDS}, not {value.isoformat()}.", field=field)
    return value.astimezone(UTC)


def parse_date(value, *, field: str) -> date:
    """YYYY-MM-DD text (or a date) as a date within the supported range."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return check_date(value, field=field)
    text = str(value or "").strip()
    if not DATE_PATTERN.match(text):
        raise InvalidInput(f"{field} must be a date as YYYY-MM-DD, not '{text[:40]}'.", field=field)
    try:
        parsed = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{field} is not a real date: '{text}'.", field=field) from exc
    return check_date(parsed, field=field)


def parse_wall_clock(value, *, field: str) -> time:
    """'09:30' (or a time) as a wall-clock time; seconds are dropped."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = WALL_CLOCK_PATTERN.match(str(value if value is not None else "").strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        shown = str(value)[:40]
        raise InvalidInput(f"{field} '{shown}' must be a time like '09:30' (00:00 to 23:59).", field=field)
    return time(int(match.group(1)), int(match.group(2)))


def validate_within_calendar(value) -> None:
    """A Django validator for date and datetime form fields."""
    if value is not None and not within_calendar(value):
        raise ValidationError(f"Enter a date {RANGE_IN_WORDS}.", code="out_of_range")


def pydantic_within_calendar(value):
    """A Pydantic AfterValidator for date and datetime fields of the API's schemas."""
    if not within_calendar(value):
        raise ValueError(f"must be {RANGE_IN_WORDS}")
    return value
