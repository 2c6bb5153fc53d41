"""Reading deliveries: a contact's (the messenger shows them; a contact sees only their own)."""

from django.db.models import QuerySet

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.outbound.models import Delivery
from concierge.workspaces.models import Workspace


def deliveries_for_contact(
    workspace: Workspace,
    contact: Contact,
    *,
    content_types=None,
    state: str | None = "sent",
    include_dismissed: bool = True,
) -> QuerySet:
    """The contact's deliveries (sent ones by default), newest first, with their message and versions."""
    if contact.workspace_id != workspace.pk:
        return Delivery.objects.none()
    deliveries = Delivery.objects.filter(workspace=workspace, contact=contact)
    if state:
        deliveries = deliveries.filter(state=state)
    if content_types:
        deliveries = deliveries.filter(message__content_type__in=list(content_types))
    if not include_dismissed:
        deliveries = deliveries.filter(dismissed_at__isnull=True)
    return (
        deliveries.select_related("message", "message__sender")
        .prefetch_related("message__versions")
        .order_by("-sent_at", "-id")
    )


def delivery_of_contact(workspace: Workspace, contact: Contact, delivery_id) -> Delivery:
    """One of the contact's own deliveries; anyone else's (or none) is NotFound."""
    try:
        delivery_id = int(delivery_id)
    except (TypeError, ValueError):
        raise NotFound("No such message.") from None
    delivery = (
        Delivery.objects.filter(workspace=workspace, contact=contact, pk=delivery_id)
        .select_related("message", "message__sender")
        .first()
    )
    if delivery is None:
        raise NotFound("No such message.")
    return delivery
