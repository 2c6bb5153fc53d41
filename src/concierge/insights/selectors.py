"""Reads for the product stand-up, the product issues and the digest, each scoped to a workspace.

The stand-up counts conversations that carry a product-feedback tag and started in a period (the
workspace's local days), by tag, as distinct customers with their plan and seats. The counts and the
lists behind them come from the same rows (`feedback_rows`), so a count always equals its list."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part, Tag
from concierge.core.errors import InvalidInput, NotFound
from concierge.core.text import message_text
from concierge.insights.models import DigestSetting, FeedbackTag, IssueLink, ProductIssue, ShippedReply
from concierge.meetings.selectors.reports import feedback_insights
from concierge.workspaces.models import Teammate, Workspace

# Tags that count as product feedback until the team says otherwise (compared lower-cased).
DEFAULT_FEEDBACK_TAG_NAMES = frozenset(
    {"bug", "bugs", "feature request", "feature requests", "feature-request", "feature-requests"}
)
NO_PLAN = ""  # a customer whose attributes name no plan
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9998, 12, 31)
LONGEST_PERIOD_DAYS = 5 * 366
QUOTE_LENGTH = 280


# ---------- Which tags are product feedback ----------


def is_default_feedback_tag(name: str) -> bool:
    return name.strip().lower() in DEFAULT_FEEDBACK_TAG_NAMES


def tag_feedback_settings(workspace: Workspace) -> list[tuple[Tag, bool]]:
    """Every tag of the workspace by name, with whether it counts as product feedback."""
    tags = Tag.objects.filter(workspace=workspace).select_related("feedback_setting").order_by("name")
    return [(tag, counts_as_feedback(tag)) for tag in tags]


def counts_as_feedback(tag: Tag) -> bool:
    try:
        return tag.feedback_setting.is_product_feedback
    except FeedbackTag.DoesNotExist:
        return is_default_feedback_tag(tag.name)


def feedback_tags(workspace: Workspace) -> list[Tag]:
    """The workspace's product-feedback tags, by name."""
    return [tag for tag, counted in tag_feedback_settings(workspace) if counted]


def tag_of_workspace(workspace: Workspace, tag_id: int) -> Tag:
    tag = Tag.objects.filter(workspace=workspace, pk=tag_id).first()
    if tag is None:
        raise NotFound(f"No tag with id {tag_id} in this workspace.")
    return tag


# ---------- Periods ----------


@dataclass(frozen=True)
class Period:
    """Local days of the workspace, first to last, and the instants they span."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def period_of(workspace: Workspace, first_day: date, last_day: date) -> Period:
    if not (EARLIEST_DAY <= first_day <= LATEST_DAY and EARLIEST_DAY <= last_day <= LATEST_DAY):
        raise InvalidInput(f"Choose dates from {EARLIEST_DAY:%Y} to {LATEST_DAY:%Y}.", field="from")
    if first_day > last_day:
        raise InvalidInput(f"The period ends ({last_day}) before it starts ({first_day}).", field="to")
    if (last_day - first_day).days + 1 > LONGEST_PERIOD_DAYS:
        raise InvalidInput("A period can be at most 5 years long.", field="to")
    zone = ZoneInfo(workspace.timezone or "UTC")
    return Period(
        first_day,
        last_day,
        datetime.combine(first_day, datetime.min.time(), tzinfo=zone),
        datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone),
    )


def previous_period(workspace: Workspace, period: Period) -> Period:
    """The same number of days just before."""
    last = period.first_day - timedelta(days=1)
    first = max(EARLIEST_DAY, last - timedelta(days=period.days - 1))
    if last < EARLIEST_DAY:
        first = last = EARLIEST_DAY
    return period_of(workspace, first, last)


# ---------- The stand-up ----------


@dataclass(frozen=True)
class FeedbackRow:
    conversation_id: int
    tag_id: int
    contact_id: int
    started_at: datetime


def feedback_rows(
    workspace: Workspace,
    period: Period,
    tag_ids: list[int] | None = None,
    *,
    team_ids: list[int] | None = None,
) -> list[FeedbackRow]:
    """(conversation, product-feedback tag, contact) for each feedback tag on each conversation that
    started in the period. `tag_ids`: only those tags (each must be a feedback tag to count);
    `team_ids`: only the conversations of those teams."""
    tags = [tag.pk for tag in feedback_tags(workspace)]
    if tag_ids is not None:
        tags = [tag for tag in tags if tag in set(tag_ids)]
    if not tags:
        return []
    through = Conversation.tags.through
    rows = through.objects.filter(
        tag_id__in=tags,
        conversation__workspace=workspace,
        conversation__created_at__gte=period.start,
        conversation__created_at__lt=period.end,
    )
    if team_ids is not None:
        rows = rows.filter(conversation__team_id__in=team_ids)
    rows = rows.values_list(
        "conversation_id", "tag_id", "conversation__contact_id", "conversation__created_at"
    )
    return [FeedbackRow(*row) for row in rows]


def plan_of(attributes: dict) -> str:
    plan = (attributes or {}).get("plan")
    return str(plan).strip()[:60] if plan not in (None, "") else NO_PLAN


def seats_of(attributes: dict) -> int:
    """A customer's seats from their attributes; anything that is not a whole number counts 0."""
    seats = (attributes or {}).get("seats")
    if isinstance(seats, bool):
        return 0
    if isinstance(seats, int):
        return max(seats, 0)
    if isinstance(seats, float) and seats.is_integer():
        return max(int(seats), 0)
    if isinstance(seats, str) and seats.strip().isascii() and seats.strip().isdigit():
        return int(seats.strip())
    return 0


