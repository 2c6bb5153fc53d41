"""The common event line is decoded in compiled code (msgspec) and everything else the careful way:
both must take the same lines, give the same events and word the same reasons for a bad line."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concierge.events import parsing
from concierge.events.parsing import BadLine, parse_log_line
from concierge.events.types import SPEC_EVENT_TYPES

IDENTIFIERS = st.one_of(
    st.sampled_from(["c1", "k-7", "m1", "evt_00042", "a" * 190]),
    st.sampled_from(["", " ", " padded ", "a" * 191, "nul\x00", "tab\there", "é-accent", "\ud800"]),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
)
TIMES = st.one_of(
    st.sampled_from(
        [
            "2026-03-01T09:30:00Z",
            "2026-03-01T09:30:00.250000Z",
            "2026-03-01T09:30:00+05:45",
            "2026-03-01 09:30:00Z",
            "2026-03-01T09:30:00",
            "2026-W09-7T09:30:00Z",
            "0999-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-03-01T24:00:00Z",
            "yesterday",
            "",
        ]
    ),
    st.integers(),
    st.none(),
)
TEXTS = st.one_of(
    st.sampled_from(
        [
            "messenger",
            "email",
            "api",
            "help_center",
            "teammate",
            "contact",
            "bot",
            "export",
            "👍",
            "nul\x00",
            "\udc00",
            "",
        ]
    ),
    st.integers(-3, 7),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
FIELDS = st.sampled_from(
    [
        "conversation",
        "message",
        "channel",
        "initiator",
        "author",
        "by",
        "teammate",
        "rating",
        "remark",
        "query",
        "article",
        "reaction",
        "something_else",
    ]
)


VALID_VALUES = {
    "conversation": "k1",
    "message": "m1",
    "channel": "messenger",
    "initiator": "teammate",
    "author": "teammate",
    "by": "bot",
    "teammate": "t2",
    "rating": 4,
    "remark": "Quick, thanks",
    "query": "export",
    "article": "a7",
    "reaction": "👍",
}


@st.composite
def log_lines(draw) -> str | bytes:
    """Mostly valid events (every field the type names, some optional ones), a few of them changed
    for the worse: a field dropped, or given a value from the pools above."""
    type_ = draw(st.sampled_from(sorted(SPEC_EVENT_TYPES)))
    obj = {"type": type_, "at": "2026-03-01T09:30:00Z", "contact": "c1"}
    if draw(st.booleans()):
        obj["id"] = "e1"
    for name in parsing.REQUIRED_FIELDS[type_]:
        obj[name] = VALID_VALUES[name]
    for name in parsing.OPTIONAL_FIELDS.get(type_, ()):
        if draw(st.booleans()):
            obj[name] = VALID_VALUES[name]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        name = draw(st.one_of(st.sampled_from(sorted(obj)), FIELDS))
        change = draw(st.sampled_from(["drop", "change", "change"]))
        if change == "drop":
            obj.pop(name, None)
        elif name == "type":
            obj[name] = draw(st.sampled_from(["article.liked", "contact", "outbound_message", "", 3]))
        elif name == "at":
            obj[name] = draw(TIMES)
        elif name in ("contact", "id", "conversation", "message", "teammate"):
            obj[name] = draw(IDENTIFIERS)
        else:
            obj[name] = draw(TEXTS)
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    shape = draw(
        st.sampled_from(["text"] * 3 + ["bytes"] * 3 + ["bytes with a bad byte", "array", "cut short"])
    )
    if shape == "bytes with a bad byte":
        return line.encode("utf-8", "surrogatepass").replace(b'"', b'"\xff', 1)
    if shape == "array":
        return f"[{line}]"
    if shape == "cut short":
        return line[:-1]
    return line.encode("utf-8", "surrogatepass") if shape == "bytes" else line


def _outcome(line):
    try:
        return "taken", parse_log_line(line)
    except BadLine as bad:
        return "bad", bad.reason


@settings(max_examples=1500, deadline=None)
@given(line=log_lines())
def test_the_compiled_decoder_and_the_careful_way_agree_on_every_line(line):
    decoded = _outcome(line)
    original = parsing._decode_common_event
    parsing._decode_common_event = lambda raw: None
    try:
        careful = _outcome(line)
    finally:
        parsing._decode_common_event = original
    if decoded[0] == "taken" and decoded[1] is not None and careful[0] == "taken":
        event = decoded[1]
        if hasattr(event, "utc_text") and event.utc_text is not None:
            naive = datetime(1970, 1, 1) + timedelta(microseconds=event.at_us)
            assert event.utc_text == str(naive)
            event.utc_text = None
    assert decoded == careful


def test_a_plain_line_is_decoded_by_the_compiled_decoder():
    line = '{"type": "conversation.started", "at": "2026-03-01T09:30:00Z", "contact": "c1", "conversation": "k1"}'
    event = parsing._decode_common_event(line)
    assert event is not None
    assert (event.type, event.contact_ref, event.conversation_ref) == ("conversation.started", "c1", "k1")
    assert event.data == {"initiator": "contact"}
    assert event.utc_text == "2026-03-01 09:30:00"
    assert event.at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        '{"type": "help_center.visited", "at": "2026-03-01T09:30:00Z", "contact": 7}',  # a number as id
        '{"type": "help_center.visited", "at": "2026-03-01T09:30:00Z", "contact": " c1 "}',  # to clean
        '{"type": "conversation.rated", "at": "2026-03-01T09:30:00Z", "contact": "c1", "conversation": "k", "rating": 5.0}',
        '{"type": "contact", "id": "c1", "name": "Ada"}',  # a record
    ],
)
def test_lines_the_careful_way_must_read_are_left_to_it(line):
    assert parsing._decode_common_event(line) is None
    assert parse_log_line(line) is not None
