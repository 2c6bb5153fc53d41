from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet

from concierge.contacts.models import Contact
from concierge.core.db import chunked, one_of, select, table
from concierge.core.errors import NotFound
from concierge.workspaces.models import Workspace


def contacts(workspace: Workspace, *, search: str = "", kind: str | None = None) -> QuerySet[Contact]:
    queryset = Contact.objects.filter(workspace=workspace, merged_into__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(external_id__icontains=search)
        )
    return queryset.order_by("-created_at", "-id")


def contacts_with_conversation_counts(workspace: Workspace, **filters) -> QuerySet[Contact]:
    return contacts(workspace, **filters).annotate(conversation_count=Count("conversations"))


def contact_by_id(workspace: Workspace, contact_id: int) -> Contact:
    contact = Contact.objects.filter(workspace=workspace, pk=contact_id).first()
    if contact is None:
        raise NotFound(f"No contact with id {contact_id} in this workspace.")
    return contact


def contact_by_external_id(workspace: Workspace, external_id: str) -> Contact | None:
    return Contact.objects.filter(workspace=workspace, external_id=external_id).first()


def contact_by_visitor_id(workspace: Workspace, visitor_id: str) -> Contact | None:
    return Contact.objects.filter(workspace=workspace, visitor_id=visitor_id).first()


def user_by_email(workspace: Workspace, email: str) -> Contact | None:
    """The user (never a lead: a lead's address is only what someone typed) an email address names,
    the oldest if several share it."""
    return (
        Contact.objects.filter(
            workspace=workspace,
            kind=Contact.Kind.USER,
            email=(email or "").strip().lower(),
            merged_into__isnull=True,
        )
        .order_by("created_at", "id")
        .first()
    )


def contact_ids_by_external_id(workspace: Workspace, external_ids: Sequence[str]) -> dict[str, int]:
    """The ids of the contacts with these external ids (those that have one), by external id: one
    statement per 500 ids, without building a model per row (the importer asks for many)."""
    found = {}
    for chunk in chunked(external_ids):
        condition, params = one_of("external_id", chunk)
        found.update(
            select(
                f"SELECT external_id, id FROM {table(Contact)} WHERE workspace_id = %s AND {condition}",
                [workspace.pk, *params],
            )
        )
    return found
