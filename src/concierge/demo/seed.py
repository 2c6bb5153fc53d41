"""Seed the demo workspace "Acme" through the services, with 60 days of believable support history.

Everything is written by the same service functions pages and the API use, with their `at=` argument
to replay the past, so the event log and the reports built on it tell the same story as the inbox.
The same seed gives the same workspace: the choices come from one `random.Random(seed)`.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from concierge.bot import services as bot
from concierge.bot.selectors import bot_settings, has_published_answers
from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, edit_contact, merge_lead_into_user
from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation
from concierge.conversations.selectors import conversation_by_id
from concierge.core.errors import NotFound
from concierge.demo import people, routing, stories
from concierge.demo.articles import TYPOS, Readers, open_help_center
from concierge.demo.emails import DemoMailClient
from concierge.demo.insights import seed_product_feedback
from concierge.demo.outbound import seed_proactive_messages
from concierge.demo.saved_replies import seed_saved_replies
from concierge.demo.sessions import seed_demo_sessions
from concierge.mail.services.mailboxes import create_mailbox
from concierge.replies.services.saved_replies import count_saved_reply_use
from concierge.routing.services.assignment import set_team_routing
from concierge.routing.services.hours import set_office_hours, set_service_level_targets
from concierge.routing.services.rotation import generate_roster, set_rotation
from concierge.routing.services.rules import RuleInput, create_rule, rule_run_key, run_rules_once
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.selectors import teammates as teammates_of
from concierge.workspaces.selectors import workspace_by_slug
from concierge.workspaces.services import (
    Actor,
    add_teammate,
    create_api_key,
    create_team,
    create_workspace,
    invite_teammate,
    mark_api_key_used,
    revoke_api_key,
    update_messenger_settings,
    update_teammate,
)

DEMO_SLUG = "acme"
DEMO_NAME = "Acme"
DEMO_TIMEZONE = "America/New_York"
DEMO_OWNER_EMAIL = "owner@acme.test"
DEMO_MAILBOX = "support@acme.test"
# The demo's product site (demo/site.py) on the default ports; `concierge demo --serve` adds its own.
DEMO_SITE_ORIGINS = ["http://127.0.0.1:8001", "http://localhost:8001"]
DEMO_PASSWORD = "acme-demo-password"  # every demo teammate signs in with it; `concierge demo` prints it
HISTORY_DAYS = 60
READ_BEFORE_WRITING = 0.3  # the share of customers who looked in the help center before writing

ProgressCallback = Callable[[int, int], None]


@dataclass
class DemoSeedResult:
    workspace: Workspace
    created: bool
    contacts: int = 0
    conversations: int = 0
    sessions: int = 0


def seed_demo_workspace(
    *,
    contacts: int = 300,
    conversations: int = 400,
    sessions: int = 40,
    seed: int = 2024,
    at: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> DemoSeedResult:
    """Create Acme with its teammates, teams, contacts and conversations; leave an existing Acme alone."""
    try:
        return DemoSeedResult(workspace=workspace_by_slug(DEMO_SLUG), created=False)
    except NotFound:
        pass
    desk = DemoDesk(rng=random.Random(seed), now=(at or timezone.now()).replace(second=0, microsecond=0))
    total = contacts + conversations + 1
    report = on_progress or (lambda done, total: None)
    # One transaction: the demo is there whole or not at all, and SQLite commits once instead of 10,000 times.
    with transaction.atomic():
        desk.open_workspace()
        open_help_center(desk.workspace, desk.owner.teammate, desk.now)
        desk.set_office_hours_and_rotation()
        for done in range(contacts):
            desk.add_contact(done)
            report(done + 1, total)
        # The readers draw on their own dice, so the conversations play as they always have.
        readers = Readers(desk.workspace, random.Random(seed + 1), desk.now)
        for done, (start, story, contact) in enumerate(desk.plan_conversations(conversations)):
            if readers.rng.random() < READ_BEFORE_WRITING:
                readers.read_before_writing(contact, story.subject, start)
            ConversationPlay(desk, story, contact, start).play()
            report(contacts + done + 1, total)
        for _ in range(contacts):
            readers.read_on_their_own(readers.rng.choice(desk.contacts), HISTORY_DAYS)
        for typo in TYPOS:
            readers.misspell_and_read(readers.rng.choice(desk.contacts), typo, HISTORY_DAYS)
        desk.set_assignment_methods()
        desk.merge_leads_who_signed_up()
        desk.correct_a_contact()
        booked = desk.book_one_to_one_sessions(sessions) if sessions else 0
        seed_product_feedback(desk.workspace, desk.owner, random.Random(seed + 2), desk.now)
        seed_proactive_messages(
            desk.workspace,
            desk.owner,
            product_sender=desk.members["Product"][0],
            reliability_sender=desk.members["Reliability"][0],
            rng=random.Random(seed + 3),
            now=desk.now,
        )
        report(total, total)
    return DemoSeedResult(
        desk.workspace, created=True, contacts=contacts, conversations=conversations, sessions=booked
    )


def ascii_word(text: str) -> str:
    """'Jovanović' -> 'jovanovic', "O'Brien" -> 'obrien' (for made-up email addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class DemoDesk:
    """The workspace being seeded and what the conversations draw on."""

    rng: random.Random
    now: datetime
    workspace: Workspace | None = None
    teammates: list[Teammate] = field(default_factory=list)
    teams: dict[str, Team] = field(default_factory=dict)
    members: dict[str, list[Teammate]] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    company_of: dict[int, str] = field(default_factory=dict)
    tags: dict[str, object] = field(default_factory=dict)
    owner: Actor | None = None
    used_emails: set[str] = field(default_factory=set)
    contacts_who_wrote: list[Contact] = field(default_factory=list)
    saved_replies: dict = field(default_factory=dict)  # story subject -> its saved reply
    mail: DemoMailClient | None = None

    @cached_property
    def bot_can_answer(self) -> bool:
        """The bot answers in the history when the help center has published articles to answer from."""
        return has_published_answers(self.workspace)

    @cached_property
    def assume_resolved_minutes(self) -> int:
        return bot_settings(self.workspace).assume_resolved_after_minutes

    def set_office_hours_and_rotation(self) -> None:
        """Acme answers Monday to Friday, 8:00 to 18:00 New York time, closed on US holidays; a first
        answer within two office hours and a next one within four. Reliability, spread from California
        to Europe, covers a longer day of its own and rotates a support day among its teammates."""
        weekdays = range(5)
        set_office_hours(
            self.workspace,
            timezone_name=DEMO_TIMEZONE,
            intervals=[(day, "08:00", "18:00") for day in weekdays],
            holiday_country="US",
            holiday_subdivision="NY",
            actor=self.owner,
        )
        set_service_level_targets(
            self.workspace, first_response_minutes=120, next_response_minutes=240, actor=self.owner
        )
        reliability = self.teams["Reliability"]
        set_office_hours(
            self.workspace,
            team=reliability,
            timezone_name=DEMO_TIMEZONE,
            intervals=[(day, "04:00", "20:00") for day in weekdays],
            holiday_country="US",
            actor=self.owner,
        )
        set_service_level_targets(
            self.workspace,
            team=reliability,
            first_response_minutes=60,
            next_response_minutes=120,
            actor=self.owner,
        )
        rotation = set_rotation(reliability, order=self.members["Reliability"], actor=self.owner)
        today = self.now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
        generate_roster(
            rotation,
            first_day=today - timedelta(days=60),
            last_day=today + timedelta(days=56),
            actor=self.owner,
        )

    def open_workspace(self) -> None:
        """The workspace as its owner set it up: `concierge demo` creates it, the owner sets their zone,
        adds the teammates, makes the teams and the tags, and an API key for the CRM (its audit trail
        tells this story). A new hire is invited and has not accepted yet; an old key was revoked."""
        owner = people.TEAMMATES[0]
        self.workspace = create_workspace(
            name=DEMO_NAME,
            slug=DEMO_SLUG,
            timezone_name=DEMO_TIMEZONE,
            owner_email=owner.email,
            owner_password=DEMO_PASSWORD,
            owner_name=owner.name,
            actor=Actor.for_command("demo"),
        )
        for person in people.TEAMMATES:
            if person.role == "owner":
                owner_teammate = teammates_of(self.workspace).get(role="owner")
                self.owner = Actor.for_teammate(owner_teammate)
                teammate = update_teammate(
                    owner_teammate, timezone_name=person.timezone, locale=person.locale, actor=self.owner
                )
            else:
                teammate = add_teammate(
                    self.workspace,
                    email=person.email,
                    name=person.name,
                    role=person.role,
                    timezone_name=person.timezone,
                    locale=person.locale,
                    password=DEMO_PASSWORD,
                    actor=self.owner,
                )
            self.teammates.append(teammate)
        # Marcus put his middle initial on his avatar from his own profile page (the trail shows him).
        marcus = self.teammates[1]
        update_teammate(marcus, initials="MJC", actor=Actor.for_teammate(marcus))
        for name in people.TEAM_NAMES:
            members = [t for t, p in zip(self.teammates, people.TEAMMATES, strict=True) if name in p.teams]
            self.teams[name] = create_team(self.workspace, name=name, members=members, actor=self.owner)
            self.members[name] = members
        for story in stories.STORIES:
            for name in (story.tag, story.extra_tag):
                if name and name not in self.tags:
                    self.tags[name] = conversations.tag_for_name(self.workspace, name, actor=self.owner)
        self.make_routing_rules()
        for name in ("feature-request", "incident", "refund"):
            if name not in self.tags:
                self.tags[name] = conversations.tag_for_name(self.workspace, name, actor=self.owner)
        self.saved_replies = seed_saved_replies(
            self.workspace, self.owner, self.teams, self.tags, at=self.now - timedelta(days=HISTORY_DAYS + 2)
        )
        owner_teammate = self.owner.teammate
        crm_key, _ = create_api_key(
            self.workspace, name="CRM sync", teammate=owner_teammate, actor=self.owner
        )
        mark_api_key_used(crm_key)
        old_key, _ = create_api_key(
            self.workspace, name="Old helpdesk import", teammate=owner_teammate, actor=self.owner
        )
        revoke_api_key(old_key, actor=self.owner)
        update_messenger_settings(
            self.workspace,
            allowed_origins=DEMO_SITE_ORIGINS,
            greeting="Hi there 👋 Ask us anything about Acme Analytics.",
            actor=self.owner,
        )
        self.open_mailbox()
        invite_teammate(
            self.workspace,
            email=people.INVITED.email,
            name=people.INVITED.name,
            role=people.INVITED.role,
            actor=self.owner,
            at=self.now - timedelta(days=2),
        )

    def open_mailbox(self) -> None:
        """Acme's support address: mail sent to the demo's SMTP listener starts a conversation, and
        the history's email conversations were received and answered through it."""
        mailbox = create_mailbox(
            self.workspace,
            address=DEMO_MAILBOX,
            sender_name="Acme Support",
            signature="The Acme support team\nhttps://acme.test/help",
            auto_ack_enabled=True,
            auto_ack_text=(
                "Thanks for writing to Acme Support. We have your message and will answer within a "
                "working day.\n\nReply to this email to add anything."
            ),
            actor=self.owner,
        )
        self.mail = DemoMailClient(mailbox)

    def add_contact(self, number: int) -> None:
        rng = self.rng
        city = rng.choice(people.CITIES)
        first, last = rng.choice(people.FIRST_NAMES), rng.choice(people.LAST_NAMES)
        company = rng.choice(people.COMPANIES)
        if rng.random() < 0.75:
            plan = rng.choices([p for p, _ in people.PLANS], weights=[w for _, w in people.PLANS])[0]
            seats = rng.choice([1, 3, 5, 12, 25, 60, 250]) if plan != "free" else 1
            # Signed up (and first seen by the desk) before the history the demo plays began.
            signed_up = self.now - timedelta(days=max(rng.randint(20, 900), HISTORY_DAYS + 1))
            contact = create_contact(
                self.workspace,
                at=signed_up,
                external_id=f"usr_{number + 1:05d}",
                email=self.unique_email(first, last, company),
                name=f"{first} {last}",
                timezone=city.timezone,
                locale=city.locale,
                city=city.name,
                attributes={
                    "plan": plan,
                    "company": company,
                    "seats": seats,
                    "signed_up": signed_up.date().isoformat(),
                },
            )
        else:
            gave_email = rng.random() < 0.3
            contact = create_contact(
                self.workspace,
                # A visitor first came to the website before the history the demo plays began.
                at=self.now - timedelta(days=HISTORY_DAYS + 1 + number % 30, minutes=(number * 97) % 1440),
                visitor_id=f"v_{rng.getrandbits(48):012x}",
                email=self.unique_email(first, last, company) if gave_email else "",
                name=f"{first} {last}" if gave_email else "",
                timezone=city.timezone,
                locale=city.locale,
                city=city.name,
                attributes={
                    "landing_page": rng.choice(people.LANDING_PAGES),
                    "utm_source": rng.choice(people.TRAFFIC_SOURCES),
                },
            )
        self.contacts.append(contact)
        self.company_of[contact.pk] = company

    def unique_email(self, first: str, last: str, company: str) -> str:
        base = f"{ascii_word(first)}.{ascii_word(last)}@{ascii_word(company)}.example"
        email, n = base, 1
        while email in self.used_emails:
            n += 1
            email = base.replace("@", f"{n}@")
        self.used_emails.add(email)
        return email

    def plan_conversations(self, count: int) -> list[tuple[datetime, stories.Story, Contact]]:
        """Who writes about what and when, in the order it happened."""
        plans = []
        for _ in range(count):
            contact = self.rng.choice(self.contacts)
            plans.append((self.start_time_for(contact), self.rng.choice(stories.STORIES), contact))
        plans.sort(key=lambda plan: plan[0])
        return plans

    def start_time_for(self, contact: Contact) -> datetime:
        """Mostly on working days, mostly in the customer's working hours, within the last 60 days."""
        rng, zone = self.rng, ZoneInfo(contact.timezone or DEMO_TIMEZONE)
        hour_weights = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 9, 8, 6, 4, 3, 3, 2, 2, 1]
        while True:
            day = (self.now.astimezone(zone) - timedelta(days=rng.randrange(HISTORY_DAYS))).date()
            if day.weekday() >= 5 and rng.random() < 0.65:
                continue
            hour = rng.choices(range(24), weights=hour_weights)[0]
            local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=zone)
            start = local.astimezone(ZoneInfo("UTC"))
            if start < self.now - timedelta(minutes=5):
                return start

    def make_routing_rules(self) -> None:
        """The owner's rules, from the seed's routing by area: big customers first (high priority),
        then sales and account to Revenue, errors to Reliability, product questions to Product."""
        self.tags["big-customer"] = conversations.tag_for_name(
            self.workspace, "big-customer", actor=self.owner
        )
        for name, conditions, actions in routing.demo_rules(self.teams, self.tags):
            create_rule(
                self.workspace,
                RuleInput(
                    name=name,
                    trigger="started",
                    conditions=conditions,
                    actions=actions,
                    stop_after=name != routing.BIG_CUSTOMERS,
                ),
                actor=self.owner,
                at=self.now - timedelta(days=HISTORY_DAYS + 1),
            )

    def set_assignment_methods(self) -> None:
        """Set last, so the history above stays as it was played; what waits in a queue now is
        assigned at once by its team's method."""
        for name, method, limit in routing.METHODS:
            set_team_routing(self.teams[name], method=method, open_limit=limit, actor=self.owner)

    def tag(self, name: str):
        if name not in self.tags:
            self.tags[name] = conversations.tag_for_name(self.workspace, name)
        return self.tags[name]

    def book_one_to_one_sessions(self, how_many: int) -> int:
        """The Product team's setup walkthroughs: booked, held, missed, cancelled, with feedback."""
        admin = next(t for t in self.teammates if t.role == "admin")
        return seed_demo_sessions(
            self.workspace,
            hosts=self.members["Product"],
            actor=Actor.for_teammate(admin),
            contacts=[c for c in self.contacts if c.kind == Contact.Kind.USER],
            at=self.now,
            rng=self.rng,
            past_days=HISTORY_DAYS,
            sessions=how_many,
        ).bookings

    def correct_a_contact(self) -> None:
        """A teammate moved a customer to a bigger plan on their contact page (the audit trail shows it)."""
        users = [c for c in self.contacts if c.kind == Contact.Kind.USER]
        if not users:
            return
        contact = users[0]
        attributes = {
            **contact.attributes,
            "plan": "enterprise",
            "seats": 250,
            "account_manager": "Jamal Wright",
        }
        teammate = next(t for t in self.teammates if t.name == "Jamal Wright")
        edit_contact(
            contact,
            actor=Actor.for_teammate(teammate),
            name=contact.name,
            email=contact.email,
            attributes=attributes,
            at=self.now - timedelta(days=2),
        )

    def merge_leads_who_signed_up(self, how_many: int = 4) -> None:
        """A few anonymous visitors later signed up: their conversations move to the new user."""
        leads = list({c.pk: c for c in self.contacts_who_wrote if c.kind == Contact.Kind.LEAD}.values())
        for number, lead in enumerate(leads[:how_many]):
            first, last = self.rng.choice(people.FIRST_NAMES), self.rng.choice(people.LAST_NAMES)
            company = self.rng.choice(people.COMPANIES)
            user = create_contact(
                self.workspace,
                at=self.now - timedelta(days=number + 1),  # signed up in the last few days
                external_id=f"usr_signup_{number + 1:03d}",
                email=lead.email or self.unique_email(first, last, company),
                name=lead.name or f"{first} {last}",
                attributes={"plan": "starter", "company": company, "seats": 3},
            )
            merge_lead_into_user(lead, user)


