"""The messenger's own API (the contact's side; MessengerContact): its home, what the customer's site
says of the contact (boot, update) and tracks, files sent in a conversation, and the help center
inside the messenger. Mounted under /api/v1/messenger/ beside the conversations' messenger routes."""

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from concierge.contacts.auth import MessengerContact
from concierge.conversations import selectors as conversation_selectors
from concierge.conversations.schemas import MessengerContactOut, MessengerConversationOut, MessengerPartOut
from concierge.core.errors import InvalidInput, NotFound
from concierge.core.idempotency import idempotent
from concierge.core.schemas import ObjectId, Text
from concierge.helpcenter.selectors import public as help_selectors
from concierge.helpcenter.services.reading import record_article_search, record_article_view
from concierge.messenger import selectors, services
from concierge.messenger.schemas import (
    ArticleOut,
    ChatReplyIn,
    ContactDetailsIn,
    HelpSearchOut,
    HomeOut,
    MessengerTrackedOut,
    OutboundOut,
    OutboundPageOut,
    PageIn,
    PageTriggerOut,
    ReactionIn,
    TrackIn,
)
from concierge.outbound.selectors import in_app as outbound_selectors
from concierge.outbound.services import in_app as outbound_services

router = Router(auth=MessengerContact(), tags=["messenger"])


class LanguageQuery(Schema):
    lang: Text = "en"


class HelpSearchQuery(LanguageQuery):
    q: Text


class PageQuery(LanguageQuery):
    url: Text


def _language(request, lang: str) -> str | None:
    return selectors.help_language(request.workspace, lang[:35])


@router.get("/home", response=HomeOut, summary="The messenger's home: the team, when to expect a reply, …")
def home(request):
    workspace, contact = request.workspace, request.contact
    expectation = selectors.reply_expectation(workspace)
    offered = selectors.session_offered_here(workspace)
    return {
        "workspace_name": workspace.name,
        "faces": selectors.faces_of_team(workspace),
        "open_now": expectation.open_now,
        "back_at": expectation.back_at,
        "latest_conversation": selectors.latest_conversation(workspace, contact),
        "session": offered
        and {
            "name": offered.name,
            "length_minutes": offered.length_minutes,
            "url": request.build_absolute_uri(reverse("meetings_public:book", args=[offered.token])),
        },
        "help_center": bool(help_selectors.help_center_languages(workspace)),
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_kind": contact.kind,
    }


@router.patch(
    "/contact",
    response=MessengerContactOut,
    summary="What the customer's site (boot, update) or the customer says: name, email, attributes",
)
def update_contact(request, payload: ContactDetailsIn):
    return services.update_contact_from_messenger(
        request.contact, name=payload.name, email=payload.email, attributes=payload.attributes
    )


@router.post(
    "/events", response={201: MessengerTrackedOut}, summary="Concierge('track', name, data): into the log"
)
@idempotent
def track(request, payload: TrackIn):
    return Status(
        201, MessengerTrackedOut.from_orm(services.track_event(request.contact, payload.name, payload.data))
    )


@router.post(
    "/conversations/{conversation_id}/attachments",
    response={201: MessengerPartOut},
    summary="Send a file (multipart: file, and optional body) in one of the contact's conversations",
)
def send_attachment(request, conversation_id: ObjectId, file: File[UploadedFile], body: Form[str] = ""):
    conversation = conversation_selectors.conversation_of_contact(
        request.workspace, request.contact, conversation_id
    )
    if len(body) > 5000:
        raise InvalidInput("The message with the file is longer than 5,000 characters.", field="body")
    return Status(201, services.send_attachment(conversation, file, body=body))


@router.get(
    "/attachments/{attachment_id}",
    summary="A file from one of the contact's conversations (images shown, others downloaded)",
    response={200: None},
)
def download_attachment(request, attachment_id: ObjectId):
    attachment = selectors.attachment_of_contact(request.workspace, request.contact, attachment_id)
    try:
        handle = default_storage.open(attachment.stored_name, "rb")
    except OSError:
        raise NotFound("The file is no longer kept.") from None
    inline = attachment.content_type.startswith("image/")
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get("/help/search", response=HelpSearchOut, summary="Search the help center's public articles")
def help_search(request, query: Query[HelpSearchQuery]):
    text = query.q.strip()
    if not text or len(text) > 200:
        raise InvalidInput("Search for 1 to 200 characters.", field="q")
    locale = _language(request, query.lang)
    if locale is None:
        return {"query": text, "locale": None, "corrected_query": None, "articles": []}
    results = help_selectors.search_public_articles(request.workspace, locale, text, prefix=True, limit=8)
    record_article_search(
        request.workspace,
        request.contact,
        text,
        locale=locale,
        results=len(results.found),
        channel="messenger",
    )
    return {
        "query": results.query,
        "locale": locale,
        "corrected_query": results.corrected_query,
        "articles": [
            {
                "slug": hit.translation.article.slug,
                "title": hit.translation.title,
                "summary": hit.translation.summary,
            }
            for hit in results.found
        ],
    }