def _attributes_of(workspace: Workspace, contact_ids) -> dict[int, dict]:
    return dict(
        Contact.objects.filter(workspace=workspace, pk__in=list(contact_ids)).values_list("pk", "attributes")
    )


@dataclass
class PlanFigure:
    plan: str
    customers: int
    seats: int


@dataclass
class Quote:
    conversation_id: int
    contact_name: str
    plan: str
    text: str
    at: datetime


@dataclass
class TagFigures:
    tag: Tag
    conversations: int
    customers: int
    seats: int
    plans: list[PlanFigure]
    previous_conversations: int = 0
    previous_customers: int = 0
    quotes: list[Quote] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.customers - self.previous_customers

    @property
    def change_percent(self) -> int | None:
        if not self.previous_customers:
            return None
        return round(100 * self.change / self.previous_customers)


@dataclass
class Standup:
    period: Period
    previous: Period
    tags: list[TagFigures]
    conversations: int
    customers: int
    seats: int
    previous_customers: int
    feature_feedback: dict


def _figures(rows: list[FeedbackRow], attributes: dict[int, dict]) -> tuple[int, int, int, list[PlanFigure]]:
    contacts = {row.contact_id for row in rows}
    by_plan: dict[str, set[int]] = defaultdict(set)
    for contact_id in contacts:
        by_plan[plan_of(attributes.get(contact_id, {}))].add(contact_id)
    plans = [
        PlanFigure(plan, len(ids), sum(seats_of(attributes.get(i, {})) for i in ids))
        for plan, ids in by_plan.items()
    ]
    plans.sort(key=lambda p: (-p.customers, p.plan == NO_PLAN, p.plan))
    seats = sum(seats_of(attributes.get(i, {})) for i in contacts)
    return len({row.conversation_id for row in rows}), len(contacts), seats, plans


