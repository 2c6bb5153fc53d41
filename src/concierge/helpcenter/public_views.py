"""The public help center (no sign-in): /help/<workspace>/<locale>/… — home, collections, articles,
search, and the sitemap. Each language has its own URLs, so search engines index each with its
canonical address and its `hreflang` alternates.

The reader is a contact: an identified user once the messenger's verified identity reaches these
pages (`identified_reader`, not yet), otherwise a lead kept by a first-party cookie. The lead is made
on the first thing recorded for a person — never for a crawler, nor for the sitemap or robots.txt.
"""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from babel.dates import format_date
from django import forms
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from concierge.contacts.models import Contact
from concierge.contacts.selectors import contact_by_id, contact_by_visitor_id
from concierge.contacts.services import contact_for_visitor
from concierge.core.errors import InvalidInput, NotFound
from concierge.core.zones import babel_locale, django_language, language_name
from concierge.helpcenter.models import ArticleReaction, ArticleTranslation
from concierge.helpcenter.selectors import public as public_selectors
from concierge.helpcenter.selectors.public import reaction_of
from concierge.helpcenter.services.reading import (
    MAX_MESSAGE_LENGTH,
    clean_query,
    react_to_article,
    record_article_search,
    record_article_view,
    record_help_center_visit,
    talk_to_us_about_article,
)
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import workspace_by_slug

VISITOR_COOKIE = "concierge_help_visitor"
VISITOR_COOKIE_AGE = timedelta(days=365)
VISITOR_ID = re.compile(r"^hc_[A-Za-z0-9_-]{16,64}$")
# Robots, link previews and scripts: they read pages but are not readers (no lead, no event).
NOT_A_PERSON = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl/|wget/|python|httpx|"
    r"go-http-client|java/|okhttp|libwww|scrapy|lighthouse",
    re.IGNORECASE,
)
RESULTS_PER_PAGE = 10
SUGGESTIONS = 5
REACTION_EMOJI = {choice.value: choice.label for choice in ArticleReaction.Reaction}


