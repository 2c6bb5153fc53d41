"""Every write to conversations, one module per concern. Each function changes rows in one
transaction and appends the matching support event in that same transaction (architecture rule 3).

`at` lets the demo seeder and importers replay history; live callers leave it out (now).
"""

from concierge.conversations.services.assignment import (
    assign_conversation,
    unassign_conversations_of_teammate,
)
from concierge.conversations.services.contacts import move_conversations_to_contact
from concierge.conversations.services.due import set_response_due
from concierge.conversations.services.messages import (
    add_files_to_new_reply,
    add_note,
    deliver_bot_answer,
    record_delivery,
    reply_as_contact,
    reply_as_teammate,
)
from concierge.conversations.services.priority import set_conversation_priority
from concierge.conversations.services.ratings import rate_conversation
from concierge.conversations.services.seen import mark_seen_by_contact
from concierge.conversations.services.starting import start_conversation
from concierge.conversations.services.states import (
    close_conversation,
    hand_over_to_team,
    reopen_conversation,
    snooze_conversation,
    wake_snoozed_conversations,
)
from concierge.conversations.services.tags import (
    create_tag,
    delete_tag,
    rename_tag,
    tag_conversation,
    tag_for_name,
    untag_conversation,
)

__all__ = [
    "add_files_to_new_reply",
    "add_note",
    "assign_conversation",
    "close_conversation",
    "create_tag",
    "delete_tag",
    "deliver_bot_answer",
    "hand_over_to_team",
    "mark_seen_by_contact",
    "move_conversations_to_contact",
    "rate_conversation",
    "record_delivery",
    "rename_tag",
    "reopen_conversation",
    "reply_as_contact",
    "reply_as_teammate",
    "set_conversation_priority",
    "set_response_due",
    "snooze_conversation",
    "start_conversation",
    "tag_conversation",
    "tag_for_name",
    "unassign_conversations_of_teammate",
    "untag_conversation",
    "wake_snoozed_conversations",
]
