"""Input and output shapes every app's API shares: safe text, ids, list pages, errors."""

import math
from datetime import date
from typing import Annotated, Any

from django.conf import settings
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

from concierge.core.dates import pydantic_within_calendar
from concierge.core.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT

MAX_ID = 2**63 - 1


def _storable_text(value: str) -> str:
    """Text every database can store: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _storable_json(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        raise ValueError("is nested too deeply (20 levels at most)")
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    if isinstance(value, dict):
        for key, item in value.items():
            _storable_text(key)
            _storable_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item, depth + 1)
    return value


Text = Annotated[str, AfterValidator(_storable_text)]
MessageBody = Annotated[
    str,
    Field(
        min_length=1,
        max_length=settings.MAX_MESSAGE_LENGTH,
        description="The message: a teammate's in Markdown (HTML tags in it are kept), a customer's as text or simple HTML; it is sanitised before it is stored.",
    ),
    AfterValidator(_storable_text),
]
JsonObject = Annotated[dict[str, Any], AfterValidator(_storable_json)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A date, or an instant with its offset, inside the supported calendar (core.dates).
Date = Annotated[date, AfterValidator(pydantic_within_calendar)]
AwareInstant = Annotated[AwareDatetime, AfterValidator(pydantic_within_calendar)]


class PageQuery(Schema):
    cursor: Text | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="The `next_cursor` of the previous page; leave out for the first page.",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")


class ErrorOut(Schema):
    detail: str
    field: str | None = None
