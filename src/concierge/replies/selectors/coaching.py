"""The reply coach's reads: what the customer said before a reply, and the coach page's figures."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery

from concierge.conversations.models import Conversation, Part
from concierge.core.errors import NotFound
from concierge.core.text import message_text
from concierge.replies.coach.engine import ELEMENTS
from concierge.replies.models import CoachReview, CoachSettings
from concierge.workspaces.models import Team, Teammate, Workspace

# The customer's messages a reply answers: those since the team's previous reply, at most this many.
CUSTOMER_MESSAGES_READ = 6


def coach_voice(workspace: Workspace) -> str:
    """The tone the workspace's replies are coached towards ("casual" until someone chooses)."""
    chosen = CoachSettings.objects.filter(workspace=workspace).values_list("voice", flat=True).first()
    return chosen or CoachSettings.Voice.CASUAL


def reply_text(part: Part) -> str:
    return message_text(part.body)


def customer_messages_before(part: Part) -> list[str]:
    """The customer's messages the reply answers: those after the previous teammate reply (or from the
    start), oldest first."""
    earlier = Part.objects.filter(
        conversation_id=part.conversation_id, kind=Part.Kind.COMMENT, created_at__lte=part.created_at
    ).exclude(pk=part.pk)
    previous_reply = (
        earlier.filter(author_type=Part.Author.TEAMMATE)
        .order_by("-created_at", "-id")
        .values("created_at")
        .first()
    )
    asked = earlier.filter(author_type=Part.Author.CONTACT)
    if previous_reply is not None:
        asked = asked.filter(created_at__gte=previous_reply["created_at"])
    latest = list(asked.order_by("-created_at", "-id")[:CUSTOMER_MESSAGES_READ])
    return [message_text(message.body) for message in reversed(latest)]


def review_of_part(workspace: Workspace, part_id: int) -> CoachReview | None:
    return CoachReview.objects.filter(workspace=workspace, part_id=part_id).first()


@dataclass(frozen=True)
class ElementFigures:
    """One element's figures for a group of reviewed replies: how many have it, and how the
    conversations they were sent in did with it and without it."""

    element: str
    replies: int
    present: int
    rating_with: float | None
    rating_without: float | None
    rated_with: int
    rated_without: int
    reopened_with: int
    reopened_without: int
    conversations_with: int
    conversations_without: int

    @property
    def share(self) -> float | None:
        return self.present / self.replies if self.replies else None

    @property
    def reopen_rate_with(self) -> float | None:
        return self.reopened_with / self.conversations_with if self.conversations_with else None

    @property
    def reopen_rate_without(self) -> float | None:
        return self.reopened_without / self.conversations_without if self.conversations_without else None


@dataclass(frozen=True)
class GroupFigures:
    name: str
    replies: int
    elements: list[ElementFigures]
    teammate_id: int | None = None
    team_id: int | None = None


def reviews_in_period(workspace: Workspace, start: datetime, end: datetime):
    """The judged reviews of replies sent in [start, end), each with whether its conversation was
    reopened after the reply and the conversation's rating."""
    reopened_after = Part.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        kind=Part.Kind.STATE,
        data__state="open",
        data__was="closed",
        created_at__gt=OuterRef("sent_at"),
    )
    return (
        CoachReview.objects.filter(workspace=workspace, judged=True, sent_at__gte=start, sent_at__lt=end)
        .annotate(reopened=Exists(reopened_after))
        .values(
            "id",
            "conversation_id",
            "teammate_id",
            *ELEMENTS,
            "tone",
            "reopened",
            "conversation__rating",
        )
    )


