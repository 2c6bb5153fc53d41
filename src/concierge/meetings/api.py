"""The 1:1 sessions API.

- `router` (workspace API key): session types, hosts' availability, bookings and what teammates do
  with them, the report and the feedback insights.
- `messenger_router` (MessengerContact: the messenger's visitor, or a verified user): the customer
  books, lists, reschedules and cancels their own sessions.
- `links_router` (no credentials): what a public booking link offers and its free slots, booking by
  name and email, and the signed reschedule/cancel links of confirmation emails.

Only the messenger's signed-in user is a verified booker. Whoever books through a public link, and
the messenger's anonymous visitor, is judged on their answers alone, books under a contact of their
own until the address is confirmed, and is limited (429 with Retry-After): docs/meetings.md.
"""

from datetime import timedelta

from django.utils import timezone
from ninja import Query, Router, Status

from concierge.contacts.auth import MessengerContact
from concierge.core.errors import InvalidInput, NotFound
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import Date, ObjectId, PageQuery
from concierge.core.throttling import client_address
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.meetings import links
from concierge.meetings.local_time import city_time, session_time
from concierge.meetings.models import Booking, BookingTrigger, SessionType
from concierge.meetings.schemas import (
    AvailabilityOut,
    BookIn,
    BookingOut,
    BookingPage,
    BookingPageOut,
    BookingQuery,
    CancelIn,
    ChecklistItemIn,
    CustomerBookingOut,
    CustomerBookingPage,
    DateOverrideIn,
    DeclineIn,
    EligibilityIn,
    EligibilityOut,
    FeedbackIn,
    FeedbackOut,
    FollowUpIn,
    FollowUpOut,
    NoShowIn,
    NotesIn,
    PeriodQuery,
    QuestionIn,
    QuestionOut,
    RefusalOut,
    RescheduleIn,
    RuleIn,
    RuleOut,
    SessionTypeIn,
    SessionTypeOut,
    SessionTypeUpdateIn,
    SlotsOut,
    SlotsQuery,
    TeammateActionIn,
    TimeOffIn,
    TimeOffOut,
    TriggerIn,
    TriggerOut,
    WeeklyHoursIn,
)
from concierge.meetings.selectors import bookings as booking_selectors
from concierge.meetings.selectors import reports as report_selectors
from concierge.meetings.selectors import session_types as type_selectors
from concierge.meetings.selectors.slots import free_slots, slots_by_local_day
from concierge.meetings.services import availability, booking, feedback, followup, outcomes, preparation
from concierge.meetings.services import session_types as type_services
from concierge.workspaces.selectors import team_by_id, teammate_by_id
from concierge.workspaces.services import Actor

TAGS = ["1:1 sessions"]
router = Router(tags=TAGS)
messenger_router = Router(auth=MessengerContact(), tags=["messenger: 1:1 sessions"])
links_router = Router(auth=None, tags=["1:1 session links"])

REFUSALS = {403: RefusalOut, 409: RefusalOut}
# Booking without being verified is limited per client address, email and link (docs/meetings.md).
BOOKING_REFUSALS = {**REFUSALS, 429: RefusalOut}


# Shaping ------------------------------------------------------------------------------------------


def _customer_view(item: Booking) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "session": item.session_type.name,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "timezone": item.customer_timezone,
        "when": session_time(item.starts_at, item.customer_timezone, item.customer_locale),
        "meeting_link": item.meeting_link if item.status == Booking.Status.BOOKED else "",
        "agent_name": item.agent.name,
    }


def _booking_view(item: Booking) -> dict:
    return {
        **{field: getattr(item, field) for field in BookingOut.model_fields if hasattr(item, field)},
        "session_type": item.session_type.name,
        "trigger_place": item.trigger.place if item.trigger_id else None,
        "contact": {"id": item.contact.pk, "name": item.contact.name, "email": item.contact.email},
        "agent_name": item.agent.name,
    }


def _trigger_view(trigger: BookingTrigger) -> dict:
    return {
        "id": trigger.pk,
        "place": trigger.place,
        "kind": trigger.kind,
        "token": trigger.token,
        "url": links.booking_page_url(trigger),
        "is_active": trigger.is_active,
    }


def _session_type_view(session_type: SessionType) -> dict:
    session_type = type_selectors.session_type_by_id(session_type.workspace, session_type.pk)
    return {
        **{
            field: getattr(session_type, field)
            for field in SessionTypeOut.model_fields
            if hasattr(session_type, field)
        },
        "host_ids": sorted(host.pk for host in session_type.hosts.all()),
        "questions": list(session_type.questions.all()),
        "rules": list(session_type.eligibility_rules.all()),
        "triggers": [_trigger_view(t) for t in session_type.triggers.all()],
    }


