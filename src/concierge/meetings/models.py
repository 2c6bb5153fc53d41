"""1:1 sessions: what a team offers (session types and their booking links), when its agents are
available, the bookings themselves, the emails sent about them, follow-ups and feedback.

Instants are stored in UTC. Working hours are wall-clock times plus an IANA zone name, turned into
instants per calendar date so daylight-saving changes land where they belong.
"""

import secrets
from datetime import datetime

from django.db import models
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.workspaces.models import Team, Teammate, Workspace

DEFAULT_REMINDER_OFFSETS_MINUTES = (24 * 60, 60)


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS_MINUTES)


def new_link_token() -> str:
    return secrets.token_urlsafe(12)


DEFAULT_FOLLOW_UP_TEMPLATE = """Hello {customer_name},

thank you for the session about {session_name} today.

What we covered:
{recap}

Articles that go further:
{articles}

Next steps:
{next_steps}

This session is a start, not an end: reply to this email or write to us in the messenger whenever
something comes up, and we will pick it up from here.

{agent_name}"""


class SessionType(models.Model):
    """A kind of 1:1 session a team offers: how long, how far ahead, who hosts, what is asked."""

    class Channel(models.TextChoices):
        VIDEO = "video", "Video call"
        AUDIO = "audio", "Audio call"
        SCREEN_SHARE = "screen_share", "Screen share"

    class Horizon(models.TextChoices):
        DAYS = "days", "Up to a number of days ahead"
        ON_DEMAND = "on_demand", "On demand (the next few hours)"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="session_types")
    name = models.CharField(max_length=120)
    topic = models.TextField(blank=True, default="")
    length_minutes = models.PositiveIntegerField(default=30)
    slot_step_minutes = models.PositiveIntegerField(default=30)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    minimum_notice_minutes = models.PositiveIntegerField(default=240)
    horizon = models.CharField(max_length=10, choices=Horizon.choices, default=Horizon.DAYS)
    horizon_days = models.PositiveIntegerField(default=14)
    on_demand_hours = models.PositiveIntegerField(default=4)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.VIDEO)
    # Where to meet; "{code}" becomes a per-booking code, e.g. "https://meet.example.com/acme-{code}".
    meeting_link_template = models.CharField(max_length=500, blank=True, default="")
    # Hosts: a team (its members at booking time) or an explicit pool of teammates.
    host_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="session_types"
    )
    hosts = models.ManyToManyField(Teammate, blank=True, related_name="hosted_session_types")
    # Minutes before the start at which each side is reminded.
    customer_reminder_offsets = models.JSONField(default=default_reminder_offsets)
    agent_reminder_offsets = models.JSONField(default=default_reminder_offsets)
    preparation_checklist = models.JSONField(default=list, blank=True)
    follow_up_template = models.TextField(default=DEFAULT_FOLLOW_UP_TEMPLATE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="session_type_name_unique"),
            models.CheckConstraint(
                condition=models.Q(length_minutes__gt=0, slot_step_minutes__gt=0),
                name="session_type_length_and_step_positive",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntakeQuestion(models.Model):
    """A question the customer answers when booking (what they expect from the session, …)."""

    class Kind(models.TextChoices):
        TEXT = "text"
        CHOICE = "choice"
        URL = "url"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=300)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_type", "key"], name="intake_question_key_unique")
        ]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class EligibilityRule(models.Model):
    """A condition that makes a customer ineligible, and what to tell them instead."""

    class Source(models.TextChoices):
        ATTRIBUTE = "attribute", "Contact attribute"
        ANSWER = "answer", "Intake answer"

    class Operator(models.TextChoices):
        EQUALS = "equals"
        NOT_EQUALS = "not_equals"
        IN = "in"
        NOT_IN = "not_in"
        CONTAINS = "contains"
        MISSING = "missing"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="eligibility_rules")
    source = models.CharField(max_length=10, choices=Source.choices)
    key = models.CharField(max_length=120)
    operator = models.CharField(max_length=10, choices=Operator.choices, default=Operator.EQUALS)
    value = models.JSONField(default=None, null=True, blank=True)
    message = models.TextField()
    # Where it fits, something better than a session: an article, or a conversation.
    alternative_url = models.URLField(max_length=500, blank=True, default="")
    alternative_label = models.CharField(max_length=120, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.source} {self.key} {self.operator} {self.value!r}"


