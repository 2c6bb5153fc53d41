"""Teammates' 1:1 session pages under /w/<slug>/sessions/: the list, one session (customer, intake,
past conversations, notes, checklist, timer, outcome, follow-up and feedback), the session types
with their booking links, the feedback insights and the report with its chart."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from concierge.conversations.selectors import inbox
from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.core.forms import parse_object_id
from concierge.core.pagination import paginate
from concierge.core.zones import babel_locale, city_name, zone_choices
from concierge.meetings import forms, links
from concierge.meetings.charts import daily_chart
from concierge.meetings.local_time import session_time
from concierge.meetings.models import Booking
from concierge.meetings.selectors import availability as availability_selectors
from concierge.meetings.selectors import session_types as type_selectors
from concierge.meetings.selectors.bookings import booking_by_id, bookings, failed_email_of, failed_emails
from concierge.meetings.selectors.reports import feedback_insights, recent_feedback, sessions_report
from concierge.meetings.selectors.session_types import eligibility_problem, session_type_by_id, session_types
from concierge.meetings.services import availability as availability_services
from concierge.meetings.services import booking as booking_services
from concierge.meetings.services import feedback as feedback_services
from concierge.meetings.services import followup as followup_services
from concierge.meetings.services import mail as mail_services
from concierge.meetings.services import outcomes, preparation
from concierge.meetings.services import session_types as type_services
from concierge.workspaces.access import teammate_page
from concierge.workspaces.selectors import team_by_id, teammate_by_id, teammates, teams
from concierge.workspaces.services import Actor

SECTION = "sessions"
PAST_CONVERSATIONS = 10


def _local_today(workspace) -> date:
    return timezone.now().astimezone(ZoneInfo(workspace.timezone)).date()


@teammate_page
@require_http_methods(["GET"])
def session_list(request):
    """Upcoming sessions first (earliest on top); 'past' and 'all' views; only mine on request."""
    view = request.GET.get("view", "upcoming")
    mine = request.GET.get("mine") == "1"
    now = timezone.now()
    queryset = bookings(request.workspace, agent_id=request.teammate.pk if mine else None)
    if view == "upcoming":
        queryset = queryset.filter(status=Booking.Status.BOOKED, ends_at__gt=now)
        order = ("starts_at", "id")
    elif view == "past":
        queryset = queryset.filter(starts_at__lte=now)
        order = ("-starts_at", "-id")
    else:
        view = "all"
        order = ("-starts_at", "-id")
    try:
        page = paginate(queryset, order=order, cursor=request.GET.get("cursor"), limit=50)
    except ServiceError:
        page = paginate(queryset, order=order, cursor=None, limit=50)
    rows = [
        {
            "booking": item,
            "when": session_time(item.starts_at, request.teammate.timezone, request.teammate.locale),
        }
        for item in page.items
    ]
    return render(
        request,
        "meetings/list.html",
        {
            "section": SECTION,
            "rows": rows,
            "view": view,
            "mine": mine,
            "next_cursor": page.next_cursor,
            "zone_city": city_name(request.teammate.timezone, request.teammate.locale),
        },
    )


def _session_context(request, booking: Booking) -> dict:
    teammate = request.teammate
    can_act_now = booking.status == Booking.Status.BOOKED and booking.starts_at <= timezone.now()
    past = inbox(request.workspace, contact_id=booking.contact_id)[:PAST_CONVERSATIONS]
    feedback = getattr(booking, "feedback", None)
    follow_up = getattr(booking, "follow_up", None)
    feedback_initial = {}
    if feedback is not None:
        features = list(feedback.features.all())
        feedback_initial = {
            "product_usage": feedback.product_usage,
            "activity_area": feedback.activity_area,
            "important_features": ", ".join(f.label for f in features if f.kind == "important"),
            "missing_features": ", ".join(f.label for f in features if f.kind == "missing"),
            **feedback.demographics,
        }
    return {
        "section": SECTION,
        "booking": booking,
        "contact": booking.contact,
        "when_for_me": session_time(booking.starts_at, teammate.timezone, teammate.locale),
        "when_for_customer": session_time(
            booking.starts_at, booking.customer_timezone, booking.customer_locale
        ),
        "answers": [
            (question.label, booking.answers.get(question.key, ""))
            for question in booking.session_type.questions.all()
            if booking.answers.get(question.key)
        ],
        "past_conversations": past,
        "notes_form": forms.NotesForm(initial={"notes": booking.notes}),
        "decline_form": forms.DeclineForm(),
        "no_show_form": forms.NoShowForm(),
        "follow_up_form": forms.FollowUpForm(),
        "feedback_form": forms.FeedbackForm(initial=feedback_initial),
        "is_upcoming": booking.is_upcoming(),
        "can_mark_outcome": can_act_now,
        "can_follow_up": follow_up is None
        and (
            booking.status == Booking.Status.HELD
            or (booking.status == Booking.Status.NO_SHOW and booking.no_show_side == Booking.Side.CUSTOMER)
        ),
        "can_enter_feedback": booking.status in (Booking.Status.HELD, Booking.Status.NO_SHOW),
        "follow_up": follow_up,
        "feedback": feedback,
        "customer_link": links.manage_url(booking),
        "failed_emails": failed_emails(booking),
        "refused_on_record": _refused_on_record(booking),
    }


def _refused_on_record(booking: Booking):
    """The eligibility rule the customer's stored attributes trip, for a booking made without them: a
    public booker is judged on their answers alone, so once the address is confirmed and the booking
    joined the customer, the agent sees what their record says and may mark it ineligible."""
    if not booking.is_upcoming() or not booking.is_email_confirmed or not booking.contact.attributes:
        return None
    rule = eligibility_problem(
        booking.session_type, attributes=booking.contact.attributes, answers=booking.answers
    )
    return rule if rule is not None and rule.source == rule.Source.ATTRIBUTE else None


def _booking_or_404(request, booking_id: int) -> Booking:
    try:
        return booking_by_id(request.workspace, booking_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@teammate_page
@require_http_methods(["GET"])
def session_page(request, booking_id):
    booking = _booking_or_404(request, booking_id)
    return render(request, "meetings/session.html", _session_context(request, booking))


def _act(request, booking: Booking, action: str) -> str:
    """Run one posted action through its service; returns what to tell the teammate."""
    teammate = request.teammate
    if action == "notes":
        form = forms.NotesForm(request.POST)
        _require_valid(form)
        preparation.update_booking_notes(booking, form.cleaned_data["notes"])
        return "Notes saved."
    if action == "checklist":
        form = forms.ChecklistItemForm(request.POST)
        _require_valid(form)
        preparation.set_checklist_item_done(booking, form.cleaned_data["index"], form.cleaned_data["done"])
        return "Checklist updated."
    if action == "decline":
        form = forms.DeclineForm(request.POST)
        _require_valid(form)
        booking_services.decline_booking(
            booking,
            teammate=teammate,
            reason=form.cleaned_data["reason"],
            message=form.cleaned_data["message"],
        )
        return "Marked ineligible: the customer is told and the slot is free again."
    if action == "held":
        outcomes.mark_session_held(booking, teammate=teammate)
        return "Marked held. Send the follow-up and enter the feedback below."
    if action == "no-show":
        form = forms.NoShowForm(request.POST)
        _require_valid(form)
        outcomes.mark_no_show(booking, side=form.cleaned_data["side"], teammate=teammate)
        return "No-show recorded."
    if action == "cancel":
        booking_services.cancel_booking(booking, by=Booking.Side.AGENT, reason=request.POST.get("reason", ""))
        return "Cancelled: both sides are told."
    if action == "follow-up":
        form = forms.FollowUpForm(request.POST)
        _require_valid(form)
        followup_services.send_follow_up(
            booking,
            teammate=teammate,
            recap=form.cleaned_data["recap"],
            article_links=form.article_links(),
            next_steps=form.cleaned_data["next_steps"],
        )
        return "Follow-up sent."
    if action == "feedback":
        form = forms.FeedbackForm(request.POST)
        _require_valid(form)
        feedback_services.record_feedback(
            booking,
            teammate=teammate,
            product_usage=form.cleaned_data["product_usage"],
            important_features=form.cleaned_data["important_features"],
            missing_features=form.cleaned_data["missing_features"],
            activity_area=form.cleaned_data["activity_area"],
            demographics=form.demographics(),
        )
        return "Feedback saved."
    if action == "resend-email":
        form = forms.ResendEmailForm(request.POST)
        _require_valid(form)
        mail_services.resend_booking_email(
            failed_email_of(booking, form.cleaned_data["email"]), teammate=teammate
        )
        return "The email is queued to be sent again."
    raise Http404("No such action.")


def _require_valid(form) -> None:
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        if field == "__all__":
            raise InvalidInput(" ".join(errors))
        raise InvalidInput(f"{form.fields[field].label or field}: {' '.join(errors)}", field=field)


@teammate_page
@require_POST
def session_action(request, booking_id, action):
    booking = _booking_or_404(request, booking_id)
    try:
        done = _act(request, booking, action)
    except ServiceError as exc:
        context = _session_context(request, _booking_or_404(request, booking_id))
        context["error"] = exc
        return render(request, "meetings/session.html", context, status=exc.status_code)
    messages.success(request, done)
    return redirect("web:meetings_session", slug=request.workspace.slug, booking_id=booking.pk)


@teammate_page
@require_http_methods(["GET", "POST"])
def session_types_page(request):
    workspace = request.workspace
    people, groups = list(teammates(workspace).filter(is_active=True)), list(teams(workspace))
    type_form = forms.SessionTypeForm(teammates=people, teams=groups)
    trigger_form = forms.TriggerForm()
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "trigger":
                trigger_form = forms.TriggerForm(request.POST)
                _require_valid(trigger_form)
                session_type = session_type_by_id(workspace, trigger_form.cleaned_data["session_type"])
                type_services.create_booking_trigger(
                    session_type,
                    place=trigger_form.cleaned_data["place"],
                    kind=trigger_form.cleaned_data["kind"],
                    actor=Actor.for_teammate(request.teammate),
                )
                messages.success(request, "Booking link added.")
            else:
                type_form = forms.SessionTypeForm(request.POST, teammates=people, teams=groups)
                _require_valid(type_form)
                fields = dict(type_form.cleaned_data)
                host_ids = set(fields.pop("hosts"))
                hosts = [p for p in people if p.pk in host_ids]
                team_id = fields.pop("host_team")
                fields["host_team"] = team_by_id(workspace, team_id) if team_id else None
                type_services.create_session_type(
                    workspace, hosts=hosts, actor=Actor.for_teammate(request.teammate), **fields
                )
                messages.success(request, "Session type created.")
            return redirect("web:meetings_types", slug=workspace.slug)
        except ServiceError as exc:
            error, status = exc, exc.status_code
    rows = [
        {"type": item, "triggers": [(t, links.booking_page_url(t)) for t in item.triggers.all()]}
        for item in session_types(workspace)
    ]
    return render(
        request,
        "meetings/types.html",
        {
            "section": SECTION,
            "rows": rows,
            "type_form": type_form,
            "trigger_form": trigger_form,
            "error": error,
        },
        status=status,
    )


def _session_type_or_404(request, type_id: int):
    try:
        return session_type_by_id(request.workspace, type_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _change_intake(request, session_type, question_form, rule_form) -> str:
    """Add or remove one of the session type's intake questions or eligibility rules (audited by the
    services, as from the API)."""
    kind = request.POST.get("form")
    actor = Actor.for_teammate(request.teammate)
    if kind == "question":
        _require_valid(question_form)
        try:
            choices = question_form.choice_list()
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="choices") from error
        data = question_form.cleaned_data
        type_services.add_intake_question(
            session_type,
            label=data["label"],
            kind=data["kind"],
            key=data["key"],
            choices=choices,
            required=data["required"],
            actor=actor,
        )
        return "Question added: the booking page asks it from now on."
    if kind == "remove-question":
        question = type_selectors.intake_question_of(
            session_type, parse_object_id(request.POST.get("question"), field="question", what="question")
        )
        type_services.remove_intake_question(question, actor=actor)
        return "Question removed, with the rules that read its answer."
    if kind == "rule":
        _require_valid(rule_form)
        data = rule_form.cleaned_data
        type_services.add_eligibility_rule(
            session_type,
            source=data["source"],
            key=data["key"],
            operator=data["operator"],
            value=rule_form.rule_value(),
            message=data["message"],
            alternative_url=data["alternative_url"],
            alternative_label=data["alternative_label"],
            actor=actor,
        )
        return "Rule added: the booking page checks it from now on."
    if kind == "remove-rule":
        rule = type_selectors.eligibility_rule_of(
            session_type, parse_object_id(request.POST.get("rule"), field="rule", what="rule")
        )
        type_services.remove_eligibility_rule(rule, actor=actor)
        return "Rule removed."
    raise InvalidInput("Unknown form.")


def _rule_condition(rule, questions) -> str:
    """'the answer to “What is it about?” is “Billing”' — a rule as a teammate reads it."""
    labels = {question.key: question.label for question in questions}
    if rule.source == rule.Source.ANSWER:
        subject = f"the answer to “{labels.get(rule.key, rule.key)}”"
    else:
        subject = f"the contact's “{rule.key}”"
    operator = dict(forms.RULE_OPERATORS).get(rule.operator, rule.operator)
    if rule.operator == rule.Operator.MISSING:
        return f"{subject} {operator}"
    values = rule.value if isinstance(rule.value, list) else [rule.value]
    return f"{subject} {operator} " + ", ".join(f"“{value}”" for value in values)


@teammate_page
@require_http_methods(["GET", "POST"])
def session_type_page(request, type_id):
    """One session type: its set-up, booking links, the intake questions the booking page asks and the
    eligibility rules it checks, added and removed here."""
    session_type = _session_type_or_404(request, type_id)
    question_form = forms.IntakeQuestionForm(request.POST if request.POST.get("form") == "question" else None)
    rule_form = forms.EligibilityRuleForm(request.POST if request.POST.get("form") == "rule" else None)
    error, status = None, 200
    if request.method == "POST":
        try:
            done = _change_intake(request, session_type, question_form, rule_form)
        except ServiceError as exc:
            error, status = exc, exc.status_code
        else:
            messages.success(request, done)
            return redirect("web:meetings_type", slug=request.workspace.slug, type_id=session_type.pk)
        session_type = _session_type_or_404(request, type_id)
    questions = list(session_type.questions.all())
    return render(
        request,
        "meetings/session_type.html",
        {
            "section": SECTION,
            "session_type": session_type,
            "triggers": [(t, links.booking_page_url(t)) for t in session_type.triggers.all()],
            "questions": questions,
            "rules": [
                {"rule": rule, "condition": _rule_condition(rule, questions)}
                for rule in session_type.eligibility_rules.all()
            ],
            "question_form": question_form,
            "rule_form": rule_form,
            "error": error,
        },
        status=status,
    )


def _availability_owner(request):
    """The signed-in teammate, or (for owners and admins) the teammate named by ?teammate=."""
    teammate_id = request.GET.get("teammate") or request.POST.get("teammate")
    if teammate_id and request.teammate.role in ("owner", "admin"):
        try:
            return teammate_by_id(
                request.workspace, parse_object_id(teammate_id, field="teammate", what="teammate")
            )
        except (NotFound, InvalidInput) as exc:
            raise Http404("No such teammate.") from exc
    return request.teammate


def _change_availability(request, teammate) -> str:
    kind = request.POST.get("form")
    actor = Actor.for_teammate(request.teammate)
    if kind == "weekly":
        form = forms.WeeklyHoursForm(request.POST, zone_choices=zone_choices("en"))
        _require_valid(form)
        availability_services.set_weekly_hours(
            teammate, form.hours(), timezone_name=form.cleaned_data["timezone"], actor=actor
        )
        return "Weekly hours saved."
    if kind == "override":
        form = forms.DateOverrideForm(request.POST)
        _require_valid(form)
        try:
            intervals = form.intervals()
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="hours") from error
        availability_services.set_date_override(teammate, form.cleaned_data["date"], intervals, actor=actor)
        return "Date saved."
    if kind == "time-off":
        form = forms.TimeOffForm(request.POST)
        _require_valid(form)
        zone = ZoneInfo(teammate.timezone)
        availability_services.add_time_off(
            teammate,
            starts_at=form.cleaned_data["starts"].replace(tzinfo=zone),
            ends_at=form.cleaned_data["ends"].replace(tzinfo=zone),
            reason=form.cleaned_data["reason"],
            actor=actor,
        )
        return "Time off added."
    if kind == "remove-time-off":
        time_off = availability_selectors.time_off_by_id(
            request.workspace,
            parse_object_id(request.POST.get("time_off"), field="time_off", what="time off"),
        )
        if time_off.teammate_id != teammate.pk:
            raise NotFound("No such time off.")
        availability_services.remove_time_off(time_off, actor=actor)
        return "Time off removed."
    raise InvalidInput("Unknown form.")


@teammate_page
@require_http_methods(["GET", "POST"])
def availability_page(request):
    """When a teammate can host sessions: weekly hours in their zone, dates that differ, time off."""
    teammate = _availability_owner(request)
    error, status = None, 200
    if request.method == "POST":
        try:
            done = _change_availability(request, teammate)
        except ServiceError as exc:
            error, status = exc, exc.status_code
        else:
            messages.success(request, done)
            suffix = f"?teammate={teammate.pk}" if teammate.pk != request.teammate.pk else ""
            return redirect(reverse("web:meetings_availability", args=[request.workspace.slug]) + suffix)
    weekly = availability_selectors.weekly_hours_by_day(teammate)
    initial = {"timezone": next((r.timezone for rows in weekly.values() for r in rows), teammate.timezone)}
    for index, day in enumerate(forms.WEEKDAY_FIELDS):
        initial[day] = ", ".join(f"{r.start_time:%H:%M}-{r.end_time:%H:%M}" for r in weekly.get(index, []))
    now = timezone.now()
    return render(
        request,
        "meetings/availability.html",
        {
            "section": SECTION,
            "person": teammate,
            "people": teammates(request.workspace).filter(is_active=True)
            if request.teammate.role in ("owner", "admin")
            else [],
            "weekly_form": forms.WeeklyHoursForm(initial=initial, zone_choices=zone_choices("en")),
            "override_form": forms.DateOverrideForm(),
            "time_off_form": forms.TimeOffForm(),
            "seasons": availability_selectors.seasons(teammate),
            "overrides": availability_selectors.upcoming_date_overrides(
                teammate, now.astimezone(ZoneInfo(teammate.timezone)).date()
            ),
            "time_off": availability_selectors.upcoming_time_off(teammate, now),
            "error": error,
        },
        status=status,
    )


def _period(request) -> tuple[forms.PeriodForm, date, date, ServiceError | None]:
    """The chosen period, and the form's error when a date is not one or lies beyond the supported
    calendar (the page shows it with a 422 instead of a report)."""
    form = forms.PeriodForm(request.GET or None)
    today = _local_today(request.workspace)
    if form.is_bound:
        try:
            _require_valid(form)
        except ServiceError as exc:
            return form, today - timedelta(days=29), today, exc
        return form, *form.dates(today), None
    form = forms.PeriodForm(initial={"period": "30"})
    form.is_valid()
    return form, today - timedelta(days=29), today, None


def _period_bar(request, form: forms.PeriodForm) -> dict:
    """What the period bar shows besides the form: the preset chosen, and whose days the figures
    count — the workspace's, named by its city ('New York time'), as in the funnel report."""
    chosen = form.data.get("period") if form.is_bound else "30"
    workspace_zone = request.workspace.timezone or "UTC"
    teammate_zone = request.teammate.timezone or "UTC"
    return {
        "period_choice": chosen if chosen in dict(form.fields["period"].choices) and chosen else "30",
        "period_presets": [
            (value, label) for value, label in form.fields["period"].choices if value != "custom"
        ],
        "workspace_city": city_name(workspace_zone, request.teammate.locale),
        "teammate_city": city_name(teammate_zone, request.teammate.locale),
        "same_zone": workspace_zone == teammate_zone,
    }


