"""The events API: a customer's backend posts events to the support log (API-key auth)."""

from ninja import Router, Status

from concierge.contacts.selectors import contact_by_id
from concierge.core.idempotency import idempotent
from concierge.core.schemas import ObjectId
from concierge.events.schemas import (
    MAX_EVENTS_PER_CALL,
    BadBatchOut,
    EventBatchIn,
    EventBatchOut,
    TrackedOut,
    TrackIn,
)
from concierge.events.services import track_contact_event
from concierge.events.services.importing import BadBatch, append_log_objects

router = Router(tags=["events"])


@router.post(
    "/events",
    response={200: EventBatchOut, 422: BadBatchOut},
    summary="Append events to the support log",
)
def post_events(request, payload: EventBatchIn):
    """Up to 1,000 events (or records) per call, validated like the lines of an imported log: any bad
    one rejects the whole call (422, each bad item's index and reason) and nothing is written. An
    event whose `id` is already in the log changes nothing, so a call can be retried safely."""
    if len(payload.events) > MAX_EVENTS_PER_CALL:
        return Status(
            422,
            {
                "detail": f"{len(payload.events):,} events in one call; the limit is {MAX_EVENTS_PER_CALL:,}.",
                "errors": [],
            },
        )
    try:
        result = append_log_objects(request.workspace, payload.events)
    except BadBatch as exc:
        return Status(
            422,
            {
                "detail": f"{len(exc.bad)} of {len(payload.events)} events are bad; nothing was written.",
                "errors": [{"index": index, "reason": reason} for index, reason in exc.bad],
            },
        )
    return Status(
        200,
        {
            "events_taken": result.events_taken,
            "duplicates_skipped": result.duplicates_skipped,
            "records_applied": result.records_applied,
        },
    )


@router.post(
    "/contacts/{contact_id}/track",
    response={201: TrackedOut},
    summary="Record what a contact did in your product (as Concierge('track', …) does)",
)
@idempotent
def track(request, contact_id: ObjectId, payload: TrackIn):
    """One `contact.tracked` event for the contact, now: what proactive messages' audiences, event
    triggers and goals read. Another workspace's contact is a 404."""
    contact = contact_by_id(request.workspace, contact_id)
    event = track_contact_event(contact, payload.name, payload.data)
    return Status(201, event)
