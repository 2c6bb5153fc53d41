"""Times shown to a person: in their own zone and language, with the city named (architecture rule 5)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from django import template
from django.utils import timezone
from django.utils.html import format_html

from concierge.core.zones import babel_locale, city_name, format_for_person, plain_spaces

register = template.Library()


def short_time_for_person(instant: datetime, zone_name: str, locale: str | None) -> str:
    """A list row's time: '2:05 PM' today, '3 Mar' this year, '3 Mar 2024' before."""
    loc = babel_locale(locale)
    local = instant.astimezone(ZoneInfo(zone_name))
    today = timezone.now().astimezone(ZoneInfo(zone_name)).date()
    if local.date() == today:
        return format_time(local, format="short", locale=loc)
    if local.year == today.year:
        return format_skeleton("MMMd", local, locale=loc)
    return format_skeleton("yMMMd", local, locale=loc)


@register.simple_tag
def person_time(instant: datetime | str | None, person, short: bool = False) -> str:
    """A <time> element for `person` (anyone with .timezone and .locale); the full form is its tooltip.
    `instant` may be an ISO 8601 string with an offset, as kept in a part's data."""
    if isinstance(instant, str):
        try:
            instant = datetime.fromisoformat(instant)
        except ValueError:
            return ""
    if instant is None or timezone.is_naive(instant):
        return ""
    zone_name = person.timezone or "UTC"
    full = format_for_person(instant, zone_name, person.locale)
    shown = short_time_for_person(instant, zone_name, person.locale) if short else full
    return format_html('<time datetime="{}" title="{}">{}</time>', instant.isoformat(), full, shown)


@register.simple_tag
def local_time_now(person, reader) -> str:
    """'11:03 AM, Los Angeles time': the clock where `person` is, said in the `reader`'s language (a
    teammate reading about a customer reads their own language); '' when the person's zone is unknown."""
    return local_time_in(person.timezone, reader)


@register.simple_tag
def local_time_in(zone_name: str, reader) -> str:
    """The clock now in a zone (e.g. the one a customer booked in), said in the `reader`'s language."""
    if not zone_name:
        return ""
    locale = getattr(reader, "locale", None) or "en"
    local = timezone.now().astimezone(ZoneInfo(zone_name))
    hour = format_time(local, format="short", locale=babel_locale(locale))
    return plain_spaces(f"{hour}, {city_name(zone_name, locale)} time")


@register.filter
def city_of_zone(zone_name: str, locale: str | None = "en") -> str:
    """'America/New_York' -> 'New York'."""
    return city_name(zone_name or "UTC", locale or "en")
