"""How outbound reacts to what a customer's product tracks (events.announcements.ContactTracked):
goals waiting for that event are met (in the tracking's transaction), and live messages triggered by
it are delivered (in the worker)."""

from concierge.contacts.models import Contact
from concierge.events.announcements import ContactTracked
from concierge.outbound.models import Message
from concierge.outbound.services import deliver, meet_event_goals


def _contact(tracked: ContactTracked) -> Contact | None:
    return (
        Contact.objects.select_related("workspace")
        .filter(pk=tracked.contact_id, workspace_id=tracked.workspace_id)
        .first()
    )


def meet_goals_of_tracked_event(tracked: ContactTracked) -> None:
    contact = _contact(tracked)
    if contact is not None:
        meet_event_goals(contact, tracked.name, tracked.at)


def deliver_messages_triggered_by(tracked: ContactTracked) -> None:
    """Each live message sent "when an event is tracked" with this event's name goes to the contact
    (if they are in its audience, its frequency and the cap allow)."""
    contact = _contact(tracked)
    if contact is None:
        return
    triggered = Message.objects.filter(
        workspace_id=tracked.workspace_id,
        state=Message.State.LIVE,
        trigger=Message.Trigger.EVENT,
        event_name=tracked.name,
    ).select_related("workspace")
    for message in triggered:
        deliver(message, contact, at=tracked.at)
