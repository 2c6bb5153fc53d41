"""The demo's help center: Acme's articles (Markdown files with front matter, in demo/helpcenter/,
imported as a team that keeps its docs in git would), then two months of readers — visits,
searches (some with typos, some that find nothing), article views and reactions — made through the
help center's reading services with `at=` in the past.

Some readers read an article a few minutes before writing to the team about the same thing (the
funnel's "human after self-serve"); most read and leave (self-serve resolved), a few search, find
nothing and go (stopped)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from concierge.contacts.models import Contact
from concierge.helpcenter.selectors.public import public_translation, search_public_articles
from concierge.helpcenter.services.folders import import_articles
from concierge.helpcenter.services.reading import (
    react_to_article,
    record_article_search,
    record_article_view,
    record_help_center_visit,
)
from concierge.helpcenter.services.writing import update_collection
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import Actor

ARTICLES = Path(__file__).parent / "helpcenter"

COLLECTIONS = {  # slug: (position, descriptions)
    "getting-started": (
        1,
        {"en": "Set up Acme and bring your team in.", "es": "Configura Acme e invita a tu equipo."},
    ),
    "billing-plans": (
        2,
        {"en": "Plans, seats, invoices and payments.", "es": "Planes, puestos, facturas y pagos."},
    ),
    "account-security": (
        3,
        {"en": "Passwords, SSO, two-factor and your data.", "es": "Contraseñas, SSO y tus datos."},
    ),
    "reports-exports": (
        4,
        {"en": "Dashboards, reports and CSV exports.", "es": "Paneles, informes y exportaciones."},
    ),
    "integrations-api": (
        5,
        {"en": "Slack, Salesforce, webhooks and the API.", "es": "Slack, Salesforce, webhooks y la API."},
    ),
    "mobile-app": (6, {"en": "Acme on iOS and Android.", "es": "Acme en iOS y Android."}),
}

# What a reader types when looking for each article — as typed, typos and all.
SEARCHES = {
    "duplicate-charges": ["charged twice", "refund", "duplicate charge"],
    "add-vat-number": ["vat number", "invoice vat", "tax id"],
    "switch-to-annual-billing": ["annual billing", "yearly plan"],
    "export-to-csv": ["export csv", "csv export times out"],
    "custom-fields-in-exports": ["custom fields export", "export columns"],
    "set-up-saml-sso": ["saml", "saml sign in", "single sign on"],
    "enforce-sso": ["require sso", "sso for everyone"],
    "api-rate-limits": ["429", "rate limit"],
    "api-pagination": ["pagination", "cursor api"],
    "webhooks": ["webhooks delayed", "webhook signature"],
    "slack-integration": ["slack", "slack stopped posting"],
    "salesforce-sync": ["salesforce duplicates", "salesforce"],
    "transfer-ownership": ["transfer ownership", "account owner"],
    "delete-your-data": ["gdpr", "delete data"],
    "import-from-zendesk": ["zendesk import", "import zendesk"],
    "invite-your-team": ["invite team", "invite teammates"],
    "dashboard-time-zone": ["wrong time zone", "time zone charts"],
    "push-notifications-ios": ["push notifications", "iphone notifications"],
    "reset-your-password": ["reset password", "forgot password"],
    "change-your-plan": ["upgrade plan", "add seats"],
    "download-invoices": ["invoices", "invoice pdf"],
    "two-factor-authentication": ["2fa", "two factor"],
    "cancel-your-subscription": ["cancel subscription", "cancel account"],
    "install-the-mobile-app": ["mobile app", "android app"],
    "set-up-your-workspace": ["getting started", "working hours"],
}
# What a Spanish-speaking reader types for the articles translated into Spanish.
SEARCHES_ES = {
    "invite-your-team": ["invitar compañeros", "invitación equipo"],
    "change-your-plan": ["cambiar plan", "añadir puestos"],
    "duplicate-charges": ["cobraron dos veces", "reembolso"],
    "download-invoices": ["facturas", "factura pdf"],
    "reset-your-password": ["contraseña", "restablecer contraseña"],
    "set-up-saml-sso": ["saml", "inicio de sesión único"],
    "two-factor-authentication": ["dos pasos", "código recuperación"],
    "export-to-csv": ["exportar csv", "excel"],
    "api-rate-limits": ["429", "límites api"],
    "push-notifications-ios": ["notificaciones", "iphone"],
}
# Typed in a hurry: the help center corrects them ("Showing results for …") and the reader reads on.
TYPOS = {
    "exprot": "export-to-csv",
    "pasword reset": "reset-your-password",
    "webhoks": "webhooks",
    "chraged twice": "duplicate-charges",
    "anual billing": "switch-to-annual-billing",
    "invitaton": "invite-your-team",
    "facturs": "download-invoices",
}
# Searches no article answers yet: the content gaps the figures page shows.
UNANSWERED = [
    "dark mode",
    "sandbox account",
    "soc 2 report",
    "hipaa",
    "zapier",
    "offline mode",
    "custom domain",
]

# The article a customer would read before writing to the team about a story (by its subject).
ARTICLE_FOR_SUBJECT = {
    "Charged twice this month": "duplicate-charges",
    "Invoice with our VAT number": "add-vat-number",
    "Switching to annual billing": "switch-to-annual-billing",
    "CSV export times out": "export-to-csv",
    "Export is missing custom fields": "custom-fields-in-exports",
    "SAML login loops back to sign-in": "set-up-saml-sso",
    "Enforce SSO for all members": "enforce-sso",
    "429 Too Many Requests from the API": "api-rate-limits",
    "Pagination on the conversations endpoint": "api-pagination",
    "Webhooks delayed since this morning": "webhooks",
    "Slack integration stopped posting": "slack-integration",
    "Salesforce sync duplicates contacts": "salesforce-sync",
    "Transfer account ownership": "transfer-ownership",
    "Delete our data (GDPR)": "delete-your-data",
    "Importing from Zendesk": "import-from-zendesk",
    "Inviting the team": "invite-your-team",
    "Charts show the wrong time zone": "dashboard-time-zone",
    "No push notifications on iOS": "push-notifications-ios",
}
POPULARITY = {  # how often readers come for an article on their own (the rest: 1)
    "reset-your-password": 8,
    "export-to-csv": 6,
    "download-invoices": 5,
    "duplicate-charges": 4,
    "invite-your-team": 4,
    "change-your-plan": 3,
    "api-rate-limits": 3,
    "set-up-saml-sso": 3,
    "two-factor-authentication": 2,
    "push-notifications-ios": 2,
}
REACTIONS = (("happy", 60), ("neutral", 22), ("disappointed", 18))
IMPORTED_DAYS_AGO = 75  # the docs were in place before the history the demo plays


def open_help_center(workspace: Workspace, owner: Teammate, now: datetime) -> int:
    """Import the articles as the owner did, then order and describe the collections."""
    imported = import_articles(
        workspace, ARTICLES, teammate=owner, at=now - timedelta(days=IMPORTED_DAYS_AGO)
    )
    actor = Actor.for_teammate(owner)
    for collection in workspace.help_collections.all():
        position, descriptions = COLLECTIONS.get(collection.slug, (len(COLLECTIONS) + 1, {}))
        update_collection(collection, actor=actor, position=position, descriptions=descriptions)
    return imported.translations_created


@dataclass
class Readers:
    """Plays readers' visits to the help center, each a few steps a minute or two apart."""

    workspace: Workspace
    rng: random.Random
    now: datetime

    def read_before_writing(self, contact: Contact, subject: str, start: datetime) -> bool:
        """The customer looked for an answer minutes before starting the conversation."""
        slug = ARTICLE_FOR_SUBJECT.get(subject)
        if slug is None:
            return False
        at = start - timedelta(minutes=self.rng.uniform(4, 20))
        locale = self.language_of(contact, slug)
        record_help_center_visit(self.workspace, contact, at=at)
        at = self.search(contact, self.query_for(slug, locale), locale, at)
        translation = public_translation(self.workspace, locale, slug)
        record_article_view(translation, contact, at=at + timedelta(seconds=self.rng.randint(5, 40)))
        if self.rng.random() < 0.5:
            react_to_article(translation, contact, "disappointed", at=at + timedelta(minutes=2))
        return True

    def read_on_their_own(self, contact: Contact, days: int) -> None:
        """A visit: sometimes a search first, then an article or two, sometimes a reaction."""
        at = self.moment(contact, days)
        record_help_center_visit(self.workspace, contact, at=at)
        if self.rng.random() < 0.12:
            self.search(contact, self.rng.choice(UNANSWERED), "en", at)  # found nothing, left
            return
        slug = self.rng.choices(list(SEARCHES), weights=[POPULARITY.get(s, 1) for s in SEARCHES])[0]
        locale = self.language_of(contact, slug)
        if self.rng.random() < 0.55:
            at = self.search(contact, self.query_for(slug, locale), locale, at)
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            translation = public_translation(self.workspace, locale, slug)
            at += timedelta(seconds=self.rng.randint(20, 200))
            record_article_view(translation, contact, at=at)
            if self.rng.random() < 0.35:
                reaction = self.rng.choices([r for r, _ in REACTIONS], weights=[w for _, w in REACTIONS])[0]
                react_to_article(translation, contact, reaction, at=at + timedelta(seconds=90))
            slug = self.rng.choice(list(SEARCHES))
            locale = self.language_of(contact, slug)

    def misspell_and_read(self, contact: Contact, typo: str, days: int) -> None:
        """A search with a typo, corrected by the help center, then the article it found."""
        slug = TYPOS[typo]
        locale = self.language_of(contact, slug) if not typo.startswith("factur") else "es"
        at = self.moment(contact, days)
        record_help_center_visit(self.workspace, contact, at=at)
        at = self.search(contact, typo, locale, at)
        translation = public_translation(self.workspace, locale, slug)
        record_article_view(translation, contact, at=at + timedelta(seconds=self.rng.randint(10, 60)))

    def search(self, contact: Contact, query: str, locale: str, at: datetime) -> datetime:
        """A submitted search, with as many results as the help center really finds for it."""
        at += timedelta(seconds=self.rng.randint(3, 30))
        found = search_public_articles(self.workspace, locale, query)
        record_article_search(self.workspace, contact, query, locale=locale, results=len(found.found), at=at)
        return at

    def query_for(self, slug: str, locale: str) -> str:
        return self.rng.choice(SEARCHES_ES[slug] if locale == "es" else SEARCHES[slug])

    def language_of(self, contact: Contact, slug: str) -> str:
        """Spanish for a Spanish-speaking reader when the article has it, else English."""
        if (contact.locale or "").startswith("es") and self.has_spanish(slug):
            return "es"
        return "en"

    def has_spanish(self, slug: str) -> bool:
        return slug in SEARCHES_ES

    def moment(self, contact: Contact, days: int) -> datetime:
        """A time in the last `days` days, in the reader's daytime."""
        zone = ZoneInfo(contact.timezone or "UTC")
        while True:
            day = (self.now.astimezone(zone) - timedelta(days=self.rng.randrange(days))).date()
            hour = self.rng.choices(range(24), weights=[1] * 7 + [6] * 11 + [2] * 6)[0]
            local = datetime(day.year, day.month, day.day, hour, self.rng.randrange(60), tzinfo=zone)
            if local < self.now - timedelta(minutes=30):
                return local.astimezone(ZoneInfo("UTC"))
