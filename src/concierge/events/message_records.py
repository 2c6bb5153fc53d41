"""Who applies the log's `outbound_message` records.

An `outbound_message` record describes a proactive message (its content type, sender and tags). The
description belongs to the app that writes and sends proactive messages, `outbound`, on a higher floor
(docs/decisions/proactive-message-descriptions-belong-to-outbound.md), so the log does not import
it: that app registers its applier here in its `AppConfig.ready()` (`apply_message_records_with`),
and every writer of the log that meets such a record (an import, the events API) hands it over
(`apply_message_record`) — the same inversion as the log's followers (events.followers).
"""

from collections.abc import Callable

from concierge.core.errors import InvalidInput
from concierge.events.parsing import MessageRecord
from concierge.workspaces.models import Workspace

MessageRecordApplier = Callable[[Workspace, MessageRecord], object]

_appliers: list[MessageRecordApplier] = []


def apply_message_records_with(applier: MessageRecordApplier) -> None:
    """Register the applier of `outbound_message` records; registering it again changes nothing
    (an app's ready() may run more than once)."""
    if applier not in _appliers:
        _appliers.append(applier)


def apply_message_record(workspace: Workspace, record: MessageRecord) -> object:
    """Hand the record to the registered applier, inside the caller's transaction. Refused (a bad
    line) when no app takes them."""
    if not _appliers:
        raise InvalidInput("no app describes proactive messages here: outbound_message records are not taken")
    result = None
    for applier in _appliers:
        result = applier(workspace, record)
    return result
