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

from concierge.core.zones import babel_locale, city_name, plain_spaces

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


def django_language(locale: str | None) -> str:
    """Babel's 'sr_Latn' is Django's 'sr-latn'."""
    return (locale or "en").replace("_", "-").lower()


# The languages the customer's pages and emails are written in (Babel locale names).
CUSTOMER_LANGUAGES = (
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("sr_Latn", "Srpski"),
)


def customer_language(requested: str | None, accept_language: str = "", default: str = "en") -> str:
    """The language to speak: the one asked for, else the browser's best supported one, else `default`."""
    known = {code.lower(): code for code, _ in CUSTOMER_LANGUAGES}
    if requested and requested.lower().replace("-", "_") in known:
        return known[requested.lower().replace("-", "_")]
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower().replace("-", "_")
        if tag in known:
            return known[tag]
        if tag.startswith("sr") and "latn" in tag:
            return "sr_Latn"
        if tag.split("_")[0] in known:
            return known[tag.split("_")[0]]
    return default if default.lower() in known else "en"


@lru_cache(maxsize=8)
def zone_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """Every city zone ("Europe/Belgrade"), named by its city in the person's language, by name."""
    from babel.core import get_global

    from concierge.core.zones import known_zone_names

    old_names = get_global("zone_aliases")
    labelled = {}
    for name in known_zone_names():
        if "/" not in name or name.split("/")[0] not in ZONE_AREAS or name in old_names:
            continue
        try:
            labelled.setdefault(f"{city_name(name, locale)} ({name.split('/')[0]})", name)
        except (LookupError, ValueError):
            continue
    return tuple(
        sorted(((name, label) for label, name in labelled.items()), key=lambda item: item[1].casefold())
    )


ZONE_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)


def canonical_zone(name: str) -> str:
    """A zone's current name: browsers may still say 'Asia/Calcutta' for 'Asia/Kolkata'."""
    from babel.core import get_global

    return get_global("zone_aliases").get(name, name)
