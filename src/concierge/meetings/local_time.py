"""How a session's time is said to a person: in their zone and language, with the city named.

"Tuesday 3 March at 2:00 PM, New York time" — never UTC, never the other side's zone. A start
between 00:00 and 05:59 in the customer's zone is "night" and is spelt out for a second confirmation.
"""

import re
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, match_skeleton
from django.utils import translation
from django.utils.translation import gettext as _

from concierge.core.zones import babel_locale, city_name, django_language, plain_spaces

NIGHT_ENDS_AT_HOUR = 6


@lru_cache(maxsize=64)
def _day_pattern(locale: str) -> str:
    """A weekday, day and month without the year, spelt out, in the locale's own order."""
    loc = babel_locale(locale)
    if loc.language == "en":
        return "EEEE d MMMM"
    skeleton = match_skeleton("MMMMEd", loc.datetime_skeletons)
    if skeleton is None:
        return "EEEE d MMMM"
    pattern = loc.datetime_skeletons[skeleton].pattern
    pattern = re.sub(r"E+|c+", "EEEE", pattern)
    return re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern)


def local_day(instant: datetime, zone_name: str, locale: str | None) -> str:
    """'Tuesday 3 March' in the person's zone and language."""
    return day_heading(instant.astimezone(ZoneInfo(zone_name)).date(), locale)


@lru_cache(maxsize=4096)
def day_heading(day: date, locale: str | None) -> str:
    """A calendar date (already local) as a heading: 'Tuesday 3 March'."""
    return plain_spaces(format_date(day, _day_pattern(locale or "en"), locale=babel_locale(locale)))


def local_hour(instant: datetime, zone_name: str, locale: str | None) -> str:
    """'2:00 PM' (or '14:00') in the person's zone and language."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return _hour_label(local.hour, local.minute, locale)


@lru_cache(maxsize=4096)
def _hour_label(hour: int, minute: int, locale: str | None) -> str:
    # A slot list labels hundreds of starts that share a few dozen wall-clock times.
    return plain_spaces(format_time(time(hour, minute), format="short", locale=babel_locale(locale)))


def city_time(zone_name: str, locale: str | None) -> str:
    """'New York time'."""
    with translation.override(django_language(locale)):
        return _("%(city)s time") % {"city": city_name(zone_name, locale)}


def is_night(instant: datetime, zone_name: str) -> bool:
    return instant.astimezone(ZoneInfo(zone_name)).hour < NIGHT_ENDS_AT_HOUR


def session_time(instant: datetime, zone_name: str, locale: str | None) -> str:
    """'Tuesday 3 March at 2:00 PM, New York time' ('… at 2:00 AM (night), …' between 00:00 and 05:59)."""
    values = {
        "day": local_day(instant, zone_name, locale),
        "hour": local_hour(instant, zone_name, locale),
        "city": city_name(zone_name, locale),
    }
    with translation.override(django_language(locale)):
        if is_night(instant, zone_name):
            return _("%(day)s at %(hour)s (night), %(city)s time") % values
        return _("%(day)s at %(hour)s, %(city)s time") % values


def night_confirmation_question(instant: datetime, zone_name: str, locale: str | None) -> str:
    """'Tuesday 3 March at 2:00 AM (night), New York time — is that right?'"""
    with translation.override(django_language(locale)):
        return _("%(when)s — is that right?") % {"when": session_time(instant, zone_name, locale)}
