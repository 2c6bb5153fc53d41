"""What the worker does on a clock (outbound.tasks): open the schedule's occurrences as their day
comes, and walk audiences kept up to date again so that contacts who came to match get the message."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from concierge.outbound.models import Message, SendRun
from concierge.outbound.schedule import occurrence_window, occurrences
from concierge.outbound.services.delivery import open_run

REFRESH_EVERY = timedelta(minutes=15)


def _occurrences_to_open(message: Message, at: datetime) -> list:
    """The schedule's days whose local time has come somewhere by `at` and not yet passed everywhere
    before the message went live."""
    since = message.went_live_at or message.created_at
    days = []
    for day in occurrences(message.schedule_on, message.repeat, message.repeat_until):
        first, last = occurrence_window(day, message.schedule_time)
        if first > at:
            break
        if last >= since:
            days.append(day)
    return days


def open_due_occurrences(*, at: datetime | None = None) -> int:
    """A send run for each scheduled occurrence whose day has come; the message is live from its first.
    Returns how many runs were opened."""
    at = at or timezone.now()
    opened = 0
    candidates = Message.objects.filter(
        trigger=Message.Trigger.SCHEDULE,
        state__in=[Message.State.SCHEDULED, Message.State.LIVE],
        imported=False,
    ).select_related("workspace")
    for message in candidates:
        days = _occurrences_to_open(message, at)
        known = set(SendRun.objects.filter(message=message).values_list("key", flat=True))
        for day in days:
            key = f"on:{day.isoformat()}"
            if key in known:
                continue
            with transaction.atomic():
                locked = Message.objects.select_for_update().get(pk=message.pk)
                if locked.state == Message.State.SCHEDULED:
                    locked.state = Message.State.LIVE
                    locked.save(update_fields=["state"])
                elif locked.state != Message.State.LIVE:
                    break
                open_run(locked, key, at, occurrence=day)
                opened += 1
    return opened


def refresh_dynamic_audiences(*, at: datetime | None = None) -> int:
    """A new send run for each live message sent now whose audience is kept up to date (at most one
    per REFRESH_EVERY, none while one is under way): contacts who came to match get it, and those
    allowed it again (several times with a gap) get it again. Returns how many runs were opened."""
    at = at or timezone.now()
    opened = 0
    live = Message.objects.filter(
        trigger=Message.Trigger.NOW, state=Message.State.LIVE, audience_mode=Message.AudienceMode.DYNAMIC
    ).select_related("workspace")
    for message in live:
        runs = SendRun.objects.filter(message=message)
        if runs.filter(finished_at__isnull=True).exists():
            continue
        last = runs.order_by("-started_at").values_list("started_at", flat=True).first()
        if last is not None and last + REFRESH_EVERY > at:
            continue
        with transaction.atomic():
            open_run(message, f"refresh:{at.isoformat()}", at)
            opened += 1
    return opened
