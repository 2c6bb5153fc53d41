"""The demo's proactive messages, with two months of their history made through outbound's services
(`at=` in the past), so the support report's proactive stage has figures:

- an outage banner shown during last month's incident on every page (past the daily limit), stopped
  once it was over;
- an onboarding series of three posts for customers on the free plan, a few days apart;
- a "your export keeps failing" chat from Reliability to customers whose export failed three times in
  a week (the product tracks `export failed`), with the goal that they export again (`export
  succeeded`) within a week, and no more once they did;
- a tooltip tour of the reports page for Pro and Enterprise customers;
- a monthly product email, at 10:00 in each customer's own time zone.
"""

import random
from datetime import UTC, datetime, time, timedelta

from concierge.contacts.models import Contact
from concierge.events.services.tracking import track_contact_event
from concierge.outbound.models import Delivery, Message, SendRun
from concierge.outbound.schedule import occurrences
from concierge.outbound.services import create_message, deliver, deliver_due, open_due_occurrences, set_state
from concierge.outbound.services.delivery import run_send_batch
from concierge.outbound.services.emails import replaying_history
from concierge.outbound.services.engagement import REACTIONS, react, record_click, record_open
from concierge.outbound.services.in_app import reply_to_chat
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import Actor

OUTAGE_DAYS_AGO = 24
ONBOARDING = (
    (
        "Welcome: your first dashboard",
        "Your first dashboard in two minutes",
        "Hi {{first_name|there}} 👋 Pick a data source, drag a metric onto the canvas, and you have a "
        "dashboard. [Watch the 2-minute tour](https://acme.test/help/first-dashboard).",
    ),
    (
        "Invite your team",
        "Analytics is better together",
        "Invite a teammate from **Settings → Members**: they see the dashboards you share with them, and "
        "the free plan includes up to 3 people.",
    ),
    (
        "Schedule an export",
        "Get your numbers every Monday",
        "Any report can be exported on a schedule: open it, choose **Export → Schedule**, and the CSV "
        "arrives in your inbox.",
    ),
)
TOOLTIPS = [
    {
        "selector": "#report-filters",
        "body": "Filter by date, team or plan: the figures update as you choose.",
    },
    {"selector": "#compare-toggle", "body": "Compare with the period before, {{first_name|}}."},
    {"selector": "#export-button", "body": "Exports run in the background: we email you the file."},
]


def seed_proactive_messages(
    workspace: Workspace,
    owner: Actor,
    *,
    product_sender: Teammate,
    reliability_sender: Teammate,
    rng: random.Random,
    now: datetime,
) -> dict[str, Message]:
    """The messages and their history; returns them by a short name."""
    with replaying_history():  # two months of history: its emails were sent then, not now
        return _seed(workspace, owner, product_sender, reliability_sender, rng, now)


def _seed(workspace, owner, product_sender, reliability_sender, rng, now) -> dict[str, Message]:
    people = Contact.objects.filter(workspace=workspace, merged_into__isnull=True, kind=Contact.Kind.USER)
    users = list(people.order_by("pk"))
    messages = {
        "outage": _outage_banner(workspace, owner, users, rng, now),
        "export": _export_chat(workspace, owner, reliability_sender, users, rng, now),
        "tour": _tooltip_tour(workspace, owner, users, rng, now),
        "email": _monthly_email(workspace, owner, product_sender, now),
    }
    for number, post in enumerate(_onboarding_posts(workspace, owner, product_sender, users, rng, now)):
        messages[f"onboarding-{number + 1}"] = post
    for message in messages.values():
        _engagement(message, rng, now)
    return messages


# How customers answered each kind of message: the share that opened it, of those the share that
# clicked a link (email) or reacted (chats and posts).
OPENED = {"banner": 0.8, "tooltip_group": 0.7, "chat": 0.75, "post": 0.6, "email": 0.45}
CLICKED = {"email": 0.3}
REACTED = {"chat": 0.2, "post": 0.25}