def _booking_page_view(trigger: BookingTrigger) -> dict:
    session_type = trigger.session_type
    return {
        "token": trigger.token,
        "place": trigger.place,
        "workspace": session_type.workspace.name,
        "name": session_type.name,
        "topic": session_type.topic,
        "length_minutes": session_type.length_minutes,
        "channel": session_type.channel,
        "questions": type_selectors.intake_questions(session_type),
    }


def _slots_view(session_type: SessionType, query: SlotsQuery) -> dict:
    zone_name = validate_zone_name(query.timezone, field="timezone")
    locale = validate_locale_name(query.locale)
    slots = free_slots(session_type, end=timezone.now() + timedelta(days=query.days))
    return {
        "timezone": zone_name,
        "city_time": city_time(zone_name, locale),
        "days": [
            {
                "day": day.day,
                "heading": day.heading,
                "slots": [
                    {"start": c.value, "label": c.label, "night": c.night, "capacity": c.capacity}
                    for c in day.slots
                ],
            }
            for day in slots_by_local_day(slots, zone_name, locale)
        ],
    }


def _eligibility_view(session_type: SessionType, attributes: dict, answers: dict) -> dict:
    answers = {key: value for key, value in answers.items() if value}
    rule = type_selectors.eligibility_problem(session_type, attributes=attributes, answers=answers)
    if rule is None:
        return {"eligible": True}
    return {
        "eligible": False,
        "message": rule.message,
        "alternative_url": rule.alternative_url or None,
        "alternative_label": rule.alternative_label or None,
    }


def _book(request, trigger: BookingTrigger, payload: BookIn, contact=None) -> Status:
    """Refusals (night-time confirmation, ineligible, a limit) are raised: the API adds their
    `question` or `alternative_url` (or Retry-After) to the answer, and an Idempotency-Key does not
    remember them."""
    item = booking.book_session(
        trigger.session_type,
        trigger=trigger,
        contact=contact,
        start=payload.start,
        timezone_name=payload.timezone,
        locale=payload.locale,
        customer_name=payload.name or "",
        customer_email=payload.email or "",
        answers=payload.answers,
        confirm_night=payload.confirm_night,
        client_address=client_address(request),
    )
    return Status(201, CustomerBookingOut(**_customer_view(item)))


def _reschedule(item: Booking, payload: RescheduleIn, by: str) -> dict:
    item = booking.reschedule_booking(
        item, start=payload.start, timezone_name=payload.timezone, confirm_night=payload.confirm_night, by=by
    )
    return _customer_view(item)


# Public links -------------------------------------------------------------------------------------


@links_router.get("/booking-links/{token}", response=BookingPageOut, summary="What a booking link offers")
def booking_link(request, token: str):
    return _booking_page_view(type_selectors.trigger_by_token(token))


@links_router.get(
    "/booking-links/{token}/slots", response=SlotsOut, summary="Free slots, in the customer's zone"
)
def booking_link_slots(request, token: str, query: Query[SlotsQuery]):
    return _slots_view(type_selectors.trigger_by_token(token).session_type, query)


@links_router.post(
    "/booking-links/{token}/eligibility", response=EligibilityOut, summary="Check the intake answers at once"
)
def booking_link_eligibility(request, token: str, payload: EligibilityIn):
    return _eligibility_view(type_selectors.trigger_by_token(token).session_type, {}, payload.answers)


@links_router.post(
    "/booking-links/{token}/bookings",
    response={201: CustomerBookingOut, **BOOKING_REFUSALS},
    summary="Book a slot as a customer named by name and email (not verified: the address is confirmed "
    "from the email)",
)
def book_from_link(request, token: str, payload: BookIn):
    if not payload.name or not payload.email:
        raise InvalidInput("name and email are required: the confirmation is sent there.", field="email")
    return _book(request, type_selectors.trigger_by_token(token), payload)


@links_router.get(
    "/session-links/{signed}", response=CustomerBookingOut, summary="The session a signed link opens"
)
def session_link(request, signed: str):
    return _customer_view(booking_selectors.booking_for_manage_token(signed))


@links_router.post(
    "/session-links/{signed}/reschedule",
    response={200: CustomerBookingOut, **REFUSALS},
    summary="Move the session to another offered slot",
)
def reschedule_from_link(request, signed: str, payload: RescheduleIn):
    return _reschedule(booking_selectors.booking_for_manage_token(signed), payload, Booking.Side.CUSTOMER)