class BookingTrigger(models.Model):
    """Where a session type is offered (a button on a product page, a link in an email); each has its
    own booking link so reports tell which place brings which customers."""

    class Kind(models.TextChoices):
        PRODUCT_BUTTON = "product_button", "Button in the product"
        EMAIL_LINK = "email_link", "Link in an email"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="triggers")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PRODUCT_BUTTON)
    place = models.CharField(max_length=120)
    token = models.CharField(max_length=40, unique=True, default=new_link_token)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_type", "place"], name="booking_trigger_place_unique")
        ]
        ordering = ["place", "id"]

    def __str__(self) -> str:
        return self.place


class WeeklyHours(models.Model):
    """One working interval on a weekday, as wall-clock times in a zone. Rows with a date range are a
    seasonal schedule: on dates inside the range they replace the teammate's rows without one."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField()  # Monday 0 … Sunday 6
    start_time = models.TimeField()
    # An end at or before the start runs into the next day (00:00-00:00 is the whole day).
    end_time = models.TimeField()
    timezone = models.CharField(max_length=64)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekly_hours_weekday_0_to_6"),
        ]
        indexes = [models.Index(fields=["teammate", "weekday"])]
        ordering = ["teammate", "valid_from", "weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.timezone}"

    @property
    def weekday_name(self) -> str:
        return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[self.weekday]


class DateOverride(models.Model):
    """A date whose hours differ from the week's: its rows replace the weekly hours on that date.
    A row without times marks the whole date as unavailable."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["teammate", "date"])]
        ordering = ["date", "start_time"]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time}-{self.end_time} {self.timezone}"


