"""The customer's pages (no sign-in): book from a trigger's link, then see, reschedule or cancel the
session from the signed link in the confirmation email, and confirm the email address from the other
signed link in it.

Times are shown in the customer's zone — detected from the browser, changeable — named by city, in
their language. A start between 00:00 and 05:59 for them needs a second, spelt-out confirmation.

Whoever books here is not verified: the page answers the same for an address a customer has and for
one no one has (services/booking.py), and the booking waits for the address to be confirmed. The
confirmation link opens a page with a button: following it changes nothing (mail scanners open the
links of an email), pressing the button confirms.
"""

from datetime import date

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from concierge.core.errors import NotFound, ServiceError
from concierge.core.throttling import client_address
from concierge.core.zones import (
    CUSTOMER_LANGUAGES,
    canonical_zone,
    customer_language,
    django_language,
    known_zone_names,
    zone_choices,
)
from concierge.meetings import links
from concierge.meetings.errors import CustomerIneligible, NightConfirmationNeeded
from concierge.meetings.local_time import city_time, session_time
from concierge.meetings.models import Booking, BookingTrigger
from concierge.meetings.selectors.bookings import booking_for_confirm_email_token, booking_for_manage_token
from concierge.meetings.selectors.session_types import eligibility_problem, intake_questions, trigger_by_token
from concierge.meetings.selectors.slots import Slot, free_slots, month_calendar, slots_by_local_day
from concierge.meetings.services.booking import book_session, cancel_booking, reschedule_booking
from concierge.meetings.services.confirmation import confirm_booking_email

ANSWER_PREFIX = "answer_"


def _trigger_or_404(token: str) -> BookingTrigger:
    try:
        return trigger_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _customer_zone(request, fallback: str) -> tuple[str, bool]:
    """The zone asked for (query or form), and whether the customer chose it (else: detect it)."""
    asked = request.POST.get("timezone") or request.GET.get("tz") or ""
    if asked in known_zone_names():
        return canonical_zone(asked), True
    return fallback, False


def _language(request, default: str) -> str:
    asked = request.POST.get("lang") or request.GET.get("lang")
    return customer_language(asked, request.headers.get("Accept-Language", ""), default)


