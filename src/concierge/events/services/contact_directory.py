"""The importer's directory of contacts: the ids of the contacts a log names by external id, made
in bulk where unknown, with a bounded memory of those already resolved."""

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable

from concierge.contacts.selectors import contact_ids_by_external_id
from concierge.contacts.services import create_users_in_bulk
from concierge.workspaces.models import Workspace


class IdRanges:
    """A set of integer ids kept as sorted, disjoint ranges: ids made in bulk are mostly consecutive,
    so a million of them take a few entries."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []  # inclusive

    def add(self, ids: Iterable[int]) -> None:
        for value in sorted(ids):
            if self.ends and value > self.ends[-1]:  # the usual case: beyond every range so far
                if value == self.ends[-1] + 1:
                    self.ends[-1] = value
                else:
                    self.starts.append(value)
                    self.ends.append(value)
                continue
            if value in self:
                continue
            index = bisect_right(self.starts, value)
            joins_before = index > 0 and self.ends[index - 1] == value - 1
            joins_after = index < len(self.starts) and self.starts[index] == value + 1
            if joins_before and joins_after:
                self.ends[index - 1] = self.ends.pop(index)
                del self.starts[index]
            elif joins_before:
                self.ends[index - 1] = value
            elif joins_after:
                self.starts[index] = value
            else:
                self.starts.insert(index, value)
                self.ends.insert(index, value)

    def __contains__(self, value: int) -> bool:
        index = bisect_right(self.starts, value) - 1
        return index >= 0 and value <= self.ends[index]

    def __len__(self) -> int:
        return sum(end - start + 1 for start, end in zip(self.starts, self.ends, strict=True))


class ContactDirectory:
    """Contacts by the external id the log names them with; unknown ids create a contact. Keeps a
    bounded cache so a long import stays in bounded memory.

    `created` holds the contacts this transaction made itself: no other transaction can see them
    until it commits, so their rollups need no lock against other writers."""

    # Half a million contacts take about 100 MB; a long import that names more looks the rest up again.
    CACHE_LIMIT = 500_000

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.cache: OrderedDict[str, int] = OrderedDict()
        self.created = IdRanges()

    def ids_for(self, external_ids: set[str]) -> dict[str, int]:
        found = {ref: self.cache[ref] for ref in external_ids if ref in self.cache}
        missing = sorted(external_ids - found.keys())
        if missing:
            # Made where new (mostly, in a long import); those already there are left as they are
            # and looked up: one statement each way instead of a lookup of every missing one first.
            made = create_users_in_bulk(self.workspace, missing)
            self.created.add(made.values())
            found.update(made)
            if len(made) < len(missing):
                found.update(
                    contact_ids_by_external_id(self.workspace, [ref for ref in missing if ref not in made])
                )
        for ref, contact_id in found.items():
            self.remember(ref, contact_id)
        return found

    def remember(self, external_id: str, contact_id: int) -> None:
        self.cache[external_id] = contact_id
        self.cache.move_to_end(external_id)
        if len(self.cache) > self.CACHE_LIMIT:
            self.cache.popitem(last=False)
