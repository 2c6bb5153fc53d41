"""What Acme's customers write about: a SaaS support desk's everyday conversations.

Each story is one kind of conversation with the words each side says, in order. `{first}` is the
customer's first name, `{agent}` the teammate's first name, `{company}` the customer's company.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    tag: str
    team: str
    subject: str
    opening: str
    teammate_replies: tuple[str, ...]
    customer_follow_ups: tuple[str, ...]
    note: str
    resolution: str
    bot_answer: str = ""
    extra_tag: str = ""


STORIES = (
    Story(
        tag="billing",
        team="Revenue",
        subject="Charged twice this month",
        opening="Hi, our card was charged twice for the March invoice (two charges of $249). Can you refund one?",
        bot_answer="Duplicate charges are usually a pending authorisation that drops off within 3 business days. "
        "You can see settled charges under <b>Settings → Billing → Invoices</b>.",
        teammate_replies=(
            "Hi {first}, thanks for flagging this. I can see two charges on {company}'s account; one of them "
            "is a retry after the first attempt timed out at the bank. Let me check which one settled.",
            "Confirmed: the second charge settled too. I've refunded it just now — you'll see it back on the "
            "card in 5–10 business days.",
        ),
        customer_follow_ups=("Thanks! Do you need anything from us, like the bank statement?",),
        note="Stripe shows a duplicate charge from the retry job at 02:00 UTC — same bug as last week. "
        "Refunded in Stripe; pinged Reliability about the retry idempotency.",
        resolution="Nothing more needed from you. Sorry for the trouble, {first}!",
        extra_tag="refund",
    ),
    Story(
        tag="billing",
        team="Revenue",
        subject="Invoice with our VAT number",
        opening="Hello, our finance team needs the invoices to show our VAT number (DE 811 907 980). "
        "Where can I add it?",
        bot_answer="You can add a VAT or tax ID under <b>Settings → Billing → Company details</b>; it appears on "
        "every invoice issued after you save it.",
        teammate_replies=(
            "Hi {first}! You can add it under Settings → Billing → Company details. Invoices issued before "
            "that won't change automatically, but I can regenerate past ones for you.",
            "Done — I've regenerated the last three invoices with the VAT number. They're in the Invoices tab.",
        ),
        customer_follow_ups=("Added it, thanks. Could you regenerate January to March as well?",),
        note="Regenerated invoices INV-2291, INV-2388, INV-2476 with the VAT id.",
        resolution="All set. Let me know if finance needs anything else!",
    ),
    Story(
        tag="billing",
        team="Revenue",
        subject="Switching to annual billing",
        opening="We'd like to move from monthly to annual billing. Is there a discount, and what happens to "
        "the days left on this month?",
        teammate_replies=(
            "Hi {first}, annual billing is two months free compared to monthly. The unused part of this month "
            "is credited against the annual invoice, so you don't pay twice.",
            "I've prepared the switch — you'll find a 'Confirm annual plan' button under Billing. It takes "
            "effect as soon as you confirm.",
        ),
        customer_follow_ups=("Sounds good. We have 18 seats; will adding seats later be prorated?",),
        note="Enterprise-sized account on a Pro plan. Flagged to sales as an upsell lead.",
        resolution="Yes, seats added mid-year are prorated to the renewal date. Thanks for staying with us!",
        extra_tag="upsell",
    ),
    Story(
        tag="exports",
        team="Product",
        subject="CSV export times out",
        opening="Exporting our contacts to CSV has been spinning for 20 minutes and then fails with "
        "'Export timed out'. We have about 400k contacts.",
        bot_answer="Large exports run in the background: you'll get an email with a download link when it's "
        "ready. Exports over 250,000 rows are split into several files.",
        teammate_replies=(
            "Hi {first}, sorry about that. Exports over 250k rows should be split into parts, but it looks like "
            "yours got stuck in the queue. I'm restarting it from our side now.",
            "The export finished — you should have an email with three download links (one per 150k rows).",
        ),
        customer_follow_ups=("Still nothing in my inbox, and the page says 'In progress'.",),
        note="Export job 8f2c stuck on a worker that was drained during the deploy. Requeued. "
        "Filed PRD-1142: exports should resume after a worker restart.",
        resolution="Glad it came through! We're also fixing the cause so an export survives a restart.",
        extra_tag="bug",
    ),
    Story(
        tag="exports",
        team="Product",
        subject="Export is missing custom fields",
        opening="The conversations export doesn't include our custom attributes (plan_tier, region). "
        "Is that a setting somewhere?",
        bot_answer="Custom attributes are included when you tick <b>Include custom attributes</b> in the export "
        "dialog.",
        teammate_replies=(
            "Hi {first}, there's an **Include custom attributes** checkbox in the export dialog — it's off by "
            "default. Could you try again with it ticked?",
            "Ah, I see — attributes created after the export was scheduled aren't picked up by the recurring "
            "export. If you edit and save the schedule once, they'll be included from the next run.",
        ),
        customer_follow_ups=("Ticked it, region shows up now but plan_tier is still missing.",),
        note="Recurring export snapshots the attribute list at creation. Known limitation, PRD-1088.",
        resolution="Saving the schedule again picks up new attributes. Sorry it's not automatic yet, {first}.",
    ),
    Story(
        tag="sso",
        team="Reliability",
        subject="SAML login loops back to sign-in",
        opening="Since this morning, signing in with Okta sends us back to the sign-in page again and again. "
        "Nobody on our team can get in.",
        teammate_replies=(
            "Hi {first}, I'm sorry — that's urgent, I'm on it. Could you tell me whether you rotated the SAML "
            "certificate in Okta recently?",
            "Thanks. Okta is signing with the new certificate but your Acme settings still have the old one. "
            "I've sent you a one-time sign-in link as the owner so you can upload the new certificate.",
        ),
        customer_follow_ups=(
            "Yes, our IT team rotated it yesterday. I didn't know we had to update it on your side.",
        ),
        note="Certificate mismatch in the SAML assertion logs (fingerprint 3A:9F…). Sent owner bypass link, "
        "expires in 30 min.",
        resolution="Uploading the new certificate fixed it on our side too. We'll add a warning email before a "
        "certificate mismatch locks people out.",
        extra_tag="priority",
    ),
    Story(
        tag="sso",
        team="Reliability",
        subject="Enforce SSO for all members",
        opening="How do we require SSO for everyone in our workspace? Some people still sign in with a password.",
        bot_answer="Owners can turn on <b>Require SSO</b> under <b>Settings → Security</b>. People who signed "
        "in with a password are asked to use SSO on their next sign-in.",
        teammate_replies=(
            "Hi {first}! To turn it on:\n\n1. Open **Settings → Security**\n2. Switch on **Require SSO**\n\n"
            "Once it's on, password sign-in is disabled for everyone except the owner's break-glass account. "
            "The guide: https://docs.acme.example/sso",
            "Existing sessions stay valid until they expire (14 days) — if you want everyone moved over today, "
            "the 'Sign out all members' button does that.",
        ),
        customer_follow_ups=("Do existing sessions get signed out when we turn it on?",),
        note="Enterprise plan, SSO add-on active. No issue.",
        resolution="You're all set — let us know if anyone gets stuck.",
    ),
    Story(
        tag="api-limits",
        team="Reliability",
        subject="429 Too Many Requests from the API",
        opening="Our nightly sync started failing with HTTP 429 after about 600 requests. "
        "What are the limits and can we get them raised?",
        bot_answer="The REST API allows 1,000 requests per minute per workspace. Responses include "
        "<code>X-RateLimit-Remaining</code> and <code>Retry-After</code> headers.",
        teammate_replies=(
            "Hi {first}, the limit is 1,000 requests per minute per workspace, shared by all your API keys. "
            "It looks like two integrations were syncing at the same time last night.",
            "I've raised {company}'s limit to 3,000/min for the next 30 days while you stagger the jobs. "
            "Honouring `Retry-After` will also let the sync back off instead of failing.",
        ),
        customer_follow_ups=(
            "We have the CRM sync and the data warehouse job both running at 01:00. Could that be it?",
        ),
        note="Two keys (crm-sync, dwh-nightly) peaking at 1,700 rpm at 06:00 UTC. Temporary limit bump, expires in 30 days.",
        resolution="Great to hear the sync went through. Ping us before the temporary limit ends if you need more.",
        extra_tag="api",
    ),
    Story(
        tag="api-limits",
        team="Reliability",
        subject="Pagination on the conversations endpoint",
        opening="When I page through /conversations with page=200 the API gets really slow. "
        "Is there a better way to fetch everything?",
        teammate_replies=(
            "Hi {first}, deep page numbers get slower as the offset grows. For a full sync, filter by "
            "updated_since and walk forward instead of paging from the start each night.",
            "Here's an example: request updated_since=<your last run>, per_page=100, and keep the newest "
            "timestamp you saw for the next run.",
        ),
        customer_follow_ups=("Could you share an example request?",),
        note="Customer fetches all 80k conversations nightly. Suggested incremental sync.",
        resolution="Happy to help — that should cut your sync from an hour to a couple of minutes.",
        extra_tag="api",
    ),
    Story(
        tag="outage",
        team="Reliability",
        subject="Dashboard not loading",
        opening="The dashboard has been showing a blank page for 15 minutes. Is something down?",
        teammate_replies=(
            "Hi {first}, yes — we're seeing elevated errors on the dashboard since 14:05 UTC and the team is "
            "on it. You can follow updates on [our status page](https://status.acme.example).",
            "The fix is rolled out and the dashboard is loading normally again. No data was lost; "
            "messages sent during the incident were delivered once we recovered.",
        ),
        customer_follow_ups=("Any update? Our agents can't see new conversations.",),
        note="Incident INC-311: bad cache config in the 14:00 deploy. Rolled back at 14:41.",
        resolution="Thanks for your patience, {first}. We'll publish the post-incident review this week.",
        extra_tag="incident",
    ),
    Story(
        tag="outage",
        team="Reliability",
        subject="Webhooks delayed since this morning",
        opening="Our webhook endpoint is receiving events 30–40 minutes late since around 9am. "
        "Nothing changed on our side.",
        teammate_replies=(
            "Hi {first}, thanks for the report. One of our delivery queues fell behind after a spike in "
            "retries; we're adding capacity now.",
            "The backlog is cleared and deliveries are back under a second. Events were delivered in order, "
            "just late.",
        ),
        customer_follow_ups=("OK, is there anything we should replay on our side?",),
        note="Webhook queue lag peaked at 41 min. Autoscaling limit raised. No replay needed.",
        resolution="No replay needed — everything was delivered. Sorry for the delay.",
        extra_tag="incident",
    ),
    Story(
        tag="integrations",
        team="Product",
        subject="Slack integration stopped posting",
        opening="New conversations aren't showing up in our #support Slack channel anymore.",
        bot_answer="If Slack notifications stop, reconnect the integration under <b>Settings → Integrations → "
        "Slack</b>. Slack revokes tokens when the installing user leaves the workspace.",
        teammate_replies=(
            "Hi {first}, it looks like the Slack token was revoked — this usually happens when the person who "
            "installed the app leaves your Slack workspace. Could you reconnect it under Settings → "
            "Integrations?",
            "I can see the new connection and a test message went through to #support.",
        ),
        customer_follow_ups=("That's it — our former admin left last week. Reconnected now.",),
        note="token_revoked from Slack on the 12th.",
        resolution="Great! Tip: install it with a shared admin account so it survives people leaving.",
    ),
    Story(
        tag="integrations",
        team="Product",
        subject="Salesforce sync duplicates contacts",
        opening="After connecting Salesforce, many of our contacts show up twice — once from the messenger, "
        "once from Salesforce.",
        teammate_replies=(
            "Hi {first}, the sync matches on email by default; the duplicates have different email casing "
            "(Anna@ vs anna@). I'll switch matching to case-insensitive for {company}.",
            "Done, and I merged the 212 existing duplicates. New ones won't appear.",
        ),
        customer_follow_ups=("Thanks. Will the merge keep their conversation history?",),
        note="Case-sensitive email matching. Fixed the setting and ran the merge script for this workspace.",
        resolution="Yes — merged contacts keep all their conversations.",
        extra_tag="bug",
    ),
    Story(
        tag="account",
        team="Revenue",
        subject="Transfer account ownership",
        opening="I'm leaving {company} at the end of the month. How do I make my colleague the owner?",
        bot_answer="The current owner can transfer ownership under <b>Settings → Members</b>: open the "
        "colleague's profile and choose <b>Make owner</b>.",
        teammate_replies=(
            "Hi {first}, you can do it under Settings → Members → (your colleague) → Make owner. "
            "Billing contacts stay the same unless you change them.",
        ),
        customer_follow_ups=("Found it, thank you.",),
        note="",
        resolution="You're welcome, and good luck with what's next!",
    ),
    Story(
        tag="account",
        team="Revenue",
        subject="Delete our data (GDPR)",
        opening="We are closing our account. Please confirm all our customer data will be deleted, "
        "as required by GDPR.",
        teammate_replies=(
            "Hi {first}, sorry to see you go. Once the owner confirms the deletion in Settings → Workspace, "
            "all data is deleted within 30 days, backups included. I'll send a written confirmation.",
            "The deletion is scheduled and I've emailed the confirmation letter to your DPO.",
        ),
        customer_follow_ups=("The owner confirmed. Can we get a confirmation letter for our DPO?",),
        note="Churned: moved to an in-house tool. Deletion scheduled, letter sent.",
        resolution="All done. Thank you for having been a customer.",
        extra_tag="churn",
    ),
    Story(
        tag="onboarding",
        team="Product",
        subject="Importing from Zendesk",
        opening="We're moving from Zendesk. Can we bring our ticket history with us?",
        bot_answer="Yes: <b>Settings → Import → Zendesk</b> brings tickets, users and tags. Most imports of "
        "under 100k tickets finish within an hour.",
        teammate_replies=(
            "Hi {first}, welcome! The Zendesk importer brings tickets, requesters, tags and internal notes. "
            "Attachments over 20 MB are linked rather than copied.",
            "Your import finished: 48,210 tickets. Tags and notes look right on the samples I checked.",
        ),
        customer_follow_ups=("Great, I started the import. It says 48k tickets.",),
        note="New Pro customer, migrating from Zendesk. Checked 10 random tickets after import.",
        resolution="Welcome aboard, {first}! Reply here anytime.",
        extra_tag="migration",
    ),
    Story(
        tag="onboarding",
        team="Product",
        subject="Inviting the team",
        opening="How do I invite my team? I only see myself under Members.",
        bot_answer="Invite teammates under <b>Settings → Members → Invite</b>. Each person gets an email with a "
        "link that's valid for 7 days.",
        teammate_replies=("Hi {first}! Settings → Members → Invite. You can paste several emails at once.",),
        customer_follow_ups=("Perfect, invites sent.",),
        note="",
        resolution="Enjoy! Let me know if anyone doesn't get the email.",
    ),
    Story(
        tag="bug",
        team="Product",
        subject="Charts show the wrong time zone",
        opening="The hourly chart shows our busiest hour at 3am, which can't be right — we're in {city}.",
        teammate_replies=(
            "Hi {first}, good catch. The chart was using the workspace's zone instead of yours. "
            "I've passed it to the product team with your screenshot.",
            "A fix shipped this morning: charts now use the viewer's own time zone.",
        ),
        customer_follow_ups=("Our workspace was set up by our US office, so that explains it.",),
        note="Reproduced: chart ignores the teammate's timezone. PRD-1201.",
        resolution="Thanks for reporting it — it helped everyone outside the US.",
    ),
    Story(
        tag="feature-request",
        team="Product",
        subject="Custom roles",
        opening="Is it possible to create a role that can reply but not export data? Our auditors asked for it.",
        teammate_replies=(
            "Hi {first}, not yet — today there are owner, admin and agent roles. Custom roles are on our "
            "roadmap; I've added {company}'s use case to the request.",
        ),
        customer_follow_ups=("Any idea when? Our audit is in Q3.",),
        note="+1 for custom roles (export permission). Linked to PRD-877.",
        resolution="I can't promise a date, but I'll update this conversation as soon as it's in beta.",
    ),
    Story(
        tag="security",
        team="Revenue",
        subject="SOC 2 report request",
        opening="Our security team needs your latest SOC 2 Type II report before we can sign.",
        teammate_replies=(
            "Hi {first}, happy to share it under NDA. I've sent our standard mutual NDA to your email.",
            "Thanks for the signed NDA — the SOC 2 Type II report (period ending March) is attached in the "
            "email I just sent.",
        ),
        customer_follow_ups=("NDA signed and sent back.",),
        note="Enterprise prospect, security review. NDA on file.",
        resolution="Let me know if your security team has follow-up questions.",
        extra_tag="enterprise",
    ),
    Story(
        tag="mobile",
        team="Product",
        subject="No push notifications on iOS",
        opening="Since updating to the latest iOS app I'm not getting push notifications for new conversations.",
        bot_answer="Check that notifications are allowed for Acme in <b>iOS Settings → Notifications</b> and "
        "that <b>Do Not Disturb</b> is off in the app's profile menu.",
        teammate_replies=(
            "Hi {first}, thanks — version 4.12 had a bug that dropped the push token after the update. "
            "Signing out and back in registers a new one.",
            "Version 4.12.1 with the fix is now in the App Store.",
        ),
        customer_follow_ups=("Signing out and in worked. Will it happen again on the next update?",),
        note="Known issue in iOS 4.12 (MOB-553). Fix in 4.12.1.",
        resolution="It shouldn't — 4.12.1 keeps the token across updates.",
        extra_tag="bug",
    ),
)

# How a customer says the automated answer did or didn't help.
BOT_HELPED = (
    "That worked, thanks!",
    "Perfect, found it. Thank you.",
    "Ah, that's it. Thanks!",
)
BOT_DID_NOT_HELP = (
    "That doesn't help, I already tried that.",
    "I'd like to talk to a person, please.",
    "No, that's not my problem.",
)

# A customer writing again after the conversation was closed.
CAME_BACK = (
    "Sorry to reopen this — it's happening again today.",
    "Hi again, one more question about this.",
    "This came back after the weekend.",
)
CAME_BACK_ANSWER = "Thanks for letting us know, {first}. I've looked again and fixed it for good this time."

SNOOZE_NOTE = "Waiting on engineering; snoozing until they get back to me."

RATING_REMARKS = {
    1: ("Took days to get an answer.", "Still not fixed."),
    2: ("Slow, and I had to explain twice.",),
    3: ("Fine, but it took a while.", ""),
    4: ("Quick and friendly.", "Good help, thanks.", ""),
    5: ("{agent} was fantastic!", "Super fast, thank you!", "Solved in minutes.", ""),
}

# Teammates reach out first now and then.
OUTREACH = (
    "Hi {first}, I noticed your CSV export failed yesterday — I've restarted it for you. "
    "Anything else I can help with?",
    "Hi {first}, your trial ends on Friday. Would a quick walkthrough of the reports help before you decide?",
    "Hi {first}, we're retiring the v1 API next quarter and {company} still calls it. "
    "Here's the migration guide — happy to help.",
)
OUTREACH_REPLY = "Thanks for the heads-up, {agent}. We'll take a look this week."