@router.get("/help/popular", response=list[ArticleOut], summary="The help center's most read articles")
def help_popular(request, query: Query[LanguageQuery]):
    locale = _language(request, query.lang)
    if locale is None:
        return []
    return [_article(t) for t in help_selectors.popular_articles(request.workspace, locale, limit=5)]


@router.get("/help/articles/{slug}", response=ArticleOut, summary="One public article, inside the messenger")
def help_article(request, slug: str, query: Query[LanguageQuery]):
    locale = _language(request, query.lang)
    if locale is None or len(slug) > 200:
        raise NotFound("No such article.")
    translation = help_selectors.public_translation(request.workspace, locale, slug)
    record_article_view(translation, request.contact, channel="messenger")
    return _article(translation)


def _article(translation) -> dict:
    return {
        "slug": translation.article.slug,
        "title": translation.title,
        "locale": translation.locale,
        "body_html": translation.body_html,
    }


# Proactive messages (docs/outbound.md, "In the messenger") ---------------------------------------


def _page_url(url: str) -> str:
    url = url.strip()
    if not url or len(url) > 2000:
        raise InvalidInput("The page's address must be 1 to 2,000 characters.", field="url")
    return url


@router.get(
    "/outbound",
    response=OutboundPageOut,
    summary="The proactive messages for the contact on this page, and those waiting some seconds on it",
)
def outbound_for_page(request, query: Query[PageQuery]):
    workspace, contact = request.workspace, request.contact
    url = _page_url(query.url)
    return {
        "messages": [
            outbound_selectors.as_shown(delivery, contact, query.lang)
            for delivery in outbound_selectors.shown_to(workspace, contact)
        ],
        "waiting": outbound_selectors.waiting_on_page(workspace, contact, url),
    }


@router.post(
    "/outbound/page-triggers/{message_id}",
    response=PageTriggerOut,
    summary="The customer stayed on the page the message waits for: delivered now, if it is for them",
)
@idempotent
def outbound_page_trigger(request, message_id: ObjectId, payload: PageIn):
    workspace, contact = request.workspace, request.contact
    message = outbound_selectors.page_message(workspace, contact, message_id, _page_url(payload.url))
    delivery = outbound_services.show_on_page(message, contact)
    shown = delivery and OutboundOut.from_orm(outbound_selectors.as_shown(delivery, contact, payload.lang))
    return PageTriggerOut(message=shown or None)


def _delivery(request, delivery_id: int):
    return outbound_selectors.delivery_of_contact(request.workspace, request.contact, delivery_id)


@router.post("/outbound/{delivery_id}/seen", response={204: None}, summary="The contact saw the message")
def outbound_seen(request, delivery_id: ObjectId):
    outbound_services.mark_seen(_delivery(request, delivery_id))
    return Status(204, None)


@router.post(
    "/outbound/{delivery_id}/react", response=OutboundOut, summary="An emoji reaction to a chat or post"
)
def outbound_react(request, delivery_id: ObjectId, payload: ReactionIn):
    delivery = outbound_services.react(_delivery(request, delivery_id), payload.emoji)
    return outbound_selectors.as_shown(delivery, request.contact)


@router.post("/outbound/{delivery_id}/dismiss", response={204: None}, summary="Not shown again")
def outbound_dismiss(request, delivery_id: ObjectId):
    outbound_services.dismiss(_delivery(request, delivery_id))
    return Status(204, None)


@router.post(
    "/outbound/{delivery_id}/reply",
    response={201: MessengerConversationOut},
    summary="Answer a chat: a conversation starts with the chat as its first message",
)
@idempotent
def outbound_reply(request, delivery_id: ObjectId, payload: ChatReplyIn):
    conversation = outbound_services.reply_to_chat(_delivery(request, delivery_id), payload.body)
    return Status(201, MessengerConversationOut.from_orm(conversation))
