"""What a workspace's set-up decides (its teammates, teams, tags, saved views, rotations), kept in this
process while the set-up stays as it was, instead of read again on every page.

Every change of the set-up is audited, and `record_audit` gives the workspace a new `setup_version`
in the change's transaction. A page reads its workspace first (`access.teammate_page`, one query it
makes anyway), so `kept_for` knows at once whether what it keeps was made at the version that is
now the workspace's: each process sees a change on its next request, without signals or timeouts
(docs/decisions/setup-kept-per-process-by-version.md).

Keep only what changes through audited set-up changes; never what conversations change (counts,
rows). A kept value is shared by every request of the process: make it something nobody changes
afterwards (tuples, or objects only read).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import transaction

from concierge.workspaces.models import Workspace

T = TypeVar("T")

# A few values per workspace and one list of saved views per teammate: thousands of teammates'
# worth, after which the least recently used go first.
MOST_KEPT = 10_000

_kept: OrderedDict[tuple, tuple[int, object]] = OrderedDict()
_lock = threading.Lock()


def kept_for(
    workspace: Workspace, key: Hashable, make: Callable[[], T], *, in_unchanged_transaction: bool = False
) -> T:
    """`make()`'s value for `key` in this workspace, kept while `workspace.setup_version` is the one
    it was made at. `workspace` must have been read before anything `make` reads (a page's own).

    Inside a transaction nothing is kept nor reused: the transaction may have changed the set-up
    and may yet be rolled back, and what it reads must not outlive it. `in_unchanged_transaction`:
    the caller's transaction has changed nothing of the set-up before this (a reaction reading the
    routing rules), and read `workspace` inside it: what it reads is the committed set-up of that
    version or newer."""
    if transaction.get_connection().in_atomic_block and not in_unchanged_transaction:
        return make()
    entry_key = (workspace.pk, key)
    version = workspace.setup_version
    with _lock:
        entry = _kept.get(entry_key)
        if entry is not None and entry[0] == version:
            _kept.move_to_end(entry_key)
            return entry[1]
    value = make()
    with _lock:
        _kept[entry_key] = (version, value)
        _kept.move_to_end(entry_key)
        while len(_kept) > MOST_KEPT:
            _kept.popitem(last=False)
    return value


def forget(workspace: Workspace | None = None) -> None:
    """Drop what is kept for one workspace, or for all (tests)."""
    with _lock:
        if workspace is None:
            _kept.clear()
            return
        for entry_key in [entry_key for entry_key in _kept if entry_key[0] == workspace.pk]:
            del _kept[entry_key]
