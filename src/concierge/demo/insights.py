"""The demo's product feedback: more of the seeded conversations tagged as feature requests where a
customer asked for something new, and four product issues with the conversations that asked for them
(one shipped), all through the services."""

import random
from datetime import datetime, timedelta

from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation
from concierge.insights.services.issues import (
    create_product_issue,
    link_conversation_to_issue,
    mark_issue_shipped,
)
from concierge.workspaces.models import Workspace
from concierge.workspaces.services import Actor

FEATURE_REQUEST = "feature-request"
# Conversations that ask for something the product does not do yet: (subject, share tagged).
ALSO_FEATURE_REQUESTS = [
    ("Export is missing custom fields", 0.7),
    ("Enforce SSO for all members", 0.6),
    ("Pagination on the conversations endpoint", 0.5),
    ("Importing from Zendesk", 0.3),
]
# The product issues: (title, tracker link, the subjects of the conversations that asked, shipped).
ISSUES = [
    (
        "Charts in each viewer's own time zone",
        "https://tracker.acme.example/PRD-1201",
        ["Charts show the wrong time zone"],
        True,
    ),
    ("Custom roles (reply without export)", "https://tracker.acme.example/PRD-877", ["Custom roles"], False),
    (
        "Exports: custom fields and no time-outs",
        "https://tracker.acme.example/PRD-1320",
        ["CSV export times out", "Export is missing custom fields"],
        False,
    ),
    (
        "Push notifications on iOS",
        "https://tracker.acme.example/PRD-1415",
        ["No push notifications on iOS"],
        False,
    ),
]


def seed_product_feedback(workspace: Workspace, owner: Actor, rng: random.Random, now: datetime) -> None:
    tag = conversations.tag_for_name(workspace, FEATURE_REQUEST, actor=owner)
    for subject, share in ALSO_FEATURE_REQUESTS:
        for conversation in _with_subject(workspace, [subject]):
            if rng.random() < share:
                conversations.tag_conversation(
                    conversation,
                    tag,
                    teammate=conversation.assignee,
                    at=conversation.created_at + timedelta(hours=1),
                )
    for title, url, subjects, shipped in ISSUES:
        asked = _with_subject(workspace, subjects)
        created = min((c.created_at for c in asked), default=now) + timedelta(hours=2)
        issue = create_product_issue(workspace, title=title, url=url, actor=owner, at=min(created, now))
        for conversation in asked:
            if rng.random() < 0.85:  # a teammate now and then forgets to link one
                link_conversation_to_issue(
                    issue,
                    conversation,
                    teammate=conversation.assignee or owner.teammate,
                    at=max(conversation.created_at + timedelta(hours=3), issue.created_at),
                )
        if shipped:
            mark_issue_shipped(issue, actor=owner, at=now - timedelta(days=2))


def _with_subject(workspace: Workspace, subjects: list[str]) -> list[Conversation]:
    return list(
        Conversation.objects.filter(workspace=workspace, subject__in=subjects)
        .select_related("assignee")
        .order_by("created_at", "pk")
    )
