"""The messenger API: the contact's own side of their conversations (no API key; see MessengerContact).

A contact sees only their own conversations, and in them only the messages: never internal notes,
assignments, tags or other internal changes.
"""

from ninja import Query, Router, Status

from concierge.contacts.auth import MessengerContact
from concierge.conversations import selectors, services
from concierge.conversations.models import Conversation
from concierge.conversations.schemas import (
    MessengerContactOut,
    MessengerConversationDetailOut,
    MessengerConversationOut,
    MessengerConversationPage,
    MessengerPartOut,
    MessengerReplyIn,
    MessengerStartIn,
    RatingIn,
)
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery

router = Router(auth=MessengerContact(), tags=["messenger"])


def _with_messages(conversation: Conversation) -> Conversation:
    conversation.parts_in_order = list(selectors.parts_visible_to_contact(conversation))
    return _with_unread_count(conversation)


def _with_unread_count(conversation: Conversation) -> Conversation:
    conversation.unread_count = selectors.unread_count_for_contact(conversation)
    return conversation


@router.get("/me", response=MessengerContactOut, summary="The contact the messenger is talking to")
def me(request):
    return request.contact


@router.get(
    "/conversations", response=MessengerConversationPage, summary="The contact's conversations, newest first"
)
def list_my_conversations(request, page: Query[PageQuery]):
    conversations = selectors.conversations_of_contact(request.workspace, request.contact)
    return paginate(conversations, order=("-created_at", "-id"), cursor=page.cursor, limit=page.limit)


@router.post(
    "/conversations",
    response={201: MessengerConversationDetailOut},
    summary="Start a conversation with a first message",
)
@idempotent
def start(request, payload: MessengerStartIn):
    conversation = services.start_conversation(
        request.workspace, contact=request.contact, body=payload.body, subject=payload.subject
    )
    return Status(201, MessengerConversationDetailOut.from_orm(_with_messages(conversation)))


@router.get(
    "/conversations/{conversation_id}",
    response=MessengerConversationDetailOut,
    summary="One of the contact's conversations with its messages",
)
def get_my_conversation(request, conversation_id: ObjectId):
    conversation = selectors.conversation_of_contact(request.workspace, request.contact, conversation_id)
    return _with_messages(conversation)


@router.post(
    "/conversations/{conversation_id}/replies",
    response={201: MessengerPartOut},
    summary="Reply (a closed or snoozed conversation comes back to the inbox)",
)
@idempotent
def reply(request, conversation_id: ObjectId, payload: MessengerReplyIn):
    conversation = selectors.conversation_of_contact(request.workspace, request.contact, conversation_id)
    return Status(201, MessengerPartOut.from_orm(services.reply_as_contact(conversation, payload.body)))


@router.post(
    "/conversations/{conversation_id}/rating",
    response=MessengerConversationOut,
    summary="Rate the conversation 1-5, with an optional remark; a later rating replaces the earlier",
)
@idempotent
def rate(request, conversation_id: ObjectId, payload: RatingIn):
    conversation = selectors.conversation_of_contact(request.workspace, request.contact, conversation_id)
    return MessengerConversationOut.from_orm(
        _with_unread_count(
            services.rate_conversation(conversation, rating=payload.rating, remark=payload.remark)
        )
    )


@router.post(
    "/conversations/{conversation_id}/seen",
    response=MessengerConversationOut,
    summary="The contact has seen the conversation: every message up to now is read",
)
def seen(request, conversation_id: ObjectId):
    conversation = selectors.conversation_of_contact(request.workspace, request.contact, conversation_id)
    services.mark_seen_by_contact(conversation)
    return _with_unread_count(conversation)
