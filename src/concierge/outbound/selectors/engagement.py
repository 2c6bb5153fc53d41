"""Reads behind a proactive email's links: the delivery or contact a valid token names, in the
workspace of the link (another workspace's is not found), and whether a contact unsubscribed."""

from concierge.contacts.models import Contact
from concierge.outbound.models import Delivery, Unsubscription
from concierge.workspaces.models import Workspace


def delivery_of_link(workspace: Workspace, delivery_id: int | None) -> Delivery | None:
    if delivery_id is None:
        return None
    return (
        Delivery.objects.filter(workspace=workspace, pk=delivery_id)
        .select_related("workspace", "message", "contact")
        .first()
    )


def contact_of_link(workspace: Workspace, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    return Contact.objects.filter(workspace=workspace, pk=contact_id).first()


def is_unsubscribed(workspace: Workspace, contact: Contact) -> bool:
    return Unsubscription.objects.filter(workspace=workspace, contact=contact).exists()