def coach_figures(workspace: Workspace, start: datetime, end: datetime) -> dict:
    """The coach page's figures for the period: the whole workspace, each teammate and each team.
    A conversation counts once per side (with / without an element) however many replies it had."""
    rows = list(reviews_in_period(workspace, start, end))
    teammates = {t.pk: t for t in Teammate.objects.filter(workspace=workspace)}
    members: dict[int, set[int]] = {}
    teams = list(Team.objects.filter(workspace=workspace).order_by("name").prefetch_related("members"))
    for team in teams:
        members[team.pk] = {member.pk for member in team.members.all()}
    by_teammate = [
        _group(
            teammates[teammate_id].name,
            [r for r in rows if r["teammate_id"] == teammate_id],
            teammate_id=teammate_id,
        )
        for teammate_id in sorted(
            {r["teammate_id"] for r in rows if r["teammate_id"] in teammates},
            key=lambda pk: teammates[pk].name.lower(),
        )
    ]
    by_team = [
        _group(team.name, [r for r in rows if r["teammate_id"] in members[team.pk]], team_id=team.pk)
        for team in teams
    ]
    return {
        "workspace": _group(workspace.name, rows),
        "teammates": by_teammate,
        "teams": [group for group in by_team if group.replies],
    }


def _group(name: str, rows: list[dict], **key) -> GroupFigures:
    return GroupFigures(name, len(rows), [_element_figures(element, rows) for element in ELEMENTS], **key)


def _element_figures(element: str, rows: list[dict]) -> ElementFigures:
    with_it = [r for r in rows if r[element]]
    without_it = [r for r in rows if not r[element]]
    return ElementFigures(
        element=element,
        replies=len(rows),
        present=len(with_it),
        **_outcomes("with", with_it),
        **_outcomes("without", without_it),
    )


def _outcomes(side: str, rows: list[dict]) -> dict:
    conversations = {r["conversation_id"]: r for r in rows}
    reopened = {r["conversation_id"] for r in rows if r["reopened"]}
    ratings = [
        r["conversation__rating"] for r in conversations.values() if r["conversation__rating"] is not None
    ]
    return {
        f"rating_{side}": sum(ratings) / len(ratings) if ratings else None,
        f"rated_{side}": len(ratings),
        f"reopened_{side}": len(reopened),
        f"conversations_{side}": len(conversations),
    }


def conversations_behind(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    *,
    element: str,
    present: bool,
    teammate_id: int | None = None,
    team_id: int | None = None,
) -> list[Conversation]:
    """The conversations a figure counts (the drill-down): those with a judged reply sent in the period
    that has (or lacks) the element, by a teammate or a team's members if given; latest reply first."""
    if element not in ELEMENTS:
        raise ValueError(f"element must be one of {', '.join(ELEMENTS)}")
    reviews = CoachReview.objects.filter(
        workspace=workspace, judged=True, sent_at__gte=start, sent_at__lt=end, **{element: present}
    )
    if teammate_id is not None:
        reviews = reviews.filter(teammate_id=teammate_id)
    if team_id is not None:
        reviews = reviews.filter(teammate__teams__id=team_id)
    latest = reviews.filter(conversation_id=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
    return list(
        Conversation.objects.filter(workspace=workspace, pk__in=reviews.values("conversation_id"))
        .annotate(reviewed_at=Subquery(latest))
        .select_related("contact")
        .order_by("-reviewed_at", "-pk")
    )


def teammate_of_workspace(workspace: Workspace, teammate_id: int) -> Teammate:
    teammate = Teammate.objects.filter(workspace=workspace, pk=teammate_id).first()
    if teammate is None:
        raise NotFound("No such teammate in this workspace.")
    return teammate


def team_of_workspace(workspace: Workspace, team_id: int) -> Team:
    team = Team.objects.filter(workspace=workspace, pk=team_id).first()
    if team is None:
        raise NotFound("No such team in this workspace.")
    return team


def customer_messages_awaiting_reply(conversation) -> list[str]:
    """What the customer wrote since the team last replied (the draft answers these), oldest first."""
    messages = Part.objects.filter(conversation=conversation, kind=Part.Kind.COMMENT)
    last_reply = (
        messages.filter(author_type=Part.Author.TEAMMATE)
        .order_by("-created_at", "-id")
        .values("created_at")
        .first()
    )
    asked = messages.filter(author_type=Part.Author.CONTACT)
    if last_reply is not None and asked.filter(created_at__gte=last_reply["created_at"]).exists():
        asked = asked.filter(created_at__gte=last_reply["created_at"])
    latest = list(asked.order_by("-created_at", "-id")[:CUSTOMER_MESSAGES_READ])
    return [message_text(message.body) for message in reversed(latest)]
