"""Reading one line of a support log (shared spec: events.md) into an event or a record, or saying
exactly why it is bad. The importer and the events API share this, so both accept the same input."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from concierge.core.errors import InvalidInput
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.events import types as event_types
from concierge.events.models import REF_MAX_LENGTH

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)

CONTACT_RECORD = "contact"
MESSAGE_RECORD = "outbound_message"
RECORD_TYPES = frozenset({CONTACT_RECORD, MESSAGE_RECORD})

# Extra fields an event type must carry: the ones the report cannot do without (what a conversation
# or a message is, who replied or closed, the rating). Descriptive fields (channel, query, article,
# reaction, teammate) are kept when given and checked, but a line without them is still taken: a log
# exported from another tool should not be refused for detail the funnel does not read.
# `conversation` and `message` become the event's references; the others are kept in its data.
REQUIRED_FIELDS = {
    event_types.HELP_CENTER_VISITED: (),
    event_types.ARTICLE_SEARCHED: (),
    event_types.ARTICLE_VIEWED: (),
    event_types.CONVERSATION_STARTED: ("conversation",),
    event_types.BOT_ANSWERED: ("conversation",),
    event_types.CONVERSATION_REPLIED: ("conversation", "author"),
    event_types.CONVERSATION_CLOSED: ("conversation", "by"),
    event_types.CONVERSATION_REOPENED: ("conversation",),
    event_types.CONVERSATION_RATED: ("conversation", "rating"),
    event_types.OUTBOUND_SENT: ("message",),
    event_types.OUTBOUND_OPENED: ("message",),
    event_types.OUTBOUND_CLICKED: ("message",),
    event_types.OUTBOUND_REACTED: ("message",),
}
OPTIONAL_FIELDS = {
    event_types.HELP_CENTER_VISITED: ("channel",),
    event_types.ARTICLE_SEARCHED: ("channel", "query"),
    event_types.ARTICLE_VIEWED: ("channel", "article"),
    event_types.CONVERSATION_STARTED: ("channel", "initiator", "teammate"),
    event_types.CONVERSATION_REPLIED: ("teammate",),
    event_types.CONVERSATION_CLOSED: ("teammate",),
    event_types.CONVERSATION_RATED: ("remark",),
    event_types.OUTBOUND_REACTED: ("reaction",),
}
# Values the report reads, so they must be ones it understands.
ALLOWED_VALUES = {
    "initiator": ("contact", "teammate"),
    "author": ("teammate", "contact", "bot"),
    "by": ("teammate", "bot", "contact"),
}
CONVERSATION_CHANNELS = ("messenger", "email", "api")
COMMON_FIELDS = frozenset({"type", "at", "contact", "id"})
# Far from the ends of what a datetime can hold, so a session's end or a local date never overflows.
FIRST_YEAR, LAST_YEAR = 1000, 9000


class BadLine(Exception):
    """A line the log cannot take, with the reason in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class LogEvent:
    """One event on its way into the log; its time is `at_us`, microseconds since the Unix epoch."""

    type: str
    at_us: int
    contact_ref: str | None
    conversation_ref: str | None = None
    message_ref: str | None = None
    data: dict = field(default_factory=dict)
    external_id: str | None = None
    contact_id: int | None = None
    # Its log row as the database's bulk insert takes it, all but the contact and the workspace (set
    # by events.batches.prepare_log_rows, in bulk: the importer's reader process does it).
    log_row: object = None

    @property
    def at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.at_us)


@dataclass(slots=True)
class MessageRecord:
    """An `outbound_message` record: only the fields it names are replaced."""

    ref: str
    fields: dict


@dataclass(slots=True)
class ContactRecord:
    """A `contact` record: creates the contact or updates the fields it names."""

    external_id: str
    fields: dict


def microseconds_since_epoch(instant: datetime) -> int:
    return (instant - EPOCH) // ONE_MICROSECOND