def _engagement(message: Message, rng: random.Random, now: datetime) -> None:
    """Opens, clicks and reactions through the services, each a little after its delivery."""
    kind = message.content_type
    for delivery in Delivery.objects.filter(message=message, state=Delivery.State.SENT).order_by("pk"):
        if rng.random() >= OPENED.get(kind, 0):
            continue
        opened_at = min(delivery.sent_at + timedelta(minutes=rng.uniform(2, 600)), now)
        record_open(delivery, at=opened_at, approximate=kind == "email")
        if kind in CLICKED and rng.random() < CLICKED[kind]:
            record_click(delivery, "https://acme.test/whats-new", at=opened_at + timedelta(minutes=1))
        if kind in REACTED and rng.random() < REACTED[kind]:
            react(delivery, rng.choice(REACTIONS[:4]), at=opened_at + timedelta(minutes=1))


def _outage_banner(workspace, owner, users, rng, now) -> Message:
    began = now - timedelta(days=OUTAGE_DAYS_AGO, hours=3)
    banner = create_message(
        workspace,
        content_type="banner",
        name="Outage: dashboards loading slowly",
        tags=["outage", "reliability"],
        versions=[
            {
                "locale": "en",
                "body": "Dashboards are loading slowly for some customers. We're on it: "
                "[follow the status page](https://status.acme.test) for updates.",
            },
            {
                "locale": "es",
                "body": "Los paneles cargan lentamente para algunos clientes. Estamos en ello: "
                "[sigue la página de estado](https://status.acme.test).",
            },
        ],
        audience_kind="users",
        trigger="page",
        page_url="*",
        overrides_cap=True,
        actor=owner,
        at=began - timedelta(minutes=20),
    )
    set_state(banner, "live", actor=owner, at=began)
    for contact in users:
        if rng.random() < 0.45:
            deliver(banner, contact, at=began + timedelta(minutes=rng.uniform(1, 170)))
    set_state(banner, "stopped", actor=owner, at=began + timedelta(hours=3))
    return banner


