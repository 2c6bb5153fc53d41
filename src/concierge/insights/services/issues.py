"""Product issues: creating one, linking conversations to it, marking it shipped."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput
from concierge.core.text import clean_short_text
from concierge.insights.models import IssueLink, ProductIssue
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, record_audit

_url_validator = URLValidator(schemes=["http", "https"])


def clean_issue_url(url: str | None) -> str:
    url = clean_short_text(url, field="url", max_length=500)
    if not url:
        return ""
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise InvalidInput(
            "Enter the issue's web address, starting with https:// or http://.", field="url"
        ) from exc
    return url


def create_product_issue(
    workspace: Workspace, *, title: str, url: str = "", actor: Actor = SYSTEM, at=None
) -> ProductIssue:
    """A new open product issue (audited with its actor)."""
    title = clean_short_text(title, field="title", max_length=200, required=True)
    url = clean_issue_url(url)
    with transaction.atomic():
        issue = ProductIssue.objects.create(
            workspace=workspace,
            title=title,
            url=url,
            created_by=actor.teammate,
            created_at=at or timezone.now(),
        )
        record_audit(
            workspace,
            "product_issue.created",
            actor=actor,
            target=issue,
            changes={"title": [None, title], "url": [None, url]},
            at=at,
        )
    return issue


def update_product_issue(issue: ProductIssue, *, title: str, url: str, actor: Actor = SYSTEM) -> ProductIssue:
    title = clean_short_text(title, field="title", max_length=200, required=True)
    url = clean_issue_url(url)
    changes = {
        name: [getattr(issue, name), value]
        for name, value in (("title", title), ("url", url))
        if getattr(issue, name) != value
    }
    if not changes:
        return issue
    with transaction.atomic():
        issue.title, issue.url = title, url
        issue.save(update_fields=["title", "url"])
        record_audit(issue.workspace, "product_issue.updated", actor=actor, target=issue, changes=changes)
    return issue


def link_conversation_to_issue(
    issue: ProductIssue, conversation: Conversation, *, teammate: Teammate | None = None, at=None
) -> bool:
    """The conversation asked for the issue. Returns False when it was linked already."""
    if conversation.workspace_id != issue.workspace_id or (
        teammate and teammate.workspace_id != issue.workspace_id
    ):
        raise InvalidInput("That conversation belongs to another workspace.", field="conversation")
    try:
        with transaction.atomic():
            IssueLink.objects.create(
                workspace_id=issue.workspace_id,
                issue=issue,
                conversation=conversation,
                linked_by=teammate,
                linked_at=at or timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def unlink_conversation_from_issue(issue: ProductIssue, conversation: Conversation) -> bool:
    deleted, _ = IssueLink.objects.filter(issue=issue, conversation=conversation).delete()
    return bool(deleted)


def mark_issue_shipped(issue: ProductIssue, *, actor: Actor = SYSTEM, at=None) -> bool:
    """The issue shipped. Returns False when it had shipped already."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ProductIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.state == ProductIssue.State.SHIPPED:
            issue.state, issue.shipped_at = locked.state, locked.shipped_at
            return False
        ProductIssue.objects.filter(pk=issue.pk).update(state=ProductIssue.State.SHIPPED, shipped_at=at)
        issue.state, issue.shipped_at = ProductIssue.State.SHIPPED, at
        record_audit(
            issue.workspace,
            "product_issue.shipped",
            actor=actor,
            target=issue,
            changes={"state": ["open", "shipped"]},
            at=at,
        )
    return True


def reopen_issue(issue: ProductIssue, *, actor: Actor = SYSTEM) -> bool:
    with transaction.atomic():
        locked = ProductIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.state == ProductIssue.State.OPEN:
            return False
        ProductIssue.objects.filter(pk=issue.pk).update(state=ProductIssue.State.OPEN, shipped_at=None)
        issue.state, issue.shipped_at = ProductIssue.State.OPEN, None
        record_audit(
            issue.workspace,
            "product_issue.reopened",
            actor=actor,
            target=issue,
            changes={"state": ["shipped", "open"]},
        )
    return True


def link_conversations_to_issue(
    issue: ProductIssue, conversations: list[Conversation], *, teammate: Teammate | None = None
) -> int:
    """Link several at once: all or none. Returns how many were new."""
    with transaction.atomic():
        return sum(link_conversation_to_issue(issue, c, teammate=teammate) for c in conversations)
