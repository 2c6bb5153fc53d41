"""Random support logs for property tests: few contacts, conversations and messages, times from a
small set (so actions often land exactly 24 hours apart, at the same instant, or on a period's
bound), around daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

CONTACTS = ["c0", "c1", "c2", "c3"]
MESSAGES = ["m0", "m1", "m2"]
# Days just before a daylight-saving change in New York, Sydney/Santiago (April and September).
BASE_DAYS = [date(2026, 3, 6), date(2026, 4, 2), date(2026, 9, 4), date(2026, 10, 31)]
# UTC hours that are local midnights in the zones the tests use (New York, Sydney, Santiago,
# Kathmandu at :15), so actions fall exactly on period bounds and exactly 24 hours apart.
HOURS = [0, 3, 4, 5, 13, 14, 18, 23]


def _instant(base: date, day: int, hour: int, minute: int, second: int) -> str:
    start = datetime.combine(base, datetime.min.time(), tzinfo=UTC)
    at = start + timedelta(days=day, hours=hour, minutes=minute, seconds=second)
    return at.isoformat().replace("+00:00", "Z")


@st.composite
def support_logs(draw) -> list[dict]:
    base = draw(st.sampled_from(BASE_DAYS))
    times = st.tuples(
        st.integers(0, 6),
        st.sampled_from(HOURS),
        st.sampled_from([0, 0, 0, 0, 15, 45]),
        st.sampled_from([0, 0, 0, 1, 59]),
    )
    count = draw(st.integers(1, 45))
    log = []
    for _ in range(count):
        at = _instant(base, *draw(times))
        kind = draw(
            st.sampled_from(["seek", "seek", "conversation", "conversation", "conversation", "outbound"])
        )
        if kind == "seek":
            type_ = draw(st.sampled_from(["help_center.visited", "article.searched", "article.viewed"]))
            event = {
                "type": type_,
                "at": at,
                "contact": draw(st.sampled_from(CONTACTS)),
                "channel": "help_center",
            }
            if type_ == "article.searched":
                event["query"] = "export"
            if type_ == "article.viewed":
                event["article"] = "a1"
        elif kind == "conversation":
            number = draw(st.integers(0, 5))
            event = {"conversation": f"k{number}", "contact": CONTACTS[number % len(CONTACTS)], "at": at}
            type_ = draw(
                st.sampled_from(
                    [
                        "conversation.started",
                        "conversation.started",
                        "bot.answered",
                        "conversation.replied",
                        "conversation.closed",
                        "conversation.reopened",
                        "conversation.rated",
                    ]
                )
            )
            event["type"] = type_
            if type_ == "conversation.started":
                event["channel"] = "messenger"
                initiator = draw(st.sampled_from(["contact", "contact", "teammate", None]))
                if initiator:
                    event["initiator"] = initiator
            elif type_ == "conversation.replied":
                event["author"] = draw(st.sampled_from(["teammate", "contact", "bot"]))
                if event["author"] == "teammate":
                    event["teammate"] = "t1"
            elif type_ == "conversation.closed":
                event["by"] = draw(st.sampled_from(["bot", "bot", "teammate", "contact"]))
            elif type_ == "conversation.rated":
                event["rating"] = draw(st.integers(1, 5))
        else:
            type_ = draw(
                st.sampled_from(
                    [
                        "outbound.sent",
                        "outbound.sent",
                        "outbound.opened",
                        "outbound.clicked",
                        "outbound.reacted",
                    ]
                )
            )
            event = {
                "type": type_,
                "at": at,
                "contact": draw(st.sampled_from(CONTACTS)),
                "message": draw(st.sampled_from(MESSAGES)),
            }
            if type_ == "outbound.reacted":
                event["reaction"] = "👍"
        log.append(event)
    for number, event in enumerate(log):
        event["id"] = f"e{number}"
    for ref in draw(st.lists(st.sampled_from(MESSAGES), max_size=4)):
        record = {"type": "outbound_message", "id": ref}
        if draw(st.booleans()):
            record["tags"] = draw(st.lists(st.sampled_from(["outage", "billing"]), max_size=2, unique=True))
        if draw(st.booleans()):
            record["content_type"] = draw(st.sampled_from(["banner", "chat"]))
        if draw(st.booleans()):
            record["sender"] = draw(st.sampled_from(["t1", "t2"]))
        log.insert(draw(st.integers(0, len(log))), record)
    return log


def periods_around(log: list[dict]) -> list[tuple[date, date]]:
    """A few report periods over the log's days: the whole span, single days, a week."""
    days = sorted({datetime.fromisoformat(e["at"]).date() for e in log if "at" in e})
    if not days:
        return [(date(2026, 3, 1), date(2026, 3, 7))]
    first, last = days[0], days[-1]
    return [
        (first - timedelta(days=1), last + timedelta(days=1)),
        (first + timedelta(days=1), first + timedelta(days=1)),
        (first + timedelta(days=2), first + timedelta(days=4)),
        (first + timedelta(days=5), first + timedelta(days=8)),
    ]