class ReachedNow(Exception):
    """The story would go on past the present moment: the conversation stays as it is now."""


class ConversationPlay:
    """Plays one story through the services, step by step, each step some minutes after the last."""

    def __init__(self, desk: DemoDesk, story: stories.Story, contact: Contact, start: datetime):
        self.desk, self.rng, self.story, self.contact = desk, desk.rng, story, contact
        self.clock = start
        # Recent conversations are more often still open or snoozed, as in a real inbox.
        self.is_recent = desk.now - start < timedelta(days=4)
        self.team = desk.teams[story.team]
        self.agent = self.rng.choice(desk.members[story.team])
        self.words = {
            "first": (contact.name or "there").split()[0],
            "company": desk.company_of.get(contact.pk, "your company"),
            "city": contact.city or "your city",
            "agent": self.agent.name.split()[0],
        }
        self.conversation: Conversation | None = None
        self.by_email = False  # played through the mailbox (demo.emails)

    def say(self, template: str) -> str:
        return template.format(**self.words)

    def later(self, minutes: float) -> datetime:
        moment = (self.clock + timedelta(minutes=max(1.0, minutes))).replace(microsecond=0)
        if moment >= self.desk.now:
            raise ReachedNow
        self.clock = moment
        return moment

    def response_delay(self) -> float:
        """Minutes until a teammate answers: usually within the hour, sometimes the next day."""
        return min(self.rng.lognormvariate(3.6, 1.1), 26 * 60)

    def customer_delay(self) -> float:
        return min(self.rng.lognormvariate(3.2, 1.3), 48 * 60)

    def play(self) -> None:
        self.desk.contacts_who_wrote.append(self.contact)
        try:
            if self.contact.kind == Contact.Kind.USER and self.rng.random() < 0.05:
                self.play_outreach()
            else:
                self.play_support_request()
        except ReachedNow:
            pass

    def play_outreach(self) -> None:
        self.by_email = True
        self.conversation = self.desk.mail.teammate_starts(
            self.contact,
            self.agent,
            subject="A note from Acme",
            text=self.say(self.rng.choice(stories.OUTREACH)),
            at=self.clock,
        )
        self.customer_writes(self.say(stories.OUTREACH_REPLY), at=self.later(self.customer_delay()))
        self.close_and_maybe_rate()

    def customer_writes(self, text: str, *, at: datetime) -> None:
        """The customer's next message: an email to the mailbox in an email conversation."""
        if self.by_email:
            self.desk.mail.customer_answers(self.conversation, text, at=at)
        else:
            conversations.reply_as_contact(self.conversation, text, at=at)

    def teammate_writes(self, text: str, *, at: datetime) -> None:
        """The teammate's reply: in an email conversation, kept as the email that was sent."""
        if self.by_email:
            self.desk.mail.teammate_replies(self.conversation, self.agent, text, at=at)
        else:
            conversations.reply_as_teammate(self.conversation, self.agent, text, at=at)

    def play_support_request(self) -> None:
        rng, story = self.rng, self.story
        is_lead = self.contact.kind == Contact.Kind.LEAD
        channel = "messenger" if is_lead else rng.choices(["messenger", "email", "api"], weights=[6, 3, 1])[0]
        if channel == "email":
            self.by_email = True
            self.conversation = self.desk.mail.customer_starts(
                self.contact, subject=story.subject, text=self.say(story.opening), at=self.clock
            )
        else:
            self.conversation = conversations.start_conversation(
                self.desk.workspace,
                contact=self.contact,
                body=self.say(story.opening),
                channel=channel,
                subject=story.subject,
                at=self.clock,
            )
        if self.desk.bot_can_answer and channel in ("messenger", "api"):
            if self.play_bot_answer():
                return
        elif story.bot_answer and channel == "messenger" and rng.random() < 0.6:
            conversations.deliver_bot_answer(self.conversation, story.bot_answer, at=self.later(0.5))
            if rng.random() < 0.4:
                conversations.reply_as_contact(
                    self.conversation,
                    rng.choice(stories.BOT_HELPED),
                    at=self.later(self.customer_delay() / 4),
                )
                conversations.close_conversation(self.conversation, by="bot", at=self.later(1))
                self.maybe_rate()
                return
            conversations.reply_as_contact(
                self.conversation, rng.choice(stories.BOT_DID_NOT_HELP), at=self.later(2)
            )
        self.route_and_tag()
        self.work_the_conversation()

    def play_bot_answer(self) -> bool:
        """The bot answers from the help center's articles (bot.services), and the customer says it
        helped, says nothing for the hour, asks for a person or writes again. True: the bot closed it."""
        question = bot.answer_conversation(self.conversation, at=self.later(0.5))
        if question is None or question.outcome != question.Outcome.PENDING:
            return False
        roll = self.rng.random()
        if roll < 0.45:
            bot.record_feedback(question, helped=True, at=self.later(self.customer_delay() / 4))
            self.maybe_rate()
            return True
        if roll < 0.7:
            due = question.asked_at + timedelta(minutes=self.desk.assume_resolved_minutes)
            if due >= self.desk.now:
                raise ReachedNow  # still waiting: the worker's check closes it when the hour is up
            bot.assume_resolved(question.pk, due=due)
            self.clock = due
            return True
        if roll < 0.9:
            bot.record_feedback(question, helped=False, at=self.later(2))
        else:
            conversations.reply_as_contact(
                self.conversation, self.rng.choice(stories.BOT_DID_NOT_HELP), at=self.later(2)
            )
        return False

    def route_and_tag(self) -> None:
        rng, story = self.rng, self.story
        # The rules run as the worker would run them (once: the queued run finds this one done).
        conversation = self.conversation
        run_rules_once(
            rule_run_key("started", conversation.pk),
            conversation.workspace_id,
            conversation.pk,
            "started",
            at=self.later(rng.uniform(1, 5)),
        )
        conversation.refresh_from_db()
        if conversation.team is None:
            conversations.assign_conversation(
                conversation, teammate=None, assignee=None, team=self.team, at=self.later(1)
            )
        if rng.random() < 0.08:
            wrong = self.desk.tag(rng.choice([s.tag for s in stories.STORIES if s.tag != story.tag]))
            conversations.tag_conversation(self.conversation, wrong, at=self.later(1))
            conversations.untag_conversation(self.conversation, wrong, teammate=self.agent, at=self.later(20))
        conversations.tag_conversation(self.conversation, self.desk.tag(story.tag), at=self.later(1))
        if rng.random() < 0.15:
            self.hand_over_to_another_team()
        conversations.assign_conversation(
            self.conversation,
            teammate=self.agent,
            assignee=self.agent,
            team=self.conversation.team,
            at=self.later(self.response_delay() / 3),
        )

    def hand_over_to_another_team(self) -> None:
        other = self.rng.choice([name for name in self.desk.teams if name != self.story.team])
        self.agent = self.rng.choice(self.desk.members[other])
        self.words["agent"] = self.agent.name.split()[0]
        conversations.add_note(
            self.conversation,
            self.rng.choice(self.desk.members[self.story.team]),
            f"Passing this to {other}: it's on their side.",
            at=self.later(10),
        )
        conversations.assign_conversation(
            self.conversation, teammate=None, assignee=None, team=self.desk.teams[other], at=self.later(1)
        )

    def work_the_conversation(self) -> None:
        rng, story = self.rng, self.story
        if story.note and rng.random() < 0.6:
            conversations.add_note(
                self.conversation, self.agent, story.note, at=self.later(rng.uniform(2, 15))
            )
        replies = list(story.teammate_replies)
        first_reply_at = self.later(self.response_delay())
        self.teammate_writes(self.say(replies.pop(0)), at=first_reply_at)
        if story.subject in self.desk.saved_replies:  # the team answers this story with a saved reply
            count_saved_reply_use(self.desk.saved_replies[story.subject], at=first_reply_at)
        for follow_up in story.customer_follow_ups:
            self.customer_writes(self.say(follow_up), at=self.later(self.customer_delay()))
            if replies:
                self.teammate_writes(self.say(replies.pop(0)), at=self.later(self.response_delay()))
        if rng.random() < (0.3 if self.is_recent else 0.1):
            self.snooze_while_waiting()
        if story.extra_tag and rng.random() < 0.5:
            conversations.tag_conversation(
                self.conversation, self.desk.tag(story.extra_tag), teammate=self.agent, at=self.later(2)
            )
        if rng.random() < (0.35 if self.is_recent else 0.05):
            return  # left open: waiting on the customer
        self.teammate_writes(self.say(story.resolution), at=self.later(self.response_delay()))
        self.close_and_maybe_rate()
        if rng.random() < 0.1:
            self.customer_comes_back()
        elif rng.random() < 0.03:
            conversations.reopen_conversation(self.conversation, teammate=self.agent, at=self.later(60 * 20))
            conversations.add_note(
                self.conversation, self.agent, "Reopened: following up on the fix.", at=self.later(2)
            )
            conversations.close_conversation(self.conversation, teammate=self.agent, at=self.later(30))

    def snooze_while_waiting(self) -> None:
        conversation = self.conversation
        conversations.add_note(conversation, self.agent, stories.SNOOZE_NOTE, at=self.later(3))
        until = self.later(1) + timedelta(hours=self.rng.choice([4, 24, 48, 72]))
        conversations.snooze_conversation(conversation, until=until, teammate=self.agent, at=self.clock)
        if until >= self.desk.now:
            raise ReachedNow  # still snoozed today; `concierge worker` wakes it when the time comes
        if self.rng.random() < 0.3:
            # The customer wrote before the snooze ran out, which brings it back.
            self.customer_writes(
                "Any news on this?", at=self.later((until - self.clock).total_seconds() / 120)
            )
        else:
            conversations.wake_snoozed_conversations(self.desk.workspace, at=until)
            self.clock = until
            self.conversation = conversation_by_id(self.desk.workspace, conversation.pk)

    def close_and_maybe_rate(self) -> None:
        conversations.close_conversation(
            self.conversation, teammate=self.agent, at=self.later(self.rng.uniform(1, 30))
        )
        self.maybe_rate()

    def maybe_rate(self) -> None:
        if self.rng.random() < 0.55:
            rating = self.rng.choices([1, 2, 3, 4, 5], weights=[4, 5, 10, 30, 51])[0]
            remark = self.say(self.rng.choice(stories.RATING_REMARKS[rating]))
            conversations.rate_conversation(
                self.conversation, rating=rating, remark=remark, at=self.later(self.customer_delay())
            )

    def customer_comes_back(self) -> None:
        conversation = self.conversation
        self.customer_writes(self.rng.choice(stories.CAME_BACK), at=self.later(self.rng.uniform(600, 4000)))
        self.teammate_writes(self.say(stories.CAME_BACK_ANSWER), at=self.later(self.response_delay()))
        conversations.close_conversation(conversation, teammate=self.agent, at=self.later(5))
