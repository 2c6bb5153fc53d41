"""Reading the audit trail in tests: the entries a block of code wrote, oldest first, and a check that
no entry holds a secret."""

import json
from contextlib import contextmanager

from concierge.workspaces.models import AuditEntry


@contextmanager
def entries_written(workspace):
    """`with entries_written(workspace) as written: …` — afterwards `written` holds the new entries."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    written: list[AuditEntry] = []
    yield written
    written.extend(AuditEntry.objects.filter(workspace=workspace, id__gt=last).order_by("id"))


def the_only_entry(written: list[AuditEntry]) -> AuditEntry:
    assert len(written) == 1, [(entry.action, entry.changes) for entry in written]
    return written[0]


def whole_trail_text() -> str:
    """Every entry of every workspace as one text, to search for what must never be there."""
    return json.dumps(
        [
            [e.actor_label, e.action, e.target_type, e.target_label, e.changes]
            for e in AuditEntry.objects.order_by("id")
        ],
        ensure_ascii=False,
    )
