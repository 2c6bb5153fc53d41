"""A teammate's saved views of the inbox: the current filters and search under a name, listed in
the inbox, renamed and deleted by their owner only. Each change is in the audit trail."""

from urllib.parse import urlencode

from django.db import IntegrityError, transaction

from concierge.conversations.models import SavedView
from concierge.core.errors import Conflict, InvalidInput, NotFound
from concierge.core.text import clean_short_text
from concierge.workspaces.models import Teammate
from concierge.workspaces.services.audit import Actor, record_audit

# What a view keeps of the list's query: its filters and search, never the page.
VIEW_FILTERS = ("q", "state", "assignee", "team", "tag", "priority", "channel", "sort")
MAX_VIEWS = 50


def view_query(query) -> str:
    """The filters of a list's query (a QueryDict or dict) as a view keeps them, in a fixed order."""
    kept = [(name, str(query.get(name) or "")[:300]) for name in VIEW_FILTERS]
    return urlencode([(name, value) for name, value in kept if value])


def _clean_name(name) -> str:
    return clean_short_text(name, field="name", max_length=60, required=True)


def save_view(teammate: Teammate, name, query) -> SavedView:
    name = _clean_name(name)
    with transaction.atomic():
        if SavedView.objects.filter(teammate=teammate).count() >= MAX_VIEWS:
            raise InvalidInput(f"You have {MAX_VIEWS} saved views: delete one first.", field="name")
        try:
            with transaction.atomic():
                view = SavedView.objects.create(
                    workspace_id=teammate.workspace_id, teammate=teammate, name=name, query=view_query(query)
                )
        except IntegrityError as exc:
            raise Conflict(f"You already have a view named '{name}'.", field="name") from exc
        record_audit(
            teammate.workspace,
            "saved_view.created",
            actor=Actor.for_teammate(teammate),
            target=view,
            changes={"name": [None, name], "query": [None, view.query]},
        )
    return view


def rename_view(view: SavedView, teammate: Teammate, name) -> SavedView:
    _check_owner(view, teammate)
    name = _clean_name(name)
    if name == view.name:
        return view
    was = view.name
    try:
        with transaction.atomic():
            view.name = name
            view.save(update_fields=["name"])
            record_audit(
                teammate.workspace,
                "saved_view.renamed",
                actor=Actor.for_teammate(teammate),
                target=view,
                changes={"name": [was, name]},
            )
    except IntegrityError as exc:
        view.name = was
        raise Conflict(f"You already have a view named '{name}'.", field="name") from exc
    return view


def delete_view(view: SavedView, teammate: Teammate) -> None:
    _check_owner(view, teammate)
    with transaction.atomic():
        record_audit(
            teammate.workspace,
            "saved_view.deleted",
            actor=Actor.for_teammate(teammate),
            target=view,
            changes={"name": [view.name, None]},
        )
        view.delete()


def _check_owner(view: SavedView, teammate: Teammate) -> None:
    if view.teammate_id != teammate.pk:
        raise NotFound("No such view.")
