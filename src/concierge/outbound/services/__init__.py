"""Outbound's writes (docs/outbound.md): messages and their states (messages), delivering them
(delivery), the schedule's occurrences and audiences kept up to date (sweeps), goals (goals), the
workspace's cap and unsubscriptions (settings)."""

from concierge.outbound.services.delivery import deliver, deliver_due, run_send
from concierge.outbound.services.goals import meet_attribute_goals, meet_event_goals
from concierge.outbound.services.messages import (
    create_imported_message,
    create_message,
    delete_message,
    set_state,
    update_message,
)
from concierge.outbound.services.settings import resubscribe, set_daily_cap, unsubscribe
from concierge.outbound.services.sweeps import open_due_occurrences, refresh_dynamic_audiences

__all__ = [
    "create_imported_message",
    "create_message",
    "delete_message",
    "delete_message",
    "deliver",
    "deliver_due",
    "meet_attribute_goals",
    "meet_event_goals",
    "open_due_occurrences",
    "refresh_dynamic_audiences",
    "resubscribe",
    "run_send",
    "set_daily_cap",
    "set_state",
    "unsubscribe",
    "update_message",
]
