"""A message's figures day by day, in the workspace's time zone, for the chart on its page: how many
of its deliveries were sent, opened, clicked, reacted to, replied to and met the goal on each day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Min
from django.db.models.functions import TruncDate

from concierge.outbound.models import Delivery, Message

# Each figure and the delivery's instant that counts it on its day.
INSTANTS = (
    ("sent", "sent_at"),
    ("opened", "opened_at"),
    ("clicked", "clicked_at"),
    ("reacted", "reacted_at"),
    ("replied", "conversation__created_at"),
    ("goal_met", "goal_met_at"),
)
LONGEST = 90  # days a chart shows at most: the latest ones


def chart_days(message: Message, today: date, zone: ZoneInfo) -> tuple[date, date]:
    """The days the chart covers: from the day the message went live, was made or first sent (history
    replayed with `at=` may come first) to today, at most the last LONGEST days, at least a week."""
    first_sent = Delivery.objects.filter(message=message).aggregate(first=Min("sent_at"))["first"]
    instants = [message.went_live_at or message.created_at, *([first_sent] if first_sent else [])]
    began = min(instants).astimezone(zone).date()
    first = max(began, today - timedelta(days=LONGEST - 1))
    return min(first, today - timedelta(days=6)), today


def daily_figures(message: Message, first: date, last: date, zone: ZoneInfo) -> list[dict]:
    """One row per day from `first` to `last`: {"day", "sent", "opened", …}, zero where nothing happened."""
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    rows = {
        first + timedelta(days=n): dict.fromkeys(key for key, _ in INSTANTS)
        for n in range((last - first).days + 1)
    }
    for row in rows.values():
        row.update({key: 0 for key, _ in INSTANTS})
    for key, column in INSTANTS:
        counted = (
            Delivery.objects.filter(message=message, **{f"{column}__gte": start, f"{column}__lt": end})
            .annotate(day=TruncDate(column, tzinfo=zone))
            .order_by()
            .values("day")
            .annotate(n=Count("id"))
        )
        for item in counted:
            if item["day"] in rows:
                rows[item["day"]][key] = item["n"]
    return [{"day": day, **counts} for day, counts in sorted(rows.items())]
