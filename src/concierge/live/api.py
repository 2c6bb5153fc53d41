"""The messenger's live calls (mounted under /api/v1/messenger/, beside the conversations' own):
a token for the customer's event stream, and "the customer is typing"."""

from django.urls import reverse
from ninja import Router, Status

from concierge.contacts.auth import MessengerContact
from concierge.conversations import selectors as conversation_selectors
from concierge.core.schemas import ObjectId
from concierge.live import services
from concierge.live.schemas import StreamTokenOut
from concierge.live.views import TOKEN_MAX_AGE, messenger_stream_token

messenger_router = Router(auth=MessengerContact(), tags=["messenger"])


@messenger_router.post(
    "/stream-token",
    response=StreamTokenOut,
    summary="A token for the contact's live event stream (an EventSource cannot send headers)",
)
def stream_token(request):
    token = messenger_stream_token(request.workspace.pk, request.contact.pk)
    url = f"{reverse('live:messenger-stream')}?token={token}"
    return {"token": token, "url": url, "expires_in": TOKEN_MAX_AGE}


@messenger_router.post(
    "/conversations/{conversation_id}/typing",
    response={204: None},
    summary="The contact is typing in one of their conversations (at most once every 2 s; else 429)",
)
def contact_typing(request, conversation_id: ObjectId):
    conversation = conversation_selectors.conversation_of_contact(
        request.workspace, request.contact, conversation_id
    )
    services.announce_typing(
        conversation.workspace_id,
        conversation.pk,
        who="contact",
        sender_id=request.contact.pk,
        name=request.contact.display_name,
        contact_id=request.contact.pk,
    )
    return Status(204, None)
