"""A from-scratch reading of the support report spec, in plain Python over the raw log.

It knows nothing of the rollups: it takes the log as decoded JSON objects (events and records, in
file order), and computes each figure the slow, obvious way. The tests check the real report
against it on hand-written and random logs.
"""

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEEKING = {"help_center.visited", "article.searched", "article.viewed"}
DAY = timedelta(hours=24)


def _at(event) -> datetime:
    return datetime.fromisoformat(event["at"])


def _events_and_messages(log: list[dict]):
    events, seen_ids, messages = [], set(), {}
    for obj in log:
        if obj["type"] == "outbound_message":
            description = messages.setdefault(obj["id"], {})
            description.update({k: v for k, v in obj.items() if k in ("content_type", "sender", "tags")})
        elif obj["type"] == "contact":
            continue
        else:
            if "id" in obj:
                if obj["id"] in seen_ids:
                    continue
                seen_ids.add(obj["id"])
            events.append(obj)
    return events, messages


class Conversation:
    def __init__(self):
        self.start = None  # (at, initiator, contact)
        self.bot_answered = False
        self.teammate_replies = []
        self.closes = []  # (at, by)
        self.reopens = []
        self.ratings = []  # (at, rating)

    @property
    def started_at(self):
        return self.start[0]

    @property
    def last_close(self):
        return max(self.closes) if self.closes else None

    @property
    def closed(self):
        last = self.last_close
        return last is not None and not any(reopen > last[0] for reopen in self.reopens)

    @property
    def bot_resolved(self):
        last = self.last_close
        return (
            self.bot_answered
            and self.closed
            and last[1] == "bot"
            and not any(reply < last[0] for reply in self.teammate_replies)
        )

    @property
    def human_supported(self):
        return self.start[1] == "contact" and not self.bot_resolved

    @property
    def rating(self):
        return max(self.ratings)[1] if self.ratings else None

    @property
    def first_response(self):
        return (
            (min(self.teammate_replies) - self.started_at).total_seconds() if self.teammate_replies else None
        )

    @property
    def time_to_close(self):
        return (self.last_close[0] - self.started_at).total_seconds() if self.closed else None


def _conversations(events):
    conversations = defaultdict(Conversation)
    for e in events:
        if "conversation" not in e:
            continue
        c = conversations[e["conversation"]]
        at = _at(e)
        if e["type"] == "conversation.started":
            start = (at, e.get("initiator", "contact"), e["contact"])
            if c.start is None or (start[0], start[1]) < (c.start[0], c.start[1]):
                c.start = start
        elif e["type"] == "bot.answered":
            c.bot_answered = True
        elif e["type"] == "conversation.replied" and e["author"] == "teammate":
            c.teammate_replies.append(at)
        elif e["type"] == "conversation.closed":
            c.closes.append((at, e["by"]))
        elif e["type"] == "conversation.reopened":
            c.reopens.append(at)
        elif e["type"] == "conversation.rated":
            c.ratings.append((at, e["rating"]))
    return {ref: c for ref, c in conversations.items() if c.start is not None}


class Session:
    def __init__(self, contact, start):
        self.contact = contact
        self.start = start
        self.end = start + DAY
        self.actions = []  # (at, type, event)
        self.conversations = []

    @property
    def status(self):
        human = [c for c in self.conversations if c.human_supported]
        if human:
            first = min(c.started_at for c in human)
            touched = any(
                t in ("article.viewed", "article.searched") and at < first for at, t, _ in self.actions
            )
            bot = any(c.bot_answered and c.started_at <= first for c in self.conversations)
            return "human_after_self_serve" if touched or bot else "human_from_start"
        if any(t == "article.viewed" for _, t, _ in self.actions) or any(
            c.bot_resolved for c in self.conversations
        ):
            return "self_serve_resolved"
        return "stopped"


def _sessions(events, conversations):
    seeking = defaultdict(list)
    for e in events:
        if e["type"] in SEEKING or (
            e["type"] == "conversation.started" and e.get("initiator", "contact") == "contact"
        ):
            seeking[e["contact"]].append((_at(e), e["type"], e))
    sessions = defaultdict(list)
    for contact, actions in seeking.items():
        for action in sorted(actions, key=lambda a: a[0]):
            if not sessions[contact] or action[0] >= sessions[contact][-1].end:
                sessions[contact].append(Session(contact, action[0]))
            sessions[contact][-1].actions.append(action)
    for c in conversations.values():
        for session in sessions.get(c.start[2], []):
            if session.start <= c.started_at < session.end:
                session.conversations.append(c)
    return [s for contact_sessions in sessions.values() for s in contact_sessions]