class Reader:
    """Who reads, decided lazily: the contact is looked up or made on first use, and only for a
    person. `keep(response)` sets the visitor cookie when a new visitor id was given out."""

    def __init__(self, request, workspace: Workspace):
        self.request, self.workspace = request, workspace
        self.is_person = not NOT_A_PERSON.search(request.headers.get("User-Agent", "") or "bot/none")
        self._contact: Contact | None = None
        self._new_visitor_id: str | None = None

    def existing_contact(self) -> Contact | None:
        """The reader's contact if there is one already (nothing is made)."""
        if self._contact is None:
            visitor_id = self._cookie_visitor_id()
            identified = identified_reader(self.request, self.workspace)
            if identified is not None:
                self._contact = identified
            elif visitor_id:
                self._contact = _lead_of_visitor(self.workspace, visitor_id)
        return self._contact

    def contact(self) -> Contact | None:
        """The reader's contact, made now for a new person; None for a crawler."""
        if not self.is_person:
            return None
        if self.existing_contact() is None:
            visitor_id = self._cookie_visitor_id() or self._give_visitor_id()
            self._contact = _followed(self.workspace, contact_for_visitor(self.workspace, visitor_id))
        return self._contact

    def keep(self, response):
        if self._new_visitor_id:
            response.set_cookie(
                VISITOR_COOKIE,
                self._new_visitor_id,
                max_age=int(VISITOR_COOKIE_AGE.total_seconds()),
                path=reverse("helpcenter_public:root", kwargs={"workspace_slug": self.workspace.slug}),
                secure=self.request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def _cookie_visitor_id(self) -> str | None:
        if self._new_visitor_id:
            return self._new_visitor_id
        value = self.request.COOKIES.get(VISITOR_COOKIE, "")
        return value if VISITOR_ID.match(value) else None

    def _give_visitor_id(self) -> str:
        self._new_visitor_id = "hc_" + secrets.token_urlsafe(24)
        return self._new_visitor_id


def identified_reader(request, workspace: Workspace) -> Contact | None:
    """The identified user reading, when the request carries the messenger's verified identity.
    The messenger does not pass it to these pages yet: every reader is a lead until it does."""
    return None


def _lead_of_visitor(workspace: Workspace, visitor_id: str) -> Contact | None:
    found = contact_by_visitor_id(workspace, visitor_id)
    return _followed(workspace, found) if found is not None else None


def _followed(workspace: Workspace, contact: Contact) -> Contact:
    """A lead merged into the user it turned out to be reads as that user."""
    return contact_by_id(workspace, contact.merged_into_id) if contact.merged_into_id else contact


# Pages ---------------------------------------------------------------------------------------------


class HelpCenter:
    """The workspace and language of a public page, and what every page's frame needs."""

    def __init__(self, request, workspace_slug: str, locale: str | None = None):
        try:
            self.workspace = workspace_by_slug(workspace_slug)
        except NotFound as exc:
            raise Http404("No such help center.") from exc
        # A help center with nothing published yet still has its (empty) home in the workspace's language.
        self.languages = public_selectors.help_center_languages(self.workspace) or [self.workspace.locale]
        if locale is not None and locale not in self.languages:
            raise Http404("This help center has no articles in that language.")
        self.locale = locale
        self.request = request
        self.reader = Reader(request, self.workspace)

    def url(self, name: str, locale: str | None = None, **kwargs) -> str:
        return reverse(
            f"helpcenter_public:{name}",
            kwargs={"workspace_slug": self.workspace.slug, "locale": locale or self.locale, **kwargs},
        )

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def record_visit(self) -> None:
        contact = self.reader.contact()
        if contact is not None:
            record_help_center_visit(self.workspace, contact)

    def page(self, template: str, context: dict, *, alternates: dict[str, str], status: int = 200):
        """Render in the reader's language. `alternates`: the page's address per language it
        exists in (the canonical link, hreflang links and the language switcher)."""
        canonical = alternates.get(self.locale) or self.url("home")
        context = {
            **context,
            "workspace": self.workspace,
            "locale": self.locale,
            "html_lang": self.locale,
            "home_url": self.url("home"),
            "search_url": self.url("search"),
            "suggestions_url": self.url("suggestions"),
            "canonical_url": self.absolute(canonical),
            "alternates": [
                {"locale": locale, "url": self.absolute(url), "path": url, "name": language_name(locale)}
                for locale, url in alternates.items()
            ],
            "default_alternate": self.absolute(
                alternates.get(public_selectors.default_language(self.workspace, self.languages))
                or next(iter(alternates.values()), canonical)
            ),
        }
        with translation.override(django_language(self.locale)):
            response = render(self.request, template, context, status=status)
        response["Content-Language"] = self.locale
        return self.reader.keep(response)

    def per_language(self, name: str, locales=None, **kwargs) -> dict[str, str]:
        return {locale: self.url(name, locale, **kwargs) for locale in (locales or self.languages)}


@require_GET
def help_center_root(request, workspace_slug):
    """/help/<workspace>/: to the visitor's language (Accept-Language among the help center's)."""
    center = HelpCenter(request, workspace_slug)
    locale = public_selectors.language_for_visitor(
        center.workspace, center.languages, request.headers.get("Accept-Language", "")
    )
    response = redirect(center.url("home", locale))
    response["Vary"] = "Accept-Language"
    return response


@require_GET
def help_center_home(request, workspace_slug, locale):
    center = HelpCenter(request, workspace_slug, locale)
    center.record_visit()
    context = {
        "collections": public_selectors.public_collections(center.workspace, locale),
        "popular": public_selectors.popular_articles(center.workspace, locale),
    }
    return center.page("helpcenter/public/home.html", context, alternates=center.per_language("home"))


@require_GET
def collection_page(request, workspace_slug, locale, collection_slug):
    center = HelpCenter(request, workspace_slug, locale)
    try:
        collection, articles = public_selectors.public_collection(center.workspace, collection_slug, locale)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    center.record_visit()
    locales = public_selectors.collection_languages(center.workspace, collection)
    context = {
        "collection": collection,
        "collection_name": public_selectors.collection_name(collection, locale),
        "collection_description": collection.descriptions.get(locale, ""),
        "articles": articles,
    }
    return center.page(
        "helpcenter/public/collection.html",
        context,
        alternates=center.per_language("collection", locales, collection_slug=collection.slug),
    )


class TalkToUsForm(forms.Form):
    message = forms.CharField(
        label=_("Your question"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    email = forms.EmailField(label=_("Your email address"), max_length=190, required=False)

    def __init__(self, *args, email_needed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = email_needed
        if email_needed:
            self.fields["email"].help_text = _("So that we can answer you.")


def _article_context(center: HelpCenter, translation: ArticleTranslation, contact: Contact | None) -> dict:
    reaction = reaction_of(translation, contact) if contact is not None else None
    return {
        "article": translation,
        "updated": format_date(translation.updated_at, format="long", locale=babel_locale(center.locale)),
        "toc": public_selectors.table_of_contents(translation),
        "related": public_selectors.related_articles(translation),
        "collection_name": public_selectors.collection_name(translation.article.collection, center.locale),
        "collection_url": (
            center.url("collection", collection_slug=translation.article.collection.slug)
            if translation.article.collection
            else ""
        ),
        "reaction": reaction,
        "reactions": list(ArticleReaction.Reaction),
        "reaction_url": center.url("react", article_slug=translation.article.slug),
        "talk_url": center.url("talk", article_slug=translation.article.slug),
        "talk_form": TalkToUsForm(email_needed=_email_needed(contact)),
    }


def _email_needed(contact: Contact | None) -> bool:
    """A reader the team cannot answer otherwise gives an address: a lead without one."""
    return contact is None or not contact.email


def _translation_or_404(center: HelpCenter, article_slug: str) -> ArticleTranslation:
    try:
        return public_selectors.public_translation(center.workspace, center.locale, article_slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _article_page(center: HelpCenter, translation: ArticleTranslation, context: dict, status: int = 200):
    alternates = {
        other.locale: center.url("article", other.locale, article_slug=translation.article.slug)
        for other in [translation, *public_selectors.other_languages(translation)]
    }
    return center.page("helpcenter/public/article.html", context, alternates=alternates, status=status)


@require_GET
def article_page(request, workspace_slug, locale, article_slug):
    center = HelpCenter(request, workspace_slug, locale)
    translation = _translation_or_404(center, article_slug)
    contact = center.reader.contact()
    if contact is not None:
        record_help_center_visit(center.workspace, contact)
        record_article_view(translation, contact)
    return _article_page(center, translation, _article_context(center, translation, contact))


@require_POST
def react_page(request, workspace_slug, locale, article_slug):
    """A reaction, as a plain form post (back to the article) or from HTMX (the bar again)."""
    center = HelpCenter(request, workspace_slug, locale)
    translation = _translation_or_404(center, article_slug)
    reaction = request.POST.get("reaction", "")
    if reaction not in REACTION_EMOJI:
        return HttpResponseBadRequest(
            f"reaction must be one of {', '.join(REACTION_EMOJI)}.", content_type="text/plain; charset=utf-8"
        )
    contact = center.reader.contact()
    if contact is None:
        return HttpResponse(status=204)
    react_to_article(translation, contact, reaction)
    if not request.headers.get("HX-Request"):
        return center.reader.keep(redirect(center.url("article", article_slug=article_slug) + "#feedback"))
    context = _article_context(center, translation, contact)
    with translation_language(center.locale):
        response = render(request, "helpcenter/public/_feedback.html", context)
    return center.reader.keep(response)


@require_POST
def talk_to_us_page(request, workspace_slug, locale, article_slug):
    center = HelpCenter(request, workspace_slug, locale)
    translation = _translation_or_404(center, article_slug)
    contact = center.reader.contact()
    if contact is None:
        return HttpResponse(status=204)
    context = _article_context(center, translation, contact)
    form = TalkToUsForm(request.POST, email_needed=_email_needed(contact))
    context["talk_form"] = form
    context["talk_open"] = True
    if form.is_valid():
        try:
            with translation_language(center.locale):
                talk_to_us_about_article(
                    translation,
                    contact,
                    message=form.cleaned_data["message"],
                    email=form.cleaned_data["email"],
                )
            context["talk_sent"] = True
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    status = 200 if context.get("talk_sent") else 422
    if request.headers.get("HX-Request"):
        with translation_language(center.locale):
            response = render(request, "helpcenter/public/_feedback.html", context, status=status)
        return center.reader.keep(response)
    return _article_page(center, translation, context, status=status)


def translation_language(locale: str):
    return translation.override(django_language(locale))


@require_GET
def search_page(request, workspace_slug, locale):
    """The search results page: its URL (?q=) can be shared; each submitted search is recorded."""
    center = HelpCenter(request, workspace_slug, locale)
    alternates = {
        other: center.url("search", other)
        + ("?" + urlencode({"q": request.GET["q"]}) if request.GET.get("q") else "")
        for other in center.languages
    }
    try:
        query = clean_query(request.GET.get("q", ""))
    except InvalidInput as exc:
        context = {"query": request.GET.get("q", "")[:200], "error": exc.message}
        return center.page("helpcenter/public/search.html", context, alternates=alternates, status=400)
    page = _page_number(request.GET.get("page"))
    context = {"query": query, "page": page}
    center.record_visit()
    if query:
        exact = request.GET.get("exact") == "1"
        results = public_selectors.search_public_articles(
            center.workspace,
            locale,
            query,
            exact=exact,
            limit=RESULTS_PER_PAGE,
            offset=(page - 1) * RESULTS_PER_PAGE,
        )
        context["results"] = results
        if results.corrected_query:
            context["original_url"] = center.url("search") + "?" + urlencode({"q": query, "exact": "1"})
        if results.has_more:
            # The next page of the query as typed stays as typed.
            more = {"q": query, **({"exact": "1"} if exact else {}), "page": page + 1}
            context["next_url"] = center.url("search") + "?" + urlencode(more)
        contact = center.reader.contact()
        if contact is not None and page == 1:
            record_article_search(center.workspace, contact, query, locale=locale, results=len(results.found))
    return center.page("helpcenter/public/search.html", context, alternates=alternates)


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 50)
    except ValueError:
        return 1


@require_GET
def suggestions_fragment(request, workspace_slug, locale):
    """Search as you type (HTMX): a few titles for what is typed so far. Not recorded as a search:
    only a submitted search is one."""
    center = HelpCenter(request, workspace_slug, locale)
    try:
        query = clean_query(request.GET.get("q", ""))
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    results = (
        public_selectors.search_public_articles(
            center.workspace, locale, query, prefix=True, limit=SUGGESTIONS
        )
        if query
        else None
    )
    context = {
        "query": query,
        "results": results,
        "search_url": center.url("search"),
        "workspace": center.workspace,
    }
    with translation_language(locale):
        return render(request, "helpcenter/public/_suggestions.html", context)


@require_GET
def sitemap(request, workspace_slug):
    """Every published public article in every language, each with its alternates."""
    center = HelpCenter(request, workspace_slug)
    entries = []
    for locale in center.languages:
        entries.append(
            {"url": center.absolute(center.url("home", locale)), "alternates": [], "updated": None}
        )
    for article in public_selectors.sitemap_articles(center.workspace):
        alternates = [
            {
                "locale": locale,
                "url": center.absolute(center.url("article", locale, article_slug=article.slug)),
            }
            for locale in article.locales
        ]
        for alternate in alternates:
            entries.append({"url": alternate["url"], "alternates": alternates, "updated": article.updated})
    return render(
        request, "helpcenter/public/sitemap.xml", {"entries": entries}, content_type="application/xml"
    )
