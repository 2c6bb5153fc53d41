"""The account page's notification preferences (a card the page includes by tag)."""

from django import template

from concierge.live.models import Notification
from concierge.live.services import preferences_of

register = template.Library()

WAY_LABELS = {"in_page": "In the page", "browser": "Browser notification", "email": "Email if I miss it"}


@register.inclusion_tag("live/_notification_preferences.html", takes_context=True)
def notification_preferences(context):
    request = context["request"]
    preferences = preferences_of(request.teammate)
    rows = [
        {
            "kind": kind,
            "label": label,
            "ways": [
                {"name": f"{kind}.{way}", "label": WAY_LABELS[way], "on": preferences[kind][way]}
                for way in WAY_LABELS
            ],
        }
        for kind, label in Notification.Kind.choices
    ]
    return {"request": request, "rows": rows, "csrf_token": context.get("csrf_token")}