@links_router.post(
    "/session-links/{signed}/cancel", response=CustomerBookingOut, summary="Cancel the session"
)
def cancel_from_link(request, signed: str, payload: CancelIn):
    item = booking_selectors.booking_for_manage_token(signed)
    return _customer_view(booking.cancel_booking(item, by=Booking.Side.CUSTOMER, reason=payload.reason))


# The messenger's contact ----------------------------------------------------------------------------


def _trigger_of_workspace(request, token: str) -> BookingTrigger:
    trigger = type_selectors.trigger_by_token(token)
    if trigger.workspace_id != request.workspace.pk:
        raise NotFound("This booking link does not exist or is no longer offered.")
    return trigger


@messenger_router.get(
    "/sessions/links/{token}", response=BookingPageOut, summary="What a booking link offers"
)
def messenger_booking_link(request, token: str):
    return _booking_page_view(_trigger_of_workspace(request, token))


@messenger_router.get(
    "/sessions/links/{token}/slots", response=SlotsOut, summary="Free slots in the contact's zone"
)
def messenger_slots(request, token: str, query: Query[SlotsQuery]):
    return _slots_view(_trigger_of_workspace(request, token).session_type, query)


@messenger_router.post(
    "/sessions/links/{token}/eligibility", response=EligibilityOut, summary="Check eligibility at once"
)
def messenger_eligibility(request, token: str, payload: EligibilityIn):
    session_type = _trigger_of_workspace(request, token).session_type
    return _eligibility_view(session_type, request.contact.attributes, payload.answers)


@messenger_router.post(
    "/sessions/links/{token}/bookings",
    response={201: CustomerBookingOut, **BOOKING_REFUSALS},
    summary="Book a slot for the contact",
)
@idempotent
def messenger_book(request, token: str, payload: BookIn):
    return _book(request, _trigger_of_workspace(request, token), payload, contact=request.contact)