def standup(
    workspace: Workspace, period: Period, *, quotes_per_tag: int = 3, team_ids: list[int] | None = None
) -> Standup:
    """The stand-up's figures: each product-feedback tag with its conversations, distinct customers,
    their plans and seats, the previous period's figures, and the customers' first words."""
    previous = previous_period(workspace, period)
    rows = feedback_rows(workspace, period, team_ids=team_ids)
    previous_rows = feedback_rows(workspace, previous, team_ids=team_ids)
    attributes = _attributes_of(workspace, {row.contact_id for row in rows})
    by_tag: dict[int, list[FeedbackRow]] = defaultdict(list)
    for row in rows:
        by_tag[row.tag_id].append(row)
    previous_by_tag: dict[int, list[FeedbackRow]] = defaultdict(list)
    for row in previous_rows:
        previous_by_tag[row.tag_id].append(row)
    figures = []
    for tag in feedback_tags(workspace):
        conversations, customers, seats, plans = _figures(by_tag[tag.pk], attributes)
        earlier = previous_by_tag[tag.pk]
        figures.append(
            TagFigures(
                tag=tag,
                conversations=conversations,
                customers=customers,
                seats=seats,
                plans=plans,
                previous_conversations=len({row.conversation_id for row in earlier}),
                previous_customers=len({row.contact_id for row in earlier}),
            )
        )
    figures.sort(key=lambda f: (-f.customers, -f.previous_customers, f.tag.name.lower()))
    quotes = first_words(workspace, by_tag, attributes, per_tag=quotes_per_tag)
    for figure in figures:
        figure.quotes = quotes.get(figure.tag.pk, [])
    total_conversations, total_customers, total_seats, _ = _figures(rows, attributes)
    return Standup(
        period=period,
        previous=previous,
        tags=figures,
        conversations=total_conversations,
        customers=total_customers,
        seats=total_seats,
        previous_customers=len({row.contact_id for row in previous_rows}),
        feature_feedback=feedback_insights(workspace, period.first_day, period.last_day, top=8),
    )


def first_words(
    workspace: Workspace, by_tag: dict[int, list[FeedbackRow]], attributes: dict[int, dict], *, per_tag: int
) -> dict[int, list[Quote]]:
    """Each tag's newest conversations' first customer message, one per customer, as plain text."""
    wanted: dict[int, list[int]] = {}
    for tag_id, rows in by_tag.items():
        newest = sorted({(row.started_at, row.conversation_id) for row in rows}, reverse=True)
        wanted[tag_id] = [cid for _, cid in newest][: per_tag * 4]
    ids = {cid for cids in wanted.values() for cid in cids}
    if not ids:
        return {}
    first: dict[int, Part] = {}
    parts = (
        Part.objects.filter(
            workspace=workspace,
            conversation_id__in=ids,
            kind=Part.Kind.COMMENT,
            author_type=Part.Author.CONTACT,
        )
        .select_related("conversation__contact")
        .order_by("conversation_id", "created_at", "id")
    )
    for part in parts:
        first.setdefault(part.conversation_id, part)
    quotes: dict[int, list[Quote]] = {}
    for tag_id, cids in wanted.items():
        chosen, seen = [], set()
        for cid in cids:
            part = first.get(cid)
            if part is None or part.conversation.contact_id in seen:
                continue
            text = message_text(part.body).strip()
            if not text:
                continue
            seen.add(part.conversation.contact_id)
            contact = part.conversation.contact
            if len(text) > QUOTE_LENGTH:
                text = text[: QUOTE_LENGTH - 1].rstrip() + "…"
            chosen.append(
                Quote(
                    cid, contact.display_name, plan_of(attributes.get(contact.pk, {})), text, part.created_at
                )
            )
            if len(chosen) == per_tag:
                break
        quotes[tag_id] = chosen
    return quotes


def conversations_behind(
    workspace: Workspace, period: Period, *, tag_id: int | None = None, plan: str | None = None
) -> list[Conversation]:
    """The conversations behind a stand-up figure (a tag's, a tag's plan's, or all), newest first."""
    rows = feedback_rows(workspace, period, [tag_id] if tag_id is not None else None)
    if plan is not None:
        attributes = _attributes_of(workspace, {row.contact_id for row in rows})
        rows = [row for row in rows if plan_of(attributes.get(row.contact_id, {})) == plan]
    ids = {row.conversation_id for row in rows}
    return list(
        Conversation.objects.filter(workspace=workspace, pk__in=ids)
        .select_related("contact")
        .prefetch_related("tags")
        .order_by("-created_at", "-id")
    )


# ---------- Product issues ----------


