"""The log's followers: what keeps something derived from the log in step with it.

A follower (the funnel report's rollups, say) keeps what it derives from the support event log in
step with it, in the transaction that appends the events. The log does not know who follows it: an
app above it registers its follower in its `AppConfig.ready()` (`follow_the_log`), and every writer
of the log (`record_event`, an import, the events API) hands each batch to whatever is registered.
So the log, on a lower floor than what follows it, never imports it.

For each batch a follower

- gathers the batch's events without the database, in the shape its writes take (`gather`). The
  importer's reader process does it and passes the result to the writer as plain values
  (`Gathered.to_plain`, `LogFollower.from_plain`): a batch carries each follower's gathered input,
  in the registry's order. Contacts are named by a key, an index into the batch's contacts (the
  reader knows contacts only by the log's external ids) or the contact's id; `with_contact_ids`
  turns the first into the second;
- applies it (`FollowerRun.apply`) in a run made once per writer and transaction (an import, an
  events API call, one `record_event`), which holds what the follower learns from batch to batch and
  what it saves at the end (`FollowerRun.finish`).

The log's insert of a batch may run on another thread while the followers work (`alongside`, see
core.db.run_alongside): it is given to the first follower, which applies first, so an insert that
fails (an id already in the log) fails before any follower has applied anything; with no follower,
the log runs it itself.
"""

from collections.abc import Callable, Container, Hashable, Iterable, Sequence
from typing import Protocol, Self, TypeVar

from django.db.models import Model

from concierge.events.parsing import LogEvent
from concierge.workspaces.models import Workspace


class Gathered(Protocol):
    """A batch's events gathered by a follower, without the database."""

    def with_contact_ids(self, contact_ids: Sequence[int]) -> Self:
        """The same input with contact keys (indexes into `contact_ids`) turned into ids."""
        ...

    def to_plain(self) -> object:
        """Only tuples, lists, dicts, bytes, strings and numbers (for marshal, between processes)."""
        ...


G = TypeVar("G", bound=Gathered)
G_contra = TypeVar("G_contra", bound=Gathered, contravariant=True)


class FollowerRun(Protocol[G_contra]):
    """A follower's work for one writer of the log, in one transaction."""

    def apply(self, gathered: G_contra, *, alongside: Callable[[], None] | None = None) -> None:
        """Fold a batch's gathered events (contacts by id), just appended, into what the follower
        keeps. `alongside`: the log's insert of the batch, to run (once, on another thread or not)
        before this returns; when it raises, apply raises it and has changed nothing, in the database
        (the log's savepoint undoes it) or in the run."""
        ...

    def finish(self) -> None:
        """Save what the run still holds; called once, before the transaction ends."""
        ...


class LogFollower(Protocol[G]):
    """Keeps something derived from the log in step with it, in the transaction that appends."""

    # The tables its runs read while the log grows: an import refreshes their planner statistics as
    # they grow (core.db.refresh_statistics).
    tables_it_reads: tuple[type[Model], ...]
    # The tables read from what it keeps (by a report, say): an import refreshes their statistics at
    # its end.
    tables_read_from_it: tuple[type[Model], ...]

    def gather(self, events: Iterable[LogEvent], contact_key: Callable[[LogEvent], Hashable]) -> G:
        """A batch's events gathered without the database; `contact_key` names each event's contact."""
        ...

    def from_plain(self, plain: object) -> G:
        """The gathered input again, from its to_plain()."""
        ...

    def start(self, workspace: Workspace, *, private_contacts: Container[int] = ()) -> FollowerRun[G]:
        """A run for one writer of the workspace's log. `private_contacts`: contacts the writer's
        transaction created, which no other writer can see until it commits."""
        ...


_followers: list[LogFollower] = []


def follow_the_log(follower: LogFollower) -> None:
    """Register a follower (once: an app's ready() may run more than once). Every writer of the log
    started afterwards hands it its batches."""
    if follower not in _followers:
        _followers.append(follower)


def log_followers() -> tuple[LogFollower, ...]:
    """The registered followers, in the order they were registered."""
    return tuple(_followers)


def gather_for_followers(
    events: Iterable[LogEvent], contact_key: Callable[[LogEvent], Hashable]
) -> tuple[Gathered, ...]:
    """A batch's events gathered by each follower, in the registry's order."""
    events = events if isinstance(events, list) else list(events)
    return tuple(follower.gather(events, contact_key) for follower in log_followers())


def gathered_to_plain(gathered: tuple[Gathered, ...]) -> tuple:
    return tuple(each.to_plain() for each in gathered)


def gathered_from_plain(plain: tuple) -> tuple[Gathered, ...]:
    return tuple(follower.from_plain(each) for follower, each in zip(log_followers(), plain, strict=True))


class LogRuns:
    """Each follower's run for one writer of the workspace's log, in one transaction."""

    def __init__(self, workspace: Workspace, *, private_contacts: Container[int] = ()):
        self.runs = [
            follower.start(workspace, private_contacts=private_contacts) for follower in log_followers()
        ]

    def apply(
        self,
        gathered: tuple[Gathered, ...],
        *,
        contact_ids: Sequence[int] | None = None,
        alongside: Callable[[], None] | None = None,
    ) -> None:
        """Hand each follower its part of a batch (gathered by gather_for_followers; with
        `contact_ids`, its contact keys are indexes into them, else ids). `alongside`: see the
        module's docstring."""
        if not self.runs:
            if alongside is not None:
                alongside()
            return
        for run, each in zip(self.runs, gathered, strict=True):
            run.apply(
                each if contact_ids is None else each.with_contact_ids(contact_ids), alongside=alongside
            )
            alongside = None

    def finish(self) -> None:
        for run in self.runs:
            run.finish()


def tables_followers_read() -> tuple[type[Model], ...]:
    """The tables the followers' runs read while the log grows (see LogFollower)."""
    return tuple(model for follower in log_followers() for model in follower.tables_it_reads)


def tables_read_from_followers() -> tuple[type[Model], ...]:
    """The tables read from what the followers keep (see LogFollower)."""
    return tuple(model for follower in log_followers() for model in follower.tables_read_from_it)
