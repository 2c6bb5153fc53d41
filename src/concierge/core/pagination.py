"""Keyset ("cursor") pagination for lists.

A page is the next `limit` rows after the last row of the previous page, in a fixed order that ends
with a unique column (the id). The cursor holds that last row's ordering values, so a page costs one
index range scan however deep it is, and rows added meanwhile neither repeat nor go missing.
"""

import base64
import binascii
import json
import operator
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from concierge.core.dates import within_calendar
from concierge.core.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 500


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def paginate(queryset: QuerySet, *, order: tuple[str, ...], cursor: str | None, limit: int) -> Page:
    """One page of `queryset` in `order` (e.g. ("-last_activity_at", "-id")), after `cursor`."""
    if not order or order[-1].lstrip("-") not in ("id", "pk"):
        raise ValueError("a keyset order must end with the id, to be unique")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be from 1 to {MAX_LIMIT}.", field="limit")
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_rows_after(order, _decode_cursor(queryset, order, cursor)))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    rows = rows[:limit]
    return Page(items=rows, next_cursor=_encode_cursor(queryset, order, rows[-1]))


def _order_signature(queryset: QuerySet, order: tuple[str, ...]) -> str:
    """Ties a cursor to the list it came from: another list's cursor is refused, not misread."""
    return f"{queryset.model._meta.label_lower}:{','.join(order)}"


def _field(queryset: QuerySet, name: str):
    name = name.lstrip("-")
    return queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)


def _encode_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _value_of(row, attname: str) -> Any:
    """A row's column: of a model instance, or of a dict (a page read with `.values()`)."""
    return row[attname] if isinstance(row, dict) else getattr(row, attname)


def _encode_cursor(queryset: QuerySet, order: tuple[str, ...], row) -> str:
    values = [_encode_value(_value_of(row, _field(queryset, name).attname)) for name in order]
    payload = json.dumps([_order_signature(queryset, order), *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode_cursor(queryset: QuerySet, order: tuple[str, ...], cursor: str) -> list:
    invalid = InvalidInput(
        "cursor is not valid for this list: pass the next_cursor of the previous page unchanged.",
        field="cursor",
    )
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, *values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise invalid from None
    if signature != _order_signature(queryset, order) or len(values) != len(order):
        raise invalid
    decoded = []
    for name, value in zip(order, values, strict=True):
        if value is None or isinstance(value, (dict, list, bool)) or not _storable(value):
            raise invalid
        try:
            value = _field(queryset, name).to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise invalid from None
        if isinstance(value, datetime) and timezone.is_naive(value):
            raise invalid
        if isinstance(value, date) and not within_calendar(value):
            raise invalid  # a forged instant at the calendar's edge overflows in the database's zone
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise invalid
        decoded.append(value)
    return decoded


def _storable(value) -> bool:
    """A forged cursor must not smuggle what a database refuses (NUL, lone surrogates) into a query."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _rows_after(order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in `order`: (a, b) after (x, y) means a beyond x, or a = x and b
    beyond y. The leading inclusive bound on the first column lets the database use its index."""
    alternatives = []
    equal_so_far = Q()
    for name, value in zip(order, values, strict=True):
        column = name.lstrip("-")
        beyond = "lt" if name.startswith("-") else "gt"
        alternatives.append(equal_so_far & Q(**{f"{column}__{beyond}": value}))
        equal_so_far &= Q(**{column: value})
    first = order[0]
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & reduce(operator.or_, alternatives)
