"""Form fields for what people post on pages, with the same limits the API's schemas have: ids that
fit the database, dates and times inside the supported calendar (core.dates)."""

from django import forms

from concierge.core.dates import validate_within_calendar
from concierge.core.errors import InvalidInput

MAX_ID = 2**63 - 1


class ObjectIdField(forms.IntegerField):
    """A row's id: a whole number from 1 to the largest the database stores."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """A date inside the supported calendar (core.dates)."""

    default_validators = [validate_within_calendar]


class DateTimeField(forms.DateTimeField):
    """A date and time inside the supported calendar (core.dates)."""

    default_validators = [validate_within_calendar]


def parse_object_id(value, *, field: str, what: str) -> int:
    """An id posted as text: digits only (no sign, no other script's digits), and one that fits."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"'{text[:40]}' is not a {what} id.", field=field)
    return int(text)