def _round(value):
    return None if value is None else round(value, 4)


def _ratio(a, b):
    return None if b == 0 else round(a / b, 4)


def _median(values):
    return float(statistics.median(values)) if values else None


def _bounds(zone, date_from, date_to):
    start = datetime.combine(date_from, time(), tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=zone)
    return start, end


def _period(events, messages, all_sessions, zone, date_from, date_to, filters):
    start, end = _bounds(zone, date_from, date_to)
    sessions = [s for s in all_sessions if start <= s.start < end]

    def passes(message):
        description = messages.get(message)
        if not any(filters.values()):
            return True
        if description is None:
            return False
        return (
            (filters["tag"] is None or filters["tag"] in (description.get("tags") or []))
            and (
                filters["content_type"] is None or description.get("content_type") == filters["content_type"]
            )
            and (filters["sender"] is None or description.get("sender") == filters["sender"])
        )

    sends = [
        e for e in events if e["type"] == "outbound.sent" and start <= _at(e) < end and passes(e["message"])
    ]
    pairs = {(e["message"], e["contact"]) for e in sends}

    def engaged(type_):
        return len(pairs & {(e["message"], e["contact"]) for e in events if e["type"] == type_})

    by_status = defaultdict(int)
    for s in sessions:
        by_status[s.status] += 1
    views = resolved_views = 0
    for s in sessions:
        for at, t, _ in s.actions:
            if t == "article.viewed":
                views += 1
                followed = any(t2 == "conversation.started" and at2 > at for at2, t2, _ in s.actions)
                resolved_views += not followed
    answered = [s for s in sessions if any(c.bot_answered for c in s.conversations)]
    bot_resolved = [s for s in answered if any(c.bot_resolved for c in s.conversations)]

    def human_support(status):
        conversations = [
            c for s in sessions if s.status == status for c in s.conversations if c.human_supported
        ]
        ratings = [c.rating for c in conversations if c.rating is not None]
        first = [c.first_response for c in conversations if c.first_response is not None]
        close = [c.time_to_close for c in conversations if c.time_to_close is not None]
        return {
            "conversations": len(conversations),
            "ratings": len(ratings),
            "rating_average": _ratio(sum(ratings), len(ratings)),
            "rating_positive_share": _ratio(sum(1 for r in ratings if r >= 4), len(ratings)),
            "median_first_response_seconds": _median(first),
            "median_time_to_close_seconds": _median(close),
        }

    resolved = by_status["self_serve_resolved"]
    after = by_status["human_after_self_serve"]
    from_start = by_status["human_from_start"]
    return {
        "start": start.astimezone(ZoneInfo("UTC")).astimezone(zone).isoformat(),
        "end": end.astimezone(ZoneInfo("UTC")).astimezone(zone).isoformat(),
        "proactive": {
            "sent": len(sends),
            "opened": engaged("outbound.opened"),
            "clicked": engaged("outbound.clicked"),
            "reacted": engaged("outbound.reacted"),
        },
        "sessions": {
            "total": len(sessions),
            "stopped": by_status["stopped"],
            "self_serve_tried": resolved + after,
            "self_serve_resolved": resolved,
            "human_after_self_serve": after,
            "human_from_start": from_start,
        },
        "people_seeking_support": len({s.contact for s in sessions}),
        "rates": {
            "self_serve_resolution": _ratio(resolved, resolved + after + from_start),
            "articles_resolution": _ratio(resolved_views, views),
            "automated_resolution": _ratio(len(bot_resolved), len(answered)),
        },
        "human_support": {
            "after_self_serve": human_support("human_after_self_serve"),
            "from_start": human_support("human_from_start"),
        },
    }


def reference_report(
    log: list[dict],
    zone_name: str,
    date_from: date,
    date_to: date,
    *,
    tag=None,
    content_type=None,
    sender=None,
) -> dict:
    zone = ZoneInfo(zone_name)
    events, messages = _events_and_messages(log)
    conversations = _conversations(events)
    sessions = _sessions(events, conversations)
    filters = {"tag": tag, "content_type": content_type, "sender": sender}
    days = (date_to - date_from).days + 1
    return {
        "timezone": zone_name,
        "current": _period(events, messages, sessions, zone, date_from, date_to, filters),
        "previous": _period(
            events,
            messages,
            sessions,
            zone,
            date_from - timedelta(days=days),
            date_from - timedelta(days=1),
            filters,
        ),
    }
