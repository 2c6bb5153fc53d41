"""The demo's proactive messages: made through outbound's services with a history, so the message
list shows figures and the support report's proactive stage is not zero."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from concierge.demo.seed import seed_demo_workspace
from concierge.events.models import Event
from concierge.outbound.models import Delivery, Message
from concierge.outbound.selectors import figures_of
from concierge.reports.selectors import support_report
from concierge.workspaces.models import AuditEntry
from tests.demo.test_demo import SMALL


def test_the_demo_has_five_kinds_of_proactive_message_with_their_history(db):
    workspace = seed_demo_workspace(**{**SMALL, "contacts": 60}).workspace

    messages = {m.name: m for m in Message.objects.filter(workspace=workspace)}
    assert Counter(m.content_type for m in messages.values()) == {
        "post": 3,
        "banner": 1,
        "chat": 1,
        "tooltip_group": 1,
        "email": 1,
    }
    outage = messages["Outage: dashboards loading slowly"]
    assert outage.state == "stopped" and outage.overrides_cap
    assert messages["Your export keeps failing"].state == "live"
    assert messages["Monthly product update"].state == "live"
    for message in messages.values():
        assert figures_of(message)["sent"] > 0, message.name
    # Made through the services: each delivery sent has its event, each message its audit trail.
    sent = Delivery.objects.filter(workspace=workspace, state="sent").count()
    assert Event.objects.filter(workspace=workspace, type="outbound.sent").count() == sent
    assert AuditEntry.objects.filter(workspace=workspace, action="outbound_message.created").count() == 7
    # The export chat's goal: some of those it reached exported again within the week.
    assert figures_of(messages["Your export keeps failing"])["goal_met"] > 0
    # The monthly email went out at 10:00 in each customer's own zone.
    email = messages["Monthly product update"]
    local_hours = {
        d.sent_at.astimezone(ZoneInfo(d.contact.timezone or workspace.timezone)).hour
        for d in Delivery.objects.filter(message=email, state="sent").select_related("contact")
    }
    assert 10 in local_hours
    # Monthly: the second month's went to those who had the first.
    assert Delivery.objects.filter(message=email, state="sent", sequence=2).exists()

    today = timezone.now().date()
    report = support_report(workspace, today - timedelta(days=70), today)
    assert report["current"]["proactive"]["sent"] == sent
    # Customers answered: opens on every kind, clicks on the email, reactions on chats and posts.
    proactive = report["current"]["proactive"]
    assert proactive["opened"] > 0 and proactive["clicked"] > 0 and proactive["reacted"] > 0
    assert (
        figures_of(email)["clicked"] > 0 and figures_of(messages["Your export keeps failing"])["opened"] > 0
    )
    # Some answered the export chat: each answer is a conversation with the chat first, from its sender.
    export = messages["Your export keeps failing"]
    answered = Delivery.objects.filter(message=export).exclude(conversation=None)
    assert figures_of(export)["replied"] == answered.count() > 0
    first = answered.first().conversation.parts.order_by("created_at", "id").first()
    assert first.author_type == "teammate" and "export" in first.body
