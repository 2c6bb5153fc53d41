"""Event types of the support log. The spec's types (shared/spec/events.md) can also be imported;
the product's own extra types (assignments, notes, tags, …) make the log a full audit trail and are
ignored by the funnel report."""

HELP_CENTER_VISITED = "help_center.visited"
ARTICLE_SEARCHED = "article.searched"
ARTICLE_VIEWED = "article.viewed"
CONVERSATION_STARTED = "conversation.started"
BOT_ANSWERED = "bot.answered"
CONVERSATION_REPLIED = "conversation.replied"
CONVERSATION_CLOSED = "conversation.closed"
CONVERSATION_REOPENED = "conversation.reopened"
CONVERSATION_RATED = "conversation.rated"
OUTBOUND_SENT = "outbound.sent"
OUTBOUND_OPENED = "outbound.opened"
OUTBOUND_CLICKED = "outbound.clicked"
OUTBOUND_REACTED = "outbound.reacted"

SPEC_EVENT_TYPES = frozenset(
    {
        HELP_CENTER_VISITED,
        ARTICLE_SEARCHED,
        ARTICLE_VIEWED,
        CONVERSATION_STARTED,
        BOT_ANSWERED,
        CONVERSATION_REPLIED,
        CONVERSATION_CLOSED,
        CONVERSATION_REOPENED,
        CONVERSATION_RATED,
        OUTBOUND_SENT,
        OUTBOUND_OPENED,
        OUTBOUND_CLICKED,
        OUTBOUND_REACTED,
    }
)

# The product's own audit events (not part of the import format).
CONVERSATION_NOTE_ADDED = "conversation.note_added"
CONVERSATION_ASSIGNED = "conversation.assigned"
CONVERSATION_TAGGED = "conversation.tagged"
CONVERSATION_UNTAGGED = "conversation.untagged"
CONVERSATION_SNOOZED = "conversation.snoozed"
CONTACT_MERGED = "contact.merged"

# 1:1 session events are named "meeting.<what>" (concierge.meetings.event_types): every such name
# sorts from the first bound (inclusive) to the second (exclusive).
MEETING_TYPES_FROM = "meeting."
MEETING_TYPES_UNTIL = "meeting/"
