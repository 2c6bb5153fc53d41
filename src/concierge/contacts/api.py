"""The API for contacts (API-key auth: request.workspace)."""

from ninja import Query, Router, Status

from concierge.contacts import selectors, services
from concierge.contacts.schemas import (
    ContactIn,
    ContactOut,
    ContactPage,
    ContactQuery,
    ContactUpdateIn,
    MergeIn,
)
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId

router = Router(tags=["contacts"])


@router.get("/contacts", response=ContactPage, summary="List contacts, newest first")
def list_contacts(request, filters: Query[ContactQuery]):
    contacts = selectors.contacts(request.workspace, search=filters.search or "", kind=filters.kind)
    return paginate(contacts, order=("-created_at", "-id"), cursor=filters.cursor, limit=filters.limit)


@router.post("/contacts", response={201: ContactOut}, summary="Create a user or a lead")
@idempotent
def create_contact(request, payload: ContactIn):
    contact = services.create_contact(request.workspace, **payload.dict(exclude_none=True))
    return Status(201, ContactOut.from_orm(contact))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="Get a contact")
def get_contact(request, contact_id: ObjectId):
    return selectors.contact_by_id(request.workspace, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Update a contact")
def update_contact(request, contact_id: ObjectId, payload: ContactUpdateIn):
    contact = selectors.contact_by_id(request.workspace, contact_id)
    return services.update_contact(contact, **payload.dict(exclude_none=True))


@router.post("/contacts/{contact_id}/merge", response=ContactOut, summary="Merge a lead into a user")
@idempotent
def merge_contact(request, contact_id: ObjectId, payload: MergeIn):
    """Moves the lead's conversations to the user; the lead stays, pointing at the user."""
    lead = selectors.contact_by_id(request.workspace, contact_id)
    user = selectors.contact_by_id(request.workspace, payload.user_id)
    return ContactOut.from_orm(services.merge_lead_into_user(lead, user))
