"""Reading one line of a support log (shared spec: events.md) into an event or a record, or saying
exactly why it is bad. The importer and the events API share this, so both accept the same input."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Union

import msgspec
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
    "initiator": event_types.INITIATORS,
    "author": event_types.REPLY_AUTHORS,
    "by": event_types.CLOSED_BY,
}
CONVERSATION_CHANNELS = event_types.CONVERSATION_CHANNELS
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
    # Its time as naive UTC text ("YYYY-MM-DD HH:MM:SS"), when it came in that shape (with a "Z"):
    # then the log row need not format it again.
    utc_text: str | None = None

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
    event = _decode_common_event(raw)
    if event is not None:
        return event
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
    if _clean_identifier(value):
        return value
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


def _clean_identifier(value) -> bool:
    """The common case of an id: a string already as the log keeps it."""
    return (
        type(value) is str
        and 0 < len(value) <= REF_MAX_LENGTH
        and value.isascii()
        and value.isprintable()
        and value[0] != " "
        and value[-1] != " "
    )


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


# The common event line, decoded in compiled code ---------------------------------------------------
#
# Most lines of a large import are well-formed events whose ids are clean strings. msgspec decodes
# those straight into one typed structure per event type (checking types, allowed values and the
# rating's range as it goes), several times faster than decoding to a dict and checking it field by
# field. Anything else (records, numbers as ids, text that needs cleaning, any error) goes the
# careful way above, which alone words the reasons for a bad line: so both ways accept the same lines
# and give the same events. (One difference: an unknown field holding a number too large for a double,
# such as 1e400, which the careful way's decoder cannot read, is ignored here like any unknown field.)


def _decoded_field_type(type_: str, name: str):
    if name == "rating":
        return Annotated[int, msgspec.Meta(ge=1, le=5)]
    if name in ("conversation", "message", "teammate"):
        return str | int
    if type_ == event_types.CONVERSATION_STARTED and name == "channel":
        return Literal[CONVERSATION_CHANNELS]
    if name in ALLOWED_VALUES:
        return Literal[ALLOWED_VALUES[name]]
    return str


def _decoded_event_struct(type_: str) -> type[msgspec.Struct]:
    fields = [("at", str), ("contact", str | int), ("id", str | int | None, None)]
    fields += [(name, _decoded_field_type(type_, name)) for name in REQUIRED_FIELDS[type_]]
    fields += [
        (name, _decoded_field_type(type_, name) | None, None) for name in OPTIONAL_FIELDS.get(type_, ())
    ]
    return msgspec.defstruct(
        f"Decoded_{type_.replace('.', '_')}", fields, tag=type_, tag_field="type", kw_only=True, gc=False
    )


_DECODED_TYPES = {_decoded_event_struct(type_): type_ for type_ in REQUIRED_FIELDS}
_COMMON_EVENT_DECODER = msgspec.json.Decoder(Union[tuple(_DECODED_TYPES)])  # noqa: UP007 (a runtime tuple)
# Fields whose text the log keeps as given, so it must be storable (no NUL character): every
# descriptive field but those with a list of allowed values.
_FREE_TEXT = frozenset({"channel", "query", "article", "reaction", "remark", "teammate"})


def _is_plain_utc_text(text: str) -> bool:
    """'2026-03-01T09:30:00Z' (an instant parse_instant took): its UTC time is its own text."""
    return (
        len(text) == 20
        and text[19] == "Z"
        and text[10] == "T"
        and text[4] == text[7] == "-"
        and text[13] == text[16] == ":"
    )


def _decode_common_event(raw: bytes | str) -> LogEvent | None:
    """The event on a common line, or None when the line must go the careful way (parse_log_object)."""
    if type(raw) is bytes and not raw.isascii():
        try:
            raw.decode("utf-8")  # the decoder does not check the text of fields it ignores
        except UnicodeDecodeError:
            return None
    try:
        decoded = _COMMON_EVENT_DECODER.decode(raw)
    except (msgspec.MsgspecError, RecursionError, UnicodeError):
        return None
    type_ = _DECODED_TYPES[type(decoded)]
    shape = EVENT_SHAPES[type_]
    contact, external_id = decoded.contact, decoded.id
    if not _clean_identifier(contact) or (external_id is not None and not _clean_identifier(external_id)):
        return None
    conversation_ref = message_ref = None
    if shape.conversation:
        conversation_ref = decoded.conversation
        if not _clean_identifier(conversation_ref):
            return None
    elif shape.message:
        message_ref = decoded.message
        if not _clean_identifier(message_ref):
            return None
    data = {}
    for names in (shape.required, shape.optional):
        for name in names:
            value = getattr(decoded, name)
            if value is None:
                continue
            if name in _FREE_TEXT and (type(value) is not str or "\x00" in value):
                return None
            data[name] = value
    if type_ == event_types.CONVERSATION_STARTED and "initiator" not in data:
        data["initiator"] = "contact"
    at_text = decoded.at
    at = parse_instant(at_text)
    utc_text = None
    if _is_plain_utc_text(at_text):
        utc_text = f"{at_text[:10]} {at_text[11:19]}"
    return LogEvent(
        type_,
        (at - EPOCH) // ONE_MICROSECOND,
        contact,
        conversation_ref,
        message_ref,
        data,
        external_id,
        utc_text=utc_text,
    )