def demographic_label(key: str) -> str:
    """A demographic's key as a heading: 'company_size' -> 'Company size'."""
    words = " ".join(key.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else key


@teammate_page
@require_http_methods(["GET"])
def insights_page(request):
    form, first, last, error = _period(request)
    try:
        if error is not None:
            raise error
        insights = feedback_insights(request.workspace, first, last)
    except ServiceError as exc:
        return render(
            request,
            "meetings/insights.html",
            {"section": SECTION, "form": form, "error": exc, **_period_bar(request, form)},
            status=exc.status_code,
        )
    peak = max(
        [
            row["count"]
            for key in ("missing_features", "important_features", "activity_areas")
            for row in insights[key]
        ]
        + [1]
    )
    return render(
        request,
        "meetings/insights.html",
        {
            "section": SECTION,
            "form": form,
            "first": first,
            "last": last,
            "insights": insights,
            "peak": peak,
            "recent": recent_feedback(request.workspace, first, last),
            "demographics": [
                {"label": demographic_label(key), "values": values}
                for key, values in insights["demographics"].items()
            ],
            **_period_bar(request, form),
        },
    )


@teammate_page
@require_http_methods(["GET"])
def reports_page(request):
    form, first, last, error = _period(request)
    try:
        if error is not None:
            raise error
        report = sessions_report(request.workspace, first, last)
    except ServiceError as exc:
        return render(
            request,
            "meetings/reports.html",
            {"section": SECTION, "form": form, "error": exc, **_period_bar(request, form)},
            status=exc.status_code,
        )
    locale = babel_locale(request.teammate.locale)
    chart = daily_chart(report.daily, day_label=lambda day: format_skeleton("MMMd", day, locale=locale))
    return render(
        request,
        "meetings/reports.html",
        {
            "section": SECTION,
            "form": form,
            "report": report,
            "chart": chart,
            "first": first,
            "last": last,
            **_period_bar(request, form),
        },
    )