class TimeOff(models.Model):
    """An absence between two instants (holiday, sick day, conference)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="time_off_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["teammate", "starts_at"])]
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at.isoformat()} to {self.ends_at.isoformat()}"


class Booking(models.Model):
    """One customer's 1:1 session with one agent.

    The agent's time is blocked from `starts_at` to `blocked_until` (the end plus the buffer for
    follow-up work). The database refuses two blocking bookings of one agent that overlap: an
    exclusion constraint on PostgreSQL, triggers on SQLite (see migration 0002).

    A booking made by someone who is not verified (a public booking link, the messenger's anonymous
    visitor) waits for its customer to confirm the email address (`email_confirmed_at` empty): it
    holds its slot, and until then it belongs to a contact of its own, never to the customer that
    address names (docs/meetings.md, "Who books: verified and unverified")."""

    class Status(models.TextChoices):
        BOOKED = "booked"
        CANCELLED = "cancelled"
        DECLINED = "declined"
        HELD = "held"
        NO_SHOW = "no_show"

    class Side(models.TextChoices):
        CUSTOMER = "customer"
        AGENT = "agent"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session_type = models.ForeignKey(SessionType, on_delete=models.RESTRICT, related_name="bookings")
    trigger = models.ForeignKey(
        BookingTrigger, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="bookings")
    agent = models.ForeignKey(Teammate, on_delete=models.RESTRICT, related_name="bookings")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    booked_at = models.DateTimeField()
    # How the customer sees times: their zone and language when they booked.
    customer_name = models.CharField(max_length=190, blank=True, default="")
    customer_email = models.EmailField(max_length=254)
    customer_timezone = models.CharField(max_length=64)
    customer_locale = models.CharField(max_length=20, default="en")
    answers = models.JSONField(default=dict, blank=True)
    meeting_link = models.CharField(max_length=600, blank=True, default="")
    # Bumped on every change of time or status; reminders and invites carry it (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, default="")
    checklist = models.JSONField(default=list, blank=True)
    reschedule_count = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=8, choices=Side.choices, blank=True, default="")
    cancel_reason = models.CharField(max_length=500, blank=True, default="")
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    no_show_side = models.CharField(max_length=8, choices=Side.choices, blank=True, default="")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    # When the customer's email address was confirmed: at booking for a verified customer (the
    # messenger's signed-in user, a booking made for a known contact), else when the link emailed
    # to the address was followed. Empty: not confirmed yet.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Where an unverified booking came from: a keyed digest of the client's address (never the
    # address itself), which the per-address limit counts. Empty for verified bookings. (Nullable
    # without a default, so adding it leaves SQLite's no-overlap triggers on the table.)
    booked_from = models.CharField(max_length=64, null=True, blank=True)

    # Statuses whose time stays taken in the agent's calendar.
    BLOCKING_STATUSES = (Status.BOOKED, Status.HELD, Status.NO_SHOW)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("ends_at")),
                name="booking_blocked_until_after_end",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "starts_at"], name="booking_agent_start"),
            models.Index(fields=["workspace", "starts_at"], name="booking_ws_start"),
            models.Index(fields=["workspace", "booked_at"], name="booking_ws_booked"),
            models.Index(fields=["contact", "starts_at"], name="booking_contact_start"),
            # The bookings still waiting for their address's confirmation, which the limits count.
            models.Index(
                fields=["workspace", "starts_at"],
                condition=models.Q(email_confirmed_at__isnull=True),
                name="booking_unconfirmed_start",
            ),
        ]
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.session_type_id} with {self.customer_email} at {self.starts_at.isoformat()}"

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def is_upcoming(self, at: datetime | None = None) -> bool:
        """Booked and not started yet (at `at`, else now): it can still be moved, cancelled or declined."""
        return self.status == self.Status.BOOKED and self.starts_at > (at or timezone.now())


class BookingEmail(models.Model):
    """One email about a booking to one side, claimed before it is sent. The unique constraint makes a
    retried or duplicated task, or a worker restarted mid-way, send nothing twice."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation"
        RESCHEDULED = "rescheduled"
        REMINDER = "reminder"
        CANCELLED = "cancelled"
        DECLINED = "declined"
        FOLLOW_UP = "follow_up"

    class State(models.TextChoices):
        CLAIMED = "claimed"
        SENT = "sent"
        FAILED = "failed"  # will not be sent unless the team sends it again (see failure)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipient = models.CharField(max_length=8, choices=Booking.Side.choices)
    sequence = models.PositiveIntegerField()
    offset_minutes = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True, default="")  # why it failed, in words for the team

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "recipient", "sequence", "offset_minutes"],
                name="booking_email_sent_once",
            )
        ]
        ordering = ["claimed_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"


class FollowUp(models.Model):
    """The email after a session: recap, articles, next steps and an invitation to come back."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="follow_up")
    recap = models.TextField()
    article_links = models.JSONField(default=list, blank=True)
    next_steps = models.TextField(blank=True, default="")
    body = models.TextField()
    sent_by = models.ForeignKey(Teammate, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Follow-up of booking {self.booking_id}"


class Feedback(models.Model):
    """What the agent learnt about the customer in the session."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    product_usage = models.TextField(blank=True, default="")
    activity_area = models.CharField(max_length=120, blank=True, default="")
    # Free-form facts such as company size, role, country or age range.
    demographics = models.JSONField(default=dict, blank=True)
    entered_by = models.ForeignKey(Teammate, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "activity_area"], name="feedback_ws_area")]

    def __str__(self) -> str:
        return f"Feedback on booking {self.booking_id}"


class FeedbackFeature(models.Model):
    """A feature named in feedback, one row each so insights count them in the database."""

    class Kind(models.TextChoices):
        IMPORTANT = "important"
        MISSING = "missing"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="features")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Lower-cased and with spaces collapsed, so "Dark mode" and "dark  mode" count together.
    name = models.CharField(max_length=120)
    label = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["workspace", "kind", "name"], name="feedback_feature_ws_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"