def _asked_date(value: str | None) -> date | None:
    """A day asked for by a link ('2026-12-03') or read from a posted start (with its offset)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _slot_picker(request, slots: list[Slot], zone_name: str, lang: str, start: str = "") -> dict:
    """The month calendar of days with free times and the chosen day's times, in the customer's zone.

    The chosen day is the day of a posted start, else the one a link asked for (?day=), else the first
    day of the asked month (?month=) with free times, else the first day with free times. A day or
    month without free times falls back to the nearest month that has some, so an old link still
    shows times."""
    days = slots_by_local_day(slots, zone_name, lang)
    if not days:
        return {"days": [], "calendar": None, "chosen_day": None}
    by_day = {slot_day.day: slot_day for slot_day in days}
    asked_month = _asked_date(f"{request.GET.get('month', '')[:7]}-01")
    chosen = _asked_date(start) or _asked_date(request.POST.get("day") or request.GET.get("day"))
    first_month, last_month = days[0].day.replace(day=1), days[-1].day.replace(day=1)
    if chosen in by_day:
        month = chosen.replace(day=1)
    else:
        month = min(max(asked_month or first_month, first_month), last_month)
        chosen = next((d.day for d in days if d.day.replace(day=1) == month), None)
    return {
        "days": days,
        "calendar": month_calendar(days, month, chosen, lang),
        "chosen_day": by_day.get(chosen),
    }


def _answers_from(request, questions) -> dict:
    return {question.key: request.POST.get(ANSWER_PREFIX + question.key, "") for question in questions}


def _page(request, template: str, context: dict, lang: str, status: int = 200):
    with translation.override(django_language(lang)):
        response = render(
            request, template, {**context, "lang": lang, "languages": CUSTOMER_LANGUAGES}, status=status
        )
    response["Content-Language"] = django_language(lang)
    return response


@require_http_methods(["GET", "POST"])
def booking_page(request, token):
    trigger = _trigger_or_404(token)
    session_type = trigger.session_type
    workspace = session_type.workspace
    zone_name, zone_chosen = _customer_zone(request, workspace.timezone)
    lang = _language(request, workspace.locale)
    questions = intake_questions(session_type)
    context = {
        "trigger": trigger,
        "session_type": session_type,
        "workspace": workspace,
        "questions": questions,
        "zone_name": zone_name,
        "zone_chosen": zone_chosen,
        "zone_choices": zone_choices(lang),
        "city_time": city_time(zone_name, lang),
        "values": {"name": "", "email": "", "start": "", "answers": {}},
    }
    if request.method == "GET":
        context.update(_slot_picker(request, free_slots(session_type), zone_name, lang))
        return _page(request, "meetings/public/book.html", context, lang)

    answers = _answers_from(request, questions)
    values = {
        "name": request.POST.get("name", ""),
        "email": request.POST.get("email", ""),
        "start": request.POST.get("start", ""),
        "answers": answers,
    }
    context["values"] = values
    try:
        with translation.override(django_language(lang)):
            booking = book_session(
                session_type,
                trigger=trigger,
                start=values["start"] or None,
                timezone_name=zone_name,
                locale=lang,
                customer_name=values["name"],
                customer_email=values["email"],
                answers={key: value for key, value in answers.items() if value},
                confirm_night=request.POST.get("confirm_night") == "yes",
                client_address=client_address(request),
            )
    except NightConfirmationNeeded as exc:
        return _page(
            request, "meetings/public/confirm_night.html", {**context, "question": exc.question}, lang
        )
    except CustomerIneligible as exc:
        return _page(
            request, "meetings/public/ineligible.html", {**context, "refusal": exc}, lang, status=403
        )
    except ServiceError as exc:
        context.update(_slot_picker(request, free_slots(session_type), zone_name, lang, values["start"]))
        context["error"] = exc
        response = _page(request, "meetings/public/book.html", context, lang, status=exc.status_code)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return redirect(reverse("meetings_public:manage", args=[links.manage_token(booking)]) + "?booked=1")


@require_http_methods(["POST"])
def eligibility_fragment(request, token):
    """Checked as soon as the intake is answered, so an ineligible customer knows before picking a time."""
    trigger = _trigger_or_404(token)
    session_type = trigger.session_type
    lang = _language(request, session_type.workspace.locale)
    answers = {
        key: value for key, value in _answers_from(request, intake_questions(session_type)).items() if value
    }
    rule = eligibility_problem(session_type, attributes={}, answers=answers)
    return _page(request, "meetings/public/_eligibility.html", {"rule": rule}, lang)


def _booking_or_error_page(request, signed):
    try:
        return booking_for_manage_token(signed), None
    except ServiceError as exc:
        lang = _language(request, "en")
        return None, _page(
            request, "meetings/public/bad_link.html", {"error": exc}, lang, status=exc.status_code
        )


def _manage_context(booking: Booking, signed: str) -> dict:
    return {
        "booking": booking,
        "signed": signed,
        "workspace": booking.workspace,
        "session_type": booking.session_type,
        "when": session_time(booking.starts_at, booking.customer_timezone, booking.customer_locale),
        "city_time": city_time(booking.customer_timezone, booking.customer_locale),
        "is_upcoming": booking.is_upcoming(),
    }


@require_http_methods(["GET"])
def manage_booking(request, signed):
    booking, error_page = _booking_or_error_page(request, signed)
    if error_page:
        return error_page
    context = {
        **_manage_context(booking, signed),
        "just_booked": request.GET.get("booked") == "1",
        "just_confirmed": request.GET.get("confirmed") == "1" and booking.is_email_confirmed,
    }
    return _page(request, "meetings/public/session.html", context, booking.customer_locale)


@require_http_methods(["GET", "POST"])
def confirm_email_page(request, signed):
    """The link emailed to the booking's address: a GET shows the session and a button, the POST
    confirms the address (services/confirmation.py), then shows the session."""
    try:
        booking = booking_for_confirm_email_token(signed)
    except ServiceError as exc:
        return _page(
            request,
            "meetings/public/bad_link.html",
            {"error": exc},
            _language(request, "en"),
            status=exc.status_code,
        )
    manage_signed = links.manage_token(booking)
    if request.method == "POST":
        confirm_booking_email(booking)
        return redirect(reverse("meetings_public:manage", args=[manage_signed]) + "?confirmed=1")
    context = _manage_context(booking, manage_signed)
    return _page(request, "meetings/public/confirm_email.html", context, booking.customer_locale)


@require_http_methods(["GET", "POST"])
def reschedule_booking_page(request, signed):
    booking, error_page = _booking_or_error_page(request, signed)
    if error_page:
        return error_page
    zone_name, zone_chosen = _customer_zone(request, booking.customer_timezone)
    lang = _language(request, booking.customer_locale)
    context = {
        **_manage_context(booking, signed),
        "zone_name": zone_name,
        "zone_chosen": True,
        "zone_choices": zone_choices(lang),
        "city_time": city_time(zone_name, lang),
        "values": {"start": request.POST.get("start", "")},
    }
    if request.method == "POST":
        try:
            with translation.override(django_language(lang)):
                booking = reschedule_booking(
                    booking,
                    start=request.POST.get("start") or None,
                    timezone_name=zone_name,
                    locale=lang,
                    confirm_night=request.POST.get("confirm_night") == "yes",
                )
        except NightConfirmationNeeded as exc:
            return _page(
                request, "meetings/public/confirm_night.html", {**context, "question": exc.question}, lang
            )
        except ServiceError as exc:
            context["error"] = exc
            status = exc.status_code
        else:
            return redirect(
                reverse("meetings_public:manage", args=[links.manage_token(booking)]) + "?booked=1"
            )
    else:
        status = 200
    context.update(
        _slot_picker(
            request,
            free_slots(booking.session_type, exclude_booking_id=booking.pk),
            zone_name,
            lang,
            request.POST.get("start", ""),
        )
    )
    return _page(request, "meetings/public/reschedule.html", context, lang, status=status)


@require_http_methods(["GET", "POST"])
def cancel_booking_page(request, signed):
    booking, error_page = _booking_or_error_page(request, signed)
    if error_page:
        return error_page
    context = _manage_context(booking, signed)
    if request.method == "POST":
        try:
            booking = cancel_booking(booking, by=Booking.Side.CUSTOMER, reason=request.POST.get("reason", ""))
        except ServiceError as exc:
            context["error"] = exc
            return _page(
                request, "meetings/public/cancel.html", context, booking.customer_locale, exc.status_code
            )
        return redirect("meetings_public:manage", signed=signed)
    return _page(request, "meetings/public/cancel.html", context, booking.customer_locale)