@messenger_router.get("/sessions", response=CustomerBookingPage, summary="The contact's 1:1 sessions")
def messenger_sessions(request, page: Query[PageQuery]):
    result = paginate(
        booking_selectors.bookings_of_contact(request.workspace, request.contact),
        order=("-starts_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {"items": [_customer_view(item) for item in result.items], "next_cursor": result.next_cursor}


@messenger_router.post(
    "/sessions/{booking_id}/reschedule",
    response={200: CustomerBookingOut, **REFUSALS},
    summary="Move one of the contact's sessions",
)
def messenger_reschedule(request, booking_id: ObjectId, payload: RescheduleIn):
    item = booking_selectors.booking_of_contact(request.workspace, request.contact, booking_id)
    return _reschedule(item, payload, Booking.Side.CUSTOMER)


@messenger_router.post(
    "/sessions/{booking_id}/cancel",
    response=CustomerBookingOut,
    summary="Cancel one of the contact's sessions",
)
def messenger_cancel(request, booking_id: ObjectId, payload: CancelIn):
    item = booking_selectors.booking_of_contact(request.workspace, request.contact, booking_id)
    return _customer_view(booking.cancel_booking(item, by=Booking.Side.CUSTOMER, reason=payload.reason))


# Teammates: session types -----------------------------------------------------------------------------


def _hosts(request, host_ids):
    return [teammate_by_id(request.workspace, host_id) for host_id in host_ids]


@router.get("/meetings/types", response=list[SessionTypeOut], summary="Session types")
def list_session_types(request):
    return [_session_type_view(item) for item in type_selectors.session_types(request.workspace)]


@router.post("/meetings/types", response={201: SessionTypeOut}, summary="Create a session type")
@idempotent
def create_session_type(request, payload: SessionTypeIn):
    fields = payload.dict(exclude={"host_ids", "host_team_id"}, exclude_none=True)
    if payload.host_team_id is not None:
        fields["host_team"] = team_by_id(request.workspace, payload.host_team_id)
    item = type_services.create_session_type(
        request.workspace,
        hosts=_hosts(request, payload.host_ids),
        actor=Actor.for_api_key(request.auth),
        **fields,
    )
    return Status(201, SessionTypeOut(**_session_type_view(item)))


@router.get("/meetings/types/{type_id}", response=SessionTypeOut, summary="A session type")
def get_session_type(request, type_id: ObjectId):
    return _session_type_view(type_selectors.session_type_by_id(request.workspace, type_id))


@router.patch("/meetings/types/{type_id}", response=SessionTypeOut, summary="Change a session type")
def update_session_type(request, type_id: ObjectId, payload: SessionTypeUpdateIn):
    item = type_selectors.session_type_by_id(request.workspace, type_id)
    hosts = None if payload.host_ids is None else _hosts(request, payload.host_ids)
    fields = payload.dict(exclude={"host_ids"}, exclude_none=True)
    item = type_services.update_session_type(
        item, hosts=hosts, actor=Actor.for_api_key(request.auth), **fields
    )
    return _session_type_view(item)


@router.post(
    "/meetings/types/{type_id}/questions", response={201: QuestionOut}, summary="Add an intake question"
)
def add_question(request, type_id: ObjectId, payload: QuestionIn):
    item = type_selectors.session_type_by_id(request.workspace, type_id)
    question = type_services.add_intake_question(
        item, actor=Actor.for_api_key(request.auth), **payload.dict()
    )
    return Status(201, QuestionOut.from_orm(question))


@router.post("/meetings/types/{type_id}/rules", response={201: RuleOut}, summary="Add an eligibility rule")
def add_rule(request, type_id: ObjectId, payload: RuleIn):
    item = type_selectors.session_type_by_id(request.workspace, type_id)
    rule = type_services.add_eligibility_rule(item, actor=Actor.for_api_key(request.auth), **payload.dict())
    return Status(201, RuleOut.from_orm(rule))


@router.post(
    "/meetings/types/{type_id}/triggers", response={201: TriggerOut}, summary="Add a booking trigger"
)
def add_trigger(request, type_id: ObjectId, payload: TriggerIn):
    item = type_selectors.session_type_by_id(request.workspace, type_id)
    trigger = type_services.create_booking_trigger(
        item, actor=Actor.for_api_key(request.auth), **payload.dict()
    )
    return Status(201, TriggerOut(**_trigger_view(trigger)))


@router.get("/meetings/types/{type_id}/slots", response=SlotsOut, summary="Free slots in a given zone")
def session_type_slots(request, type_id: ObjectId, query: Query[SlotsQuery]):
    return _slots_view(type_selectors.session_type_by_id(request.workspace, type_id), query)


# Teammates: availability ----------------------------------------------------------------------------


def _availability_view(teammate) -> dict:
    return {
        "teammate_id": teammate.pk,
        "weekly_hours": teammate.weekly_hours.count(),
        "date_overrides": teammate.date_overrides.count(),
    }


@router.put(
    "/meetings/teammates/{teammate_id}/weekly-hours",
    response=AvailabilityOut,
    summary="Set weekly (or seasonal) hours",
)
def set_weekly_hours(request, teammate_id: ObjectId, payload: WeeklyHoursIn):
    teammate = teammate_by_id(request.workspace, teammate_id)
    availability.set_weekly_hours(
        teammate,
        payload.hours,
        timezone_name=payload.timezone,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        actor=Actor.for_api_key(request.auth),
    )
    return _availability_view(teammate)


@router.put(
    "/meetings/teammates/{teammate_id}/date-overrides/{day}",
    response=AvailabilityOut,
    summary="Set one date's hours (none: off that day)",
)
def set_date_override(request, teammate_id: ObjectId, day: Date, payload: DateOverrideIn):
    teammate = teammate_by_id(request.workspace, teammate_id)
    availability.set_date_override(
        teammate,
        day,
        payload.intervals,
        timezone_name=payload.timezone,
        actor=Actor.for_api_key(request.auth),
    )
    return _availability_view(teammate)


@router.post("/meetings/teammates/{teammate_id}/time-off", response={201: TimeOffOut}, summary="Add time off")
def add_time_off(request, teammate_id: ObjectId, payload: TimeOffIn):
    teammate = teammate_by_id(request.workspace, teammate_id)
    time_off = availability.add_time_off(
        teammate,
        starts_at=booking.parse_start(payload.starts_at, field="starts_at"),
        ends_at=booking.parse_start(payload.ends_at, field="ends_at"),
        reason=payload.reason,
        actor=Actor.for_api_key(request.auth),
    )
    return Status(201, TimeOffOut.from_orm(time_off))


# Teammates: bookings ------------------------------------------------------------------------------------


def _acting_teammate(request, item: Booking, payload: TeammateActionIn):
    if payload.teammate_id is None:
        return item.agent
    return teammate_by_id(request.workspace, payload.teammate_id)


@router.get("/meetings/bookings", response=BookingPage, summary="1:1 sessions, by start")
def list_bookings(request, filters: Query[BookingQuery]):
    queryset = booking_selectors.bookings(
        request.workspace,
        status=filters.status,
        agent_id=filters.agent_id,
        session_type_id=filters.session_type_id,
        contact_id=filters.contact_id,
    )
    result = paginate(queryset, order=("starts_at", "id"), cursor=filters.cursor, limit=filters.limit)
    return {"items": [_booking_view(item) for item in result.items], "next_cursor": result.next_cursor}


@router.get("/meetings/bookings/{booking_id}", response=BookingOut, summary="A 1:1 session")
def get_booking(request, booking_id: ObjectId):
    return _booking_view(booking_selectors.booking_by_id(request.workspace, booking_id))


@router.post(
    "/meetings/bookings/{booking_id}/reschedule",
    response={200: BookingOut, **REFUSALS},
    summary="Move a session (the customer is told)",
)
def reschedule_as_team(request, booking_id: ObjectId, payload: RescheduleIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    item = booking.reschedule_booking(
        item,
        start=payload.start,
        timezone_name=payload.timezone,
        confirm_night=payload.confirm_night,
        by="agent",
    )
    return _booking_view(item)


@router.post("/meetings/bookings/{booking_id}/cancel", response=BookingOut, summary="Cancel a session")
def cancel_as_team(request, booking_id: ObjectId, payload: CancelIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    return _booking_view(booking.cancel_booking(item, by=Booking.Side.AGENT, reason=payload.reason))


@router.post(
    "/meetings/bookings/{booking_id}/decline",
    response=BookingOut,
    summary="Mark ineligible after reviewing the intake (tells the customer, frees the slot)",
)
def decline(request, booking_id: ObjectId, payload: DeclineIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    teammate = _acting_teammate(request, item, payload)
    return _booking_view(
        booking.decline_booking(item, teammate=teammate, reason=payload.reason, message=payload.message)
    )


@router.post("/meetings/bookings/{booking_id}/held", response=BookingOut, summary="Mark the session held")
def held(request, booking_id: ObjectId, payload: TeammateActionIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    return _booking_view(outcomes.mark_session_held(item, teammate=_acting_teammate(request, item, payload)))


@router.post("/meetings/bookings/{booking_id}/no-show", response=BookingOut, summary="Mark a no-show")
def no_show(request, booking_id: ObjectId, payload: NoShowIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    teammate = _acting_teammate(request, item, payload)
    return _booking_view(outcomes.mark_no_show(item, side=payload.side, teammate=teammate))


@router.put("/meetings/bookings/{booking_id}/notes", response=BookingOut, summary="Replace the notes")
def notes(request, booking_id: ObjectId, payload: NotesIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    return _booking_view(preparation.update_booking_notes(item, payload.notes))


@router.put(
    "/meetings/bookings/{booking_id}/checklist/{index}", response=BookingOut, summary="Tick a checklist item"
)
def checklist_item(request, booking_id: ObjectId, index: int, payload: ChecklistItemIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    return _booking_view(preparation.set_checklist_item_done(item, index, payload.done))


@router.post(
    "/meetings/bookings/{booking_id}/follow-up",
    response={201: FollowUpOut},
    summary="Send the follow-up email",
)
def follow_up(request, booking_id: ObjectId, payload: FollowUpIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    result = followup.send_follow_up(
        item,
        teammate=_acting_teammate(request, item, payload),
        recap=payload.recap,
        article_links=[link.dict() for link in payload.article_links],
        next_steps=payload.next_steps,
    )
    return Status(201, FollowUpOut(booking_id=item.pk, body=result.body, created_at=result.created_at))


@router.put("/meetings/bookings/{booking_id}/feedback", response=FeedbackOut, summary="Enter the feedback")
def enter_feedback(request, booking_id: ObjectId, payload: FeedbackIn):
    item = booking_selectors.booking_by_id(request.workspace, booking_id)
    entry = feedback.record_feedback(
        item,
        teammate=_acting_teammate(request, item, payload),
        product_usage=payload.product_usage,
        important_features=payload.important_features,
        missing_features=payload.missing_features,
        activity_area=payload.activity_area,
        demographics=payload.demographics,
    )
    features = list(entry.features.all())
    return {
        "booking_id": item.pk,
        "product_usage": entry.product_usage,
        "important_features": [f.label for f in features if f.kind == "important"],
        "missing_features": [f.label for f in features if f.kind == "missing"],
        "activity_area": entry.activity_area,
        "demographics": entry.demographics,
    }


# Teammates: reports ----------------------------------------------------------------------------------------


@router.get("/meetings/report", summary="1:1 sessions in a period (the workspace's local dates)")
def report(request, period: Query[PeriodQuery]):
    return report_selectors.sessions_report(request.workspace, period.from_, period.to).as_dict()


@router.get("/meetings/insights", summary="What the feedback entries say, most often first")
def insights(request, period: Query[PeriodQuery]):
    return report_selectors.feedback_insights(request.workspace, period.from_, period.to)