def _onboarding_posts(workspace, owner, sender, users, rng, now) -> list[Message]:
    made = now - timedelta(days=50)
    free = [c for c in users if (c.attributes or {}).get("plan") == "free"]
    posts = []
    for number, (name, title, body) in enumerate(ONBOARDING):
        post = create_message(
            workspace,
            content_type="post",
            name=f"Onboarding {number + 1}/3: {name}",
            sender=sender,
            tags=["onboarding"],
            versions=[{"locale": "en", "subject": title, "body": body}],
            audience={"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "free"}]},
            audience_kind="users",
            trigger="page",
            page_url="https://app.acme.test/dashboards*",
            page_seconds=5 * (number + 1),
            actor=owner,
            at=made + timedelta(minutes=number * 15),
        )
        set_state(post, "live", actor=owner, at=made + timedelta(hours=1))
        posts.append(post)
    for contact in free:
        first_visit = made + timedelta(days=rng.uniform(1, 20), hours=rng.uniform(0, 8))
        for number, post in enumerate(posts):
            if rng.random() < 0.85:
                deliver(
                    post, contact, at=first_visit + timedelta(days=3 * number, minutes=rng.uniform(0, 90))
                )
    return posts


def _export_chat(workspace, owner, sender, users, rng, now) -> Message:
    made = now - timedelta(days=40)
    chat = create_message(
        workspace,
        content_type="chat",
        name="Your export keeps failing",
        sender=sender,
        tags=["exports", "reliability"],
        versions=[
            {
                "locale": "en",
                "body": "Hi {{first_name|there}}, I saw your exports failed a few times this week, sorry about "
                "that. Large exports time out when a worker restarts; splitting by month works today, and a "
                "fix is on its way. Reply here and I'll restart yours.",
            },
            {
                "locale": "es",
                "body": "Hola {{first_name|}}, vi que tus exportaciones fallaron varias veces esta semana. "
                "Dividirlas por mes funciona hoy; responde aquí y reinicio la tuya.",
            },
        ],
        audience={
            "match": "all",
            "rules": [{"event": "export failed", "op": "at_least", "count": 3, "days": 7}],
        },
        audience_kind="users",
        trigger="event",
        event_name="export failed",
        goal_kind="event",
        goal_name="export succeeded",
        goal_days=7,
        stop_when_goal_met=True,
        actor=owner,
        at=made,
    )
    set_state(chat, "live", actor=owner, at=made + timedelta(minutes=10))
    struggling = rng.sample(users, k=min(len(users), max(3, len(users) // 6)))
    for contact in struggling:
        failed_at = made + timedelta(days=rng.uniform(1, 35), hours=rng.uniform(0, 10))
        for _attempt in range(3):
            failed_at += timedelta(hours=rng.uniform(2, 30))
            track_contact_event(
                contact, "export failed", {"rows": rng.choice([120_000, 480_000, 2_000_000])}, at=failed_at
            )
        delivery = deliver(chat, contact, at=failed_at + timedelta(minutes=rng.uniform(1, 10)))
        if delivery is not None and rng.random() < 0.3:
            answered_at = min(delivery.sent_at + timedelta(minutes=rng.uniform(3, 90)), now)
            reply_to_chat(delivery, rng.choice(CHAT_ANSWERS), at=answered_at)
        if rng.random() < 0.6:
            track_contact_event(
                contact,
                "export succeeded",
                {"split": "by month"},
                at=failed_at + timedelta(hours=rng.uniform(2, 60)),
            )
    return chat


# What customers wrote back to the export chat (each starts a conversation, the chat first).
CHAT_ANSWERS = (
    "Yes please, restart it. It's the yearly report for our board meeting on Friday.",
    "Thanks for noticing! Splitting by month worked, but can I get it as one file?",
    "It failed again just now with the 2M-row export. Could you take a look?",
)


def _tooltip_tour(workspace, owner, users, rng, now) -> Message:
    made = now - timedelta(days=30)
    tour = create_message(
        workspace,
        content_type="tooltip_group",
        name="Reports page tour",
        tags=["onboarding", "reports"],
        versions=[{"locale": "en", "tooltips": TOOLTIPS}],
        audience={
            "match": "all",
            "rules": [{"attribute": "plan", "op": "in", "value": ["pro", "enterprise"]}],
        },
        audience_kind="users",
        trigger="page",
        page_url="https://app.acme.test/reports*",
        actor=owner,
        at=made,
    )
    set_state(tour, "live", actor=owner, at=made + timedelta(hours=2))
    for contact in users:
        if (contact.attributes or {}).get("plan") in ("pro", "enterprise") and rng.random() < 0.7:
            deliver(tour, contact, at=made + timedelta(days=rng.uniform(0.2, 28)))
    return tour


def _monthly_email(workspace, owner, sender, now) -> Message:
    """Sent on its schedule as the worker would send it: each occurrence's run walks the audience,
    every contact's delivery due at 10:00 in their own zone, then sent as each hour comes."""
    first_day = (now - timedelta(days=55)).date()
    email = create_message(
        workspace,
        content_type="email",
        name="Monthly product update",
        sender=sender,
        tags=["newsletter"],
        versions=[
            {
                "locale": "en",
                "subject": "What's new at Acme this month, {{first_name|}}",
                "body": "Hi {{first_name|there}},\n\nThis month: **scheduled exports** for every report, faster "
                "dashboards, and SSO for teams on {{plan|any}} plans.\n\n[Read the changelog](https://acme.test/changelog)",
            }
        ],
        audience_kind="users",
        trigger="schedule",
        schedule_on=first_day,
        schedule_time="10:00",
        schedule_zone="contact",
        repeat="monthly",
        max_per_contact=12,
        min_gap_days=20,
        actor=owner,
        at=now - timedelta(days=57),
    )
    set_state(email, "live", actor=owner, at=now - timedelta(days=56))
    for day in occurrences(first_day, "monthly", None):
        # The earliest zone's 10:00 (UTC+14) is the day before at 20:00 UTC; the latest (UTC-12) at 22:00.
        opens_at = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=4)
        if opens_at + timedelta(hours=27) > now:
            break  # today's or a later month's: the worker sends it when it comes
        open_due_occurrences(at=opens_at)
        for run in SendRun.objects.filter(message=email, finished_at__isnull=True):
            while run_send_batch(run.pk, at=opens_at):
                pass
        for hour in range(1, 27):
            while deliver_due(at=opens_at + timedelta(hours=hour)):
                pass
    return email