def parse_log_line(raw: bytes | str) -> LogEvent | MessageRecord | ContactRecord | None:
    """One line of a JSON Lines file; None for a blank line."""
    if not raw.strip():
        return None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if isinstance(raw, bytes):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as decode_error:
                raise BadLine(f"not valid UTF-8 (byte {decode_error.start + 1})") from exc
        raise BadLine(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    return parse_log_object(obj)


def parse_log_object(obj) -> LogEvent | MessageRecord | ContactRecord:
    """One decoded JSON value: an event or a record, else BadLine with the reason."""
    if not isinstance(obj, dict):
        raise BadLine(f"not a JSON object but {_json_kind(obj)}")
    type_ = obj.get("type")
    if type_ is None:
        raise BadLine("lacks the required field 'type'")
    if not isinstance(type_, str):
        raise BadLine("'type' must be a string")
    if type_ in event_types.SPEC_EVENT_TYPES:
        return _parse_event(type_, obj)
    if type_ == MESSAGE_RECORD:
        return _parse_message_record(obj)
    if type_ == CONTACT_RECORD:
        return _parse_contact_record(obj)
    raise BadLine(f"unknown type '{_shorten(type_)}'")


@dataclass(frozen=True, slots=True)
class _EventShape:
    """What an event type carries besides the common fields, worked out once per type."""

    conversation: bool
    message: bool
    required: tuple[str, ...]  # kept in the event's data
    optional: tuple[str, ...]


EVENT_SHAPES = {
    type_: _EventShape(
        conversation="conversation" in names,
        message="message" in names,
        required=tuple(name for name in names if name not in ("conversation", "message")),
        optional=OPTIONAL_FIELDS.get(type_, ()),
    )
    for type_, names in REQUIRED_FIELDS.items()
}


def _parse_event(type_: str, obj: dict) -> LogEvent:
    at = parse_instant(_required(obj, "at"))
    contact_ref = _identifier(obj, "contact", required=True)
    external_id = _identifier(obj, "id", required=False) if "id" in obj else None
    shape = EVENT_SHAPES[type_]
    conversation_ref = _identifier(obj, "conversation", required=True) if shape.conversation else None
    message_ref = _identifier(obj, "message", required=True) if shape.message else None
    data = {}
    for name in shape.required:
        value = obj.get(name)
        if value is None:
            raise BadLine(f"lacks the required field '{name}'")
        data[name] = _extra_value(type_, name, value)
    for name in shape.optional:
        value = obj.get(name)
        if value is not None:
            data[name] = _extra_value(type_, name, value)
    if type_ == event_types.CONVERSATION_STARTED and "initiator" not in data:
        data["initiator"] = "contact"
    return LogEvent(
        type_,
        (at - EPOCH) // ONE_MICROSECOND,
        contact_ref,
        conversation_ref,
        message_ref,
        data,
        external_id,
    )


def parse_instant(value) -> datetime:
    """An ISO 8601 time that carries its offset ('2026-03-01T09:30:00Z', '…+05:45')."""
    if not isinstance(value, str):
        raise BadLine("'at' must be an ISO 8601 time given as a string")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadLine(f"'at' is not an ISO 8601 time: '{_shorten(value)}'") from exc
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise BadLine(f"'at' has no UTC offset: '{_shorten(value)}' (write e.g. '…Z' or '…+01:00')")
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise BadLine(f"'at' is out of range (years {FIRST_YEAR}-{LAST_YEAR}): '{_shorten(value)}'")
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


def _required(obj: dict, name: str):
    value = obj.get(name)
    if value is None:
        raise BadLine(f"lacks the required field '{name}'")
    return value


def _storable(name: str, value: str) -> str:
    """Text every database can store: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in value:
        raise BadLine(f"'{name}' contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadLine(f"'{name}' is not valid Unicode text") from exc
    return value


def _identifier(obj: dict, name: str, *, required: bool) -> str | None:
    """An id (contact, conversation, message, event): a non-empty string, or a whole number."""
    value = obj.get(name)
    if (
        type(value) is str
        and 0 < len(value) <= REF_MAX_LENGTH
        and value.isascii()
        and value.isprintable()
        and value[0] != " "
        and value[-1] != " "
    ):
        return value  # the common case, already clean
    if value is None:
        if required:
            raise BadLine(f"lacks the required field '{name}'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadLine(f"'{name}' must be a string")
    value = _storable(name, str(value).strip())
    if not value:
        raise BadLine(f"'{name}' must not be empty")
    if len(value) > REF_MAX_LENGTH:
        raise BadLine(f"'{name}' is {len(value)} characters long; the limit is {REF_MAX_LENGTH}")
    return value


def _extra_value(type_: str, name: str, value):
    if name == "rating":
        return _rating(value)
    if name == "teammate":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadLine("'teammate' must be a string")
        return _storable(name, str(value))
    if not isinstance(value, str):
        raise BadLine(f"'{name}' must be a string")
    allowed = ALLOWED_VALUES.get(name)
    if not allowed:
        _storable(name, value)
    if type_ == event_types.CONVERSATION_STARTED and name == "channel":
        allowed = CONVERSATION_CHANNELS
    if allowed and value not in allowed:
        raise BadLine(f"'{name}' must be one of {', '.join(allowed)}, not '{_shorten(value)}'")
    return value


def _rating(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise BadLine(f"'rating' must be a whole number from 1 to 5, not {_shorten(json.dumps(value))}")
    return value


def _parse_message_record(obj: dict) -> MessageRecord:
    ref = _identifier(obj, "id", required=True)
    fields = {}
    for name in ("content_type", "sender"):
        if name in obj:
            value = obj[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
                raise BadLine(f"'{name}' must be a string")
            fields[name] = None if value is None else _storable(name, str(value))
    if fields.get("content_type") is not None and len(fields["content_type"]) > 60:
        raise BadLine("'content_type' is longer than 60 characters")
    if fields.get("sender") is not None and len(fields["sender"]) > 190:
        raise BadLine("'sender' is longer than 190 characters")
    if "tags" in obj:
        tags = obj["tags"]
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise BadLine("'tags' must be a list of strings")
        for tag in tags:
            _storable("tags", tag)
        fields["tags"] = list(dict.fromkeys(tags))
    return MessageRecord(ref=ref, fields=fields)


CONTACT_TEXT_LIMITS = {"name": 190, "city": 120}


def _parse_contact_record(obj: dict) -> ContactRecord:
    external_id = _identifier(obj, "id", required=True)
    fields = {}
    for name in ("name", "email", "timezone", "locale", "city"):
        if name not in obj or obj[name] is None:
            continue
        value = obj[name]
        if not isinstance(value, str):
            raise BadLine(f"'{name}' must be a string")
        value = _storable(name, value.strip())
        if name in CONTACT_TEXT_LIMITS and len(value) > CONTACT_TEXT_LIMITS[name]:
            raise BadLine(f"'{name}' is longer than {CONTACT_TEXT_LIMITS[name]} characters")
        if value:
            _check_contact_value(name, value)
        fields[name] = value
    return ContactRecord(external_id=external_id, fields=fields)


def _check_contact_value(name: str, value: str) -> None:
    try:
        if name == "email":
            validate_email(value.lower())
        elif name == "timezone":
            validate_zone_name(value)
        elif name == "locale":
            validate_locale_name(value)
    except ValidationError as exc:
        raise BadLine(f"'{name}' is not a valid email address: '{_shorten(value)}'") from exc
    except InvalidInput as exc:
        raise BadLine(exc.message) from exc


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