def issues(workspace: Workspace, *, state: str | None = None):
    """The workspace's product issues, open first then newest, each with its conversations and
    distinct customers counted."""
    query = ProductIssue.objects.filter(workspace=workspace)
    if state:
        query = query.filter(state=state)
    return query.annotate(
        conversations=Count("links", distinct=True),
        customers=Count("links__conversation__contact", distinct=True),
    ).order_by("state", "-created_at", "-id")


def issue_of_workspace(workspace: Workspace, issue_id: int) -> ProductIssue:
    issue = ProductIssue.objects.filter(workspace=workspace, pk=issue_id).first()
    if issue is None:
        raise NotFound(f"No product issue with id {issue_id} in this workspace.")
    return issue


@dataclass
class Asker:
    contact: Contact
    plan: str
    seats: int
    conversations: list[Conversation]
    replied: bool  # the shipped reply went to each of their linked conversations


def customers_who_asked(workspace: Workspace, issue: ProductIssue) -> list[Asker]:
    """Every customer with a conversation linked to the issue, by name, with those conversations."""
    links = (
        IssueLink.objects.filter(workspace=workspace, issue=issue)
        .select_related("conversation", "conversation__contact")
        .order_by("conversation__created_at", "conversation_id")
    )
    replied = set(
        ShippedReply.objects.filter(workspace=workspace, issue=issue).values_list(
            "conversation_id", flat=True
        )
    )
    by_contact: dict[int, list[Conversation]] = defaultdict(list)
    contacts: dict[int, Contact] = {}
    for link in links:
        contacts[link.conversation.contact_id] = link.conversation.contact
        by_contact[link.conversation.contact_id].append(link.conversation)
    askers = [
        Asker(
            contact=contact,
            plan=plan_of(contact.attributes),
            seats=seats_of(contact.attributes),
            conversations=by_contact[cid],
            replied=all(c.pk in replied for c in by_contact[cid]),
        )
        for cid, contact in contacts.items()
    ]
    return sorted(askers, key=lambda a: a.contact.display_name.casefold())


def issues_of_conversation(workspace: Workspace, conversation: Conversation) -> list[ProductIssue]:
    return list(
        ProductIssue.objects.filter(workspace=workspace, links__conversation=conversation).order_by(
            "title", "id"
        )
    )


def issues_to_link(workspace: Workspace, conversation: Conversation) -> list[ProductIssue]:
    """The open issues a conversation is not linked to yet."""
    return list(
        ProductIssue.objects.filter(workspace=workspace, state=ProductIssue.State.OPEN)
        .exclude(links__conversation=conversation)
        .order_by("title", "id")
    )


def conversations_not_yet_replied(workspace: Workspace, issue: ProductIssue) -> list[int]:
    replied = ShippedReply.objects.filter(workspace=workspace, issue=issue).values("conversation_id")
    return list(
        IssueLink.objects.filter(workspace=workspace, issue=issue)
        .exclude(conversation_id__in=replied)
        .order_by("conversation_id")
        .values_list("conversation_id", flat=True)
    )


# ---------- The digest ----------


def wants_digest(teammate: Teammate) -> bool:
    setting = DigestSetting.objects.filter(teammate=teammate).first()
    return setting.wants_digest if setting else True


def digest_recipients(workspace: Workspace) -> list[Teammate]:
    """The active teammates who have not turned the digest off."""
    off = DigestSetting.objects.filter(workspace=workspace, wants_digest=False).values("teammate_id")
    return list(
        Teammate.objects.filter(workspace=workspace, is_active=True)
        .exclude(pk__in=off)
        .select_related("user", "workspace")
        .order_by("pk")
    )


def teams_of(teammate: Teammate) -> list[str]:
    return list(teammate.teams.order_by("name").values_list("name", flat=True))


def digest_team_ids(teammate: Teammate) -> list[int] | None:
    """The teams whose conversations a teammate's digest covers; None (a teammate in no team): all."""
    team_ids = list(teammate.teams.values_list("pk", flat=True))
    return team_ids or None


def top_open_issues(workspace: Workspace, *, limit: int = 5) -> list[ProductIssue]:
    """The open issues most customers asked for."""
    return list(
        issues(workspace, state=ProductIssue.State.OPEN).order_by("-customers", "-created_at")[:limit]
    )
