"""The import format's event types (shared/spec/events.md): the funnel's events, which the product
writes too and a team may import. The product's own extra types (assignments, notes, tags, merges,
1:1 sessions, …) make the log a full audit trail; each app that writes them names them in its own
`event_types.py`."""

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

# Values of the import format's fields that the report reads; the product's conversations take theirs
# from here too, so a conversation the product starts always speaks the format.
CONVERSATION_CHANNELS = ("messenger", "email", "api")
INITIATORS = ("contact", "teammate")
REPLY_AUTHORS = ("teammate", "contact", "bot")
CLOSED_BY = ("teammate", "bot", "contact")  # the side that closed a conversation

# The product's own event types (not part of the import format, ignored by the funnel report) are
# each app's: conversations.event_types, contacts.event_types, meetings.event_types.

# 1:1 session events are named "meeting.<what>" (concierge.meetings.event_types): every such name
# sorts from the first bound (inclusive) to the second (exclusive).
MEETING_TYPES_FROM = "meeting."
MEETING_TYPES_UNTIL = "meeting/"
