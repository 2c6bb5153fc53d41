"""The report's proactive figures equal what was sent, opened, clicked and reacted through the product
(an email opened by its pixel and clicked through its redirect, a chat seen in the messenger and
reacted to), and its filters read each message as it is now: a tag added after sending counts."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from concierge.contacts.services import create_contact
from concierge.outbound.models import Delivery
from concierge.outbound.services import set_daily_cap, set_state, update_message
from concierge.outbound.services.engagement import react, record_open
from concierge.reports.selectors import sends_in_period, support_report

PUBLIC_URL = "http://support.acme.test"


@pytest.fixture(autouse=True)
def media_in_a_throwaway_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL = PUBLIC_URL


@pytest.fixture
def customers(workspace, contact):
    others = [
        create_contact(workspace, external_id=f"cust-{n}", email=f"c{n}@customer.test", name=f"Cus {n}")
        for n in range(2, 6)
    ]
    return [contact, *others]


def _today(workspace):
    return datetime.now(ZoneInfo(workspace.timezone)).date()


def _proactive(workspace, **filters) -> dict:
    today = _today(workspace)
    return support_report(workspace, today, today, **filters)["current"]["proactive"]


def _figures(deliveries) -> dict:
    deliveries = [d for d in deliveries if d.state == "sent"]
    return {
        "sent": len(deliveries),
        "opened": sum(d.opened_at is not None for d in deliveries),
        "clicked": sum(d.clicked_at is not None for d in deliveries),
        "reacted": sum(d.reacted_at is not None for d in deliveries),
    }


def _tracked(email, kind: str) -> list[str]:
    html = email.get_body(preferencelist=("html",)).get_content()
    found = re.findall(r'(?:href|src)="([^"]+)"', html)
    return [unescape(url).removeprefix(PUBLIC_URL) for url in found if f"/o/acme/{kind}/" in url]


def test_the_proactive_figures_are_what_happened_in_the_product(
    workspace, agent, customers, make_message, mailbox, run_tasks
):
    set_daily_cap(workspace, 5)
    newsletter = make_message(
        "email",
        sender=agent,
        versions=[
            {"locale": "en", "subject": "News", "body": "Read [the guide](https://docs.acme.test/guide)."}
        ],
    )
    chat = make_message("chat", tags=["onboarding"])
    set_state(newsletter, "live")
    set_state(chat, "live")
    run_tasks()
    assert Delivery.objects.filter(state="sent").count() == 2 * len(customers)

    client = Client()
    emails = {c.email: mailbox.to(c.email)[0] for c in customers}
    client.get(_tracked(emails[customers[0].email], "open")[0])
    client.get(_tracked(emails[customers[0].email], "open")[0])  # opened twice: one open
    client.get(_tracked(emails[customers[1].email], "open")[0])
    client.get(_tracked(emails[customers[2].email], "click")[0])  # clicked, the pixel blocked
    chats = {
        d.contact_id: d for d in Delivery.objects.filter(message=chat).select_related("message", "contact")
    }
    record_open(chats[customers[0].pk])
    record_open(chats[customers[3].pk])
    react(chats[customers[3].pk], "🎉")
    react(chats[customers[3].pk], "👍")  # changed: still one pair reacted
    react(chats[customers[4].pk], "❤️")  # reacted without opening it first

    update_message(newsletter, tags=["monthly"])  # tagged after it was sent

    by_message = {m: _figures(Delivery.objects.filter(message=m)) for m in (newsletter, chat)}
    assert by_message[newsletter] == {"sent": 5, "opened": 3, "clicked": 1, "reacted": 0}
    assert by_message[chat] == {"sent": 5, "opened": 2, "clicked": 0, "reacted": 2}
    everything = {key: by_message[newsletter][key] + by_message[chat][key] for key in by_message[chat]}
    assert _proactive(workspace) == everything
    assert _proactive(workspace, tag="monthly") == by_message[newsletter]
    assert _proactive(workspace, content_type="chat") == by_message[chat]
    assert _proactive(workspace, sender=agent.ref) == by_message[newsletter]
    assert _proactive(workspace, tag="onboarding", content_type="email") == {
        "sent": 0,
        "opened": 0,
        "clicked": 0,
        "reacted": 0,
    }
    today = _today(workspace)
    assert sends_in_period(workspace, today, today, tag="monthly", engagement="clicked").count() == 1
