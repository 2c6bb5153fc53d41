"""Time zones and how a time is shown to a person: in their zone and language, with the city named."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_location

from concierge.core.errors import InvalidInput


@lru_cache(maxsize=1)
def known_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_zone_name(name: str, *, field: str = "timezone") -> str:
    """Return the IANA zone name if it is real, else raise a clear error."""
    if not isinstance(name, str) or name not in known_zone_names():
        raise InvalidInput(
            f"{field} '{name}' is not a known IANA time zone (e.g. 'Europe/Belgrade').", field=field
        )
    return name


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"'{name}' is not a known IANA time zone.", field="timezone") from exc


def validate_locale_name(name: str, *, field: str = "locale") -> str:
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidInput(
            f"{field} '{name}' is not a known locale (e.g. 'en', 'de', 'sr-Latn').", field=field
        ) from exc
    return name


def babel_locale(name: str | None) -> Locale:
    try:
        return Locale.parse((name or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def city_name(zone_name: str, locale: str | None = "en") -> str:
    """'America/New_York' -> 'New York' (in the person's language)."""
    return get_timezone_location(ZoneInfo(zone_name), locale=babel_locale(locale), return_city=True)


def plain_spaces(text: str) -> str:
    """CLDR puts narrow no-break spaces before AM/PM; plain spaces read the same everywhere (mail
    clients, screen readers, text search)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def format_for_person(instant: datetime, zone_name: str, locale: str | None = "en") -> str:
    """'Tuesday 3 March, 2:00 PM, New York time' — never bare UTC."""
    loc = babel_locale(locale)
    local = instant.astimezone(ZoneInfo(zone_name))
    day = format_date(local, format="EEEE d MMMM", locale=loc)
    hour = format_time(local, format="short", locale=loc)
    return plain_spaces(f"{day}, {hour}, {city_name(zone_name, locale)} time")
