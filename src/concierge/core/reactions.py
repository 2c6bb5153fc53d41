"""Reactions: a service announces what happened; apps above it react, without the service knowing them.

A service that changes something other apps care about announces it, inside its transaction:

    announce(ConversationStarted(workspace_id=..., conversation_id=..., ...))

An announcement is a frozen dataclass of plain values (ids, text, numbers, instants), declared in the
announcing app's `announcements.py`. Apps subscribe in their `AppConfig.ready`:

    subscribe(ConversationStarted, answer_from_articles)                      # a durable task
    subscribe(ConversationStarted, push_to_open_inboxes, runs=AFTER_COMMIT)   # live updates
    subscribe(LeadMerged, move_conversations_to_the_user, runs=IN_TRANSACTION)

How a subscriber runs:
- TASK (the default: the bot, triage, notifications): a task enqueued in the change's own
  transaction (core.queue), so it exists exactly when the change does. The worker runs it; a task
  that runs again (a worker that died and was restarted, a retry) finds its run already recorded and
  does nothing: the subscriber's own writes and that record commit together (claim_reaction_run).
- AFTER_COMMIT (live updates): in the same process, once the change has committed. It never undoes
  the change; a failure is logged and the next subscriber still runs.
- IN_TRANSACTION: inside the change's transaction, for keeping another app's rows consistent with
  the change (a merged lead's conversations belong to the user from the same instant). Its failure
  undoes the change, so it must stay small and local: never slow work, never the outside world.

A subscriber of a base announcement (e.g. every `ConversationChanged`) hears each of its kinds.
Subscribers run in the order they subscribed; apps subscribe in INSTALLED_APPS order.
"""

import dataclasses
import enum
import importlib
import logging
import typing
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import transaction
from django_tasks import task

from concierge.core.queue import enqueue_with_change
from concierge.core.services import claim_reaction_run

logger = logging.getLogger("concierge.reactions")


class Runs(enum.Enum):
    TASK = "task"
    AFTER_COMMIT = "after_commit"
    IN_TRANSACTION = "in_transaction"


TASK, AFTER_COMMIT, IN_TRANSACTION = Runs.TASK, Runs.AFTER_COMMIT, Runs.IN_TRANSACTION


@dataclasses.dataclass(frozen=True)
class Announcement:
    """What happened, in a workspace. Subclasses add plain fields: int, str, bool, float, None,
    datetime, or lists of those."""

    workspace_id: int


@dataclasses.dataclass(frozen=True)
class Subscription:
    announcement: type[Announcement]
    react: Callable[[Announcement], object]
    runs: Runs

    @property
    def name(self) -> str:
        return dotted_path(self.react)


_subscriptions: dict[type[Announcement], list[Subscription]] = defaultdict(list)


def subscribe(announcement: type[Announcement], react: Callable, *, runs: Runs = TASK) -> None:
    """Have `react(announcement)` run whenever such an announcement is made. Call it from an
    AppConfig.ready; subscribing the same function twice to one announcement changes nothing."""
    if not (isinstance(announcement, type) and issubclass(announcement, Announcement)):
        raise TypeError(f"{announcement!r} is not an Announcement type")
    if not isinstance(runs, Runs):
        raise TypeError(f"runs must be one of {', '.join(r.name for r in Runs)}")
    if runs is TASK:
        _check_importable(react)
    subscription = Subscription(announcement, react, runs)
    if subscription not in _subscriptions[announcement]:
        _subscriptions[announcement].append(subscription)


def unsubscribe(announcement: type[Announcement], react: Callable) -> None:
    _subscriptions[announcement] = [s for s in _subscriptions[announcement] if s.react is not react]


def subscriptions(announcement: type[Announcement]) -> list[Subscription]:
    """Who hears this kind of announcement: its own subscribers, then those of the kinds it is one of."""
    return [
        subscription
        for kind in announcement.__mro__
        if kind in _subscriptions
        for subscription in _subscriptions[kind]
    ]


def announce(announcement: Announcement) -> None:
    """Tell the subscribers what happened. Must run inside the transaction of the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("announce must be called inside the transaction of the change it announces")
    for subscription in subscriptions(type(announcement)):
        if subscription.runs is IN_TRANSACTION:
            subscription.react(announcement)
        elif subscription.runs is AFTER_COMMIT:
            transaction.on_commit(partial(_react_after_commit, subscription, announcement))
        else:
            _enqueue(subscription, announcement)


def _react_after_commit(subscription: Subscription, announcement: Announcement) -> None:
    try:
        subscription.react(announcement)
    except Exception:  # the change has committed; one subscriber's failure must not stop the others
        logger.exception("%s failed to react to %s", subscription.name, type(announcement).__name__)


def _enqueue(subscription: Subscription, announcement: Announcement) -> None:
    enqueue_with_change(
        react_task,
        subscription.name,
        dotted_path(type(announcement)),
        to_plain(announcement),
        uuid.uuid4().hex,
    )


@task()
def react_task(subscriber: str, announcement_type: str, fields: dict, announcement_id: str) -> str:
    """The task of a task subscriber: runs it for one announcement, once however often the task runs
    (its run is recorded with its writes). Returns what happened."""
    react = import_dotted(subscriber)
    announcement = from_plain(import_dotted(announcement_type), fields)
    with transaction.atomic():
        if not claim_reaction_run(announcement_id, subscriber):
            return "already done"
        react(announcement)
    return "done"


def to_plain(announcement: Announcement) -> dict:
    """The announcement's fields as JSON-ready values (instants as ISO 8601 text)."""
    plain = {}
    for field in dataclasses.fields(announcement):
        value = getattr(announcement, field.name)
        plain[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return plain


def from_plain(announcement_type: type[Announcement], plain: dict) -> Announcement:
    hints = typing.get_type_hints(announcement_type)
    values = {}
    for field in dataclasses.fields(announcement_type):
        value = plain[field.name]
        if value is not None and datetime in _types_in(hints[field.name]):
            value = datetime.fromisoformat(value)
        values[field.name] = value
    return announcement_type(**values)


def _types_in(hint) -> tuple:
    return typing.get_args(hint) or (hint,)


def dotted_path(thing) -> str:
    return f"{thing.__module__}:{thing.__qualname__}"


def import_dotted(path: str):
    module_name, _, qualname = path.partition(":")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _check_importable(react: Callable) -> None:
    """A task finds its subscriber again by name, in another process: it must be a module's own
    function (not a lambda, a closure or a bound method)."""
    try:
        found = import_dotted(dotted_path(react))
    except (AttributeError, ImportError, ValueError):
        found = None
    if found is not react:
        raise TypeError(f"a task subscriber must be a module-level function, not {react!r}")
