"""The agent's feedback entry after a session: how the customer uses the product, the features that
matter to them and those they miss, their activity area and demographics."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.models import Booking, Feedback, FeedbackFeature
from concierge.workspaces.models import Teammate

MAX_FEATURES = 20
MAX_DEMOGRAPHICS = 12


def feature_key(label: str) -> str:
    """How features are counted together: case and spacing do not matter."""
    return " ".join(label.split()).lower()


def clean_features(features, *, field: str) -> list[str]:
    """A list of names, or one comma-separated text; duplicates (by key) dropped."""
    if isinstance(features, str):
        features = features.split(",")
    if not isinstance(features, list | tuple):
        raise InvalidInput(f"{field} must be a list of feature names.", field=field)
    seen, cleaned = set(), []
    for feature in features:
        label = clean_short_text(str(feature), field=field, max_length=120)
        if label and feature_key(label) not in seen:
            seen.add(feature_key(label))
            cleaned.append(label)
    if len(cleaned) > MAX_FEATURES:
        raise InvalidInput(f"{field} holds at most {MAX_FEATURES} features.", field=field)
    return cleaned


def clean_demographics(demographics) -> dict:
    if demographics is None:
        return {}
    if not isinstance(demographics, dict) or len(demographics) > MAX_DEMOGRAPHICS:
        raise InvalidInput(
            f"demographics must be an object of at most {MAX_DEMOGRAPHICS} facts (e.g. company_size, role).",
            field="demographics",
        )
    cleaned = {}
    for key, value in demographics.items():
        key = clean_short_text(str(key), field="demographics", max_length=60)
        value = clean_short_text(str(value), field="demographics", max_length=120)
        if key and value:
            cleaned[key] = value
    return cleaned


def record_feedback(
    booking: Booking,
    *,
    teammate: Teammate,
    product_usage: str = "",
    important_features=(),
    missing_features=(),
    activity_area: str = "",
    demographics: dict | None = None,
    at: datetime | None = None,
) -> Feedback:
    """Create or replace the booking's feedback entry."""
    now = at or timezone.now()
    if teammate.workspace_id != booking.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    product_usage = refuse_control_characters(
        (product_usage or "").strip(), field="product_usage", allowed="\t\n\r"
    )
    if len(product_usage) > 5000:
        raise InvalidInput("product_usage is longer than 5,000 characters.", field="product_usage")
    important = clean_features(important_features, field="important_features")
    missing = clean_features(missing_features, field="missing_features")
    activity_area = clean_short_text(activity_area, field="activity_area", max_length=120)
    demographics = clean_demographics(demographics)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact")
            .get(pk=booking.pk)
        )
        if booking.status not in (Booking.Status.HELD, Booking.Status.NO_SHOW):
            raise Conflict("Feedback is entered after the session is marked held.")
        feedback, created = Feedback.objects.update_or_create(
            booking=booking,
            defaults={
                "workspace_id": booking.workspace_id,
                "product_usage": product_usage,
                "activity_area": activity_area,
                "demographics": demographics,
                "entered_by": teammate,
                "updated_at": now,
            },
            create_defaults={
                "workspace_id": booking.workspace_id,
                "product_usage": product_usage,
                "activity_area": activity_area,
                "demographics": demographics,
                "entered_by": teammate,
                "updated_at": now,
                "created_at": now,
            },
        )
        feedback.features.all().delete()
        FeedbackFeature.objects.bulk_create(
            [
                FeedbackFeature(
                    workspace_id=booking.workspace_id,
                    feedback=feedback,
                    kind=kind,
                    name=feature_key(label),
                    label=label,
                )
                for kind, labels in (
                    (FeedbackFeature.Kind.IMPORTANT, important),
                    (FeedbackFeature.Kind.MISSING, missing),
                )
                for label in labels
            ]
        )
        record_event(
            booking.workspace,
            event_types.MEETING_FEEDBACK_RECORDED,
            contact=booking.contact,
            at=now,
            data={
                "booking": booking.pk,
                "agent": booking.agent_id,
                "teammate": teammate.pk,
                "created": created,
            },
        )
    return feedback
