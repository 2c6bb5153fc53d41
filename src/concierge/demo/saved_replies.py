"""The demo's saved replies: a dozen the teams send again and again, in English and some in Spanish,
in folders by team, two of them macros; made through the saved replies' services. Each belongs to a
story (by its subject): a conversation of that story counts a use of it, so the usage counts come from
the seeded conversations."""

from dataclasses import dataclass

from concierge.replies.services.saved_replies import SavedReplyInput, create_folder, create_saved_reply


@dataclass(frozen=True)
class DemoSavedReply:
    title: str
    folder: str
    story: str  # the story whose conversations use it ("" for none)
    en: str
    es: str = ""
    actions: tuple = ()  # (type, tag name / priority / minutes)
    team: str = ""  # seen by one team only


SAVED_REPLIES = (
    DemoSavedReply(
        "Duplicate charge refunded",
        "Billing",
        "Charged twice this month",
        "Hi {{contact.first_name|there}}, thanks for flagging this. The second charge was a retry after the "
        "first one timed out at the bank, so I've refunded it just now: you'll see it back on the card in "
        "5–10 business days. Nothing more is needed from you.\n\n{{teammate.first_name}}",
        "Hola {{contact.first_name|}}, gracias por avisarnos. El segundo cargo fue un reintento después de "
        "que el primero expirara en el banco, así que acabo de reembolsarlo: lo verás de vuelta en la "
        "tarjeta en 5–10 días hábiles. No necesitas hacer nada más.\n\n{{teammate.first_name}}",
        actions=(("tag", "refund"), ("close", "")),
    ),
    DemoSavedReply(
        "VAT number on invoices",
        "Billing",
        "Invoice with our VAT number",
        "Hi {{contact.first_name|there}}! You can add it under **Settings → Billing → Company details**. "
        "Invoices issued before that don't change on their own, but I can regenerate past ones for "
        "{{contact.company|your company}}: just tell me which months.",
        "¡Hola {{contact.first_name|}}! Puedes añadirlo en **Ajustes → Facturación → Datos de la empresa**. "
        "Las facturas anteriores no cambian solas, pero puedo regenerarlas para "
        "{{contact.company|tu empresa}}: dime qué meses necesitas.",
    ),
    DemoSavedReply(
        "Annual billing and proration",
        "Billing",
        "Switching to annual billing",
        "Hi {{contact.first_name|there}}, switching to annual billing keeps your {{contact.seats|current}} "
        "seats on the {{contact.plan|current}} plan and takes two months off the price. Seats added mid-year "
        "are prorated to the renewal date, so you only pay for the months you use them.",
    ),
    DemoSavedReply(
        "Export timed out: resume it",
        "Product",
        "CSV export times out",
        "Hi {{contact.first_name|there}}, large exports can time out when a worker restarts mid-way. I've "
        "restarted yours from where it stopped; you'll get the download link by email within the hour. "
        "We're fixing the cause so an export survives a restart.",
    ),
    DemoSavedReply(
        "Custom fields missing from exports",
        "Product",
        "Export is missing custom fields",
        "Hi {{contact.first_name|there}}, scheduled exports keep the columns they had when the schedule was "
        "saved. Open the schedule and save it again: it picks up the attributes you added since. Sorry it "
        "isn't automatic yet.",
    ),
    DemoSavedReply(
        "SAML certificate expired",
        "Reliability",
        "SAML login loops back to sign-in",
        "Hi {{contact.first_name|there}}, a sign-in that loops back is almost always an expired certificate "
        "in the identity provider. Upload the new one under **Settings → Security → SSO** and sign in again; "
        "existing sessions keep working meanwhile.",
        "Hola {{contact.first_name|}}, cuando el inicio de sesión vuelve a la pantalla de acceso casi siempre "
        "es un certificado caducado en el proveedor de identidad. Sube el nuevo en **Ajustes → Seguridad → "
        "SSO** y vuelve a entrar; las sesiones abiertas siguen funcionando mientras tanto.",
    ),
    DemoSavedReply(
        "API rate limits",
        "Reliability",
        "429 Too Many Requests from the API",
        "Hi {{contact.first_name|there}}, the API allows 600 requests a minute per key, and answers 429 with "
        "a `Retry-After` header beyond that. Waiting that many seconds before the next call is all it takes. "
        "For a one-off backfill I can raise the limit for a week.",
    ),
    DemoSavedReply(
        "Cursor pagination",
        "Reliability",
        "Pagination on the conversations endpoint",
        "Hi {{contact.first_name|there}}, pass the `next_cursor` of each page as `cursor` to get the next one, "
        "with `limit` up to 100. A cursor never skips or repeats a row, even while new ones arrive.",
    ),
    DemoSavedReply(
        "Outage: we're on it",
        "Reliability",
        "Dashboard not loading",
        "Hi {{contact.first_name|there}}, you're right: part of the dashboard isn't loading since this "
        "morning, and the whole Reliability team is on it. Follow the status page for updates; I'll write "
        "here as soon as it's fixed.",
        "Hola {{contact.first_name|}}, tienes razón: parte del panel no carga desde esta mañana y todo el "
        "equipo de fiabilidad está en ello. Sigue la página de estado; te escribiré aquí en cuanto esté "
        "resuelto.",
        actions=(("tag", "incident"), ("set_priority", "urgent"), ("assign_me", "")),
        team="Reliability",
    ),
    DemoSavedReply(
        "Reconnect the Slack app",
        "Product",
        "Slack integration stopped posting",
        "Hi {{contact.first_name|there}}, Slack stops our posts when the person who installed the app leaves "
        "the workspace. Reinstall it from **Settings → Integrations → Slack**, ideally with a shared admin "
        "account so it survives people leaving.",
    ),
    DemoSavedReply(
        "Transfer ownership",
        "Account",
        "Transfer account ownership",
        "Hi {{contact.first_name|there}}, the current owner can hand over the account under **Settings → "
        "Team**: pick the new owner and confirm by email. If the owner has already left "
        "{{contact.company|the company}}, reply with the new owner's email and I'll check it with you.",
    ),
    DemoSavedReply(
        "Feature request noted",
        "Product",
        "Custom roles",
        "Thanks {{contact.first_name|}} — that makes sense, and you're not the first to ask. I've added your "
        "case to the request our product team reviews every month. I can't promise when it will ship, so "
        "I'll write to you here if and when it does.",
        actions=(("tag", "feature-request"),),
    ),
)


def seed_saved_replies(workspace, owner_actor, teams: dict, tags: dict, *, at) -> dict:
    """Make the folders and the replies; returns {story subject: saved reply} for counting uses."""
    folders = {}
    by_story = {}
    for demo in SAVED_REPLIES:
        if demo.folder not in folders:
            folders[demo.folder] = create_folder(workspace, demo.folder, actor=owner_actor, at=at)
        actions = []
        for kind, value in demo.actions:
            if kind == "tag":
                actions.append({"type": "tag", "tag_id": tags[value].pk})
            elif kind == "set_priority":
                actions.append({"type": "set_priority", "priority": value})
            else:
                actions.append({"type": kind})
        versions = {"en": demo.en, **({"es": demo.es} if demo.es else {})}
        reply = create_saved_reply(
            workspace,
            SavedReplyInput(
                title=demo.title,
                versions=versions,
                visibility="team" if demo.team else "workspace",
                team=teams.get(demo.team),
                folder=folders[demo.folder],
                actions=actions,
            ),
            owner=owner_actor.teammate,
            actor=owner_actor,
            at=at,
        )
        if demo.story:
            by_story[demo.story] = reply
    return by_story
