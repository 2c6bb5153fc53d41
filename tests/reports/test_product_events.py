"""The product's own actions feed the report without any import, in their own transactions."""

from datetime import UTC, date, datetime, timedelta

from concierge.conversations import services as conversations
from concierge.events.models import Event
from concierge.reports.models import ConversationFacts, SupportSession
from concierge.reports.selectors import support_report
from tests.reports.reference import reference_report

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_conversations_in_the_product_show_in_the_report(workspace, owner, agent, contact):
    first = conversations.start_conversation(workspace, contact=contact, body="Export fails", at=START)
    conversations.deliver_bot_answer(first, "Try the export guide", at=START + timedelta(minutes=1))
    conversations.reply_as_teammate(first, agent, "Looking", at=START + timedelta(minutes=10))
    conversations.close_conversation(first, teammate=agent, at=START + timedelta(hours=1))
    conversations.reply_as_contact(first, "Still broken", at=START + timedelta(hours=2))  # reopens it
    conversations.close_conversation(first, teammate=agent, at=START + timedelta(hours=3))
    conversations.rate_conversation(first, rating=5, at=START + timedelta(hours=4))
    conversations.rate_conversation(first, rating=3, at=START + timedelta(hours=5))
    second = conversations.start_conversation(
        workspace, contact=contact, body="Quick one", at=START + timedelta(hours=30)
    )
    conversations.deliver_bot_answer(second, "Here you go", at=START + timedelta(hours=30, minutes=1))
    conversations.close_conversation(second, by="bot", at=START + timedelta(hours=30, minutes=2))
    conversations.start_conversation(  # a teammate reaching out is not seeking support
        workspace, contact=contact, teammate=agent, body="Hello!", at=START + timedelta(hours=60)
    )

    current = support_report(workspace, date(2026, 3, 2), date(2026, 3, 4))["current"]
    assert current["sessions"]["total"] == 2
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["sessions"]["self_serve_resolved"] == 1
    assert current["rates"]["automated_resolution"] == 0.5
    group = current["human_support"]["after_self_serve"]
    assert (group["conversations"], group["rating_average"]) == (1, 3.0)
    assert group["median_first_response_seconds"] == 600.0
    assert group["median_time_to_close_seconds"] == 3 * 3600.0
    assert SupportSession.objects.filter(workspace=workspace).count() == 2
    assert ConversationFacts.objects.filter(workspace=workspace).count() == 3

    log = [
        {
            "type": e.type,
            "at": e.at.isoformat(),
            "contact": contact.ref,
            "conversation": e.conversation_ref,
            **e.data,
        }
        for e in Event.objects.filter(workspace=workspace)
    ]
    assert support_report(workspace, date(2026, 3, 2), date(2026, 3, 4)) == reference_report(
        log, workspace.timezone, date(2026, 3, 2), date(2026, 3, 4)
    )
