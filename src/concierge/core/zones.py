"""Time zones and languages: how a time is shown to a person (in their zone and language, with the
city named), and which zone and language a customer's page speaks (the pickers the booking pages, the
help center and the messenger offer)."""

from contextlib import suppress
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global
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


@lru_cache(maxsize=64)
def babel_locale(name: str | None) -> Locale:
    try:
        return Locale.parse((name or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@lru_cache(maxsize=256)
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
    return get_global("zone_aliases").get(name, name)


# The languages a teammate may pick for their own pages (Babel locale names, as the Teammate model
# keeps them): how dates, times and numbers are written to them, and the teammates' emails' language
# where one is written. A value outside the list, set through the API or the admin, stays offered to
# whoever holds it.
TEAMMATE_LANGUAGES = (
    "en-US",
    "en-GB",
    "en-IE",
    "en-CA",
    "en-AU",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pt-BR",
    "sv",
    "da",
    "nb",
    "fi",
    "pl",
    "cs",
    "sr-Latn",
    "hr",
    "tr",
    "ja",
    "ko",
    "zh-Hans",
)


def language_name(locale: str) -> str:
    """A language named in itself: 'de' -> 'Deutsch', 'en-GB' -> 'English (United Kingdom)'."""
    name = babel_locale(locale).get_display_name() or locale
    return name[:1].upper() + name[1:]


def teammate_language_choices(current: str | None = None) -> tuple[tuple[str, str], ...]:
    """(locale, its name in itself) for a teammate's language picker, with `current` kept when it is
    a known locale outside the list."""
    codes = list(TEAMMATE_LANGUAGES)
    if current and current not in codes:
        with suppress(InvalidInput):
            codes.append(validate_locale_name(current))
    return tuple((code, language_name(code)) for code in codes)
