"""Template filters and tags for the report pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from django import template
from django.utils import timezone
from django.utils.html import format_html

from concierge.core.zones import babel_locale, format_for_person
from concierge.reports.display import format_duration

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """3725 -> '1 h 2 min'; None -> '—'."""
    return format_duration(seconds)


@register.simple_tag
def list_time(instant: datetime | None, person) -> str:
    """A list row's date and time in `person`'s zone and language ('Mar 1, 2026, 3:05 PM'), the full
    form with the city as its tooltip; '—' when there is none."""
    if instant is None or timezone.is_naive(instant):
        return "—"
    zone_name = person.timezone or "UTC"
    local = instant.astimezone(ZoneInfo(zone_name))
    loc = babel_locale(person.locale)
    shown = f"{format_skeleton('yMMMd', local, locale=loc)}, {format_time(local, format='short', locale=loc)}"
    full = format_for_person(instant, zone_name, person.locale)
    return format_html('<time datetime="{}" title="{}">{}</time>', instant.isoformat(), full, shown)
