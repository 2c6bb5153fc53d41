"""`POST /api/v1/mail/inbound`: a relay or a provider's inbound webhook posts one raw RFC 5322
message as the request body, with the workspace's API key (docs/mail.md, "The HTTP hook")."""

from django.conf import settings
from ninja import Router, Status

from concierge.core.errors import InvalidInput
from concierge.mail.models import MailMessage
from concierge.mail.schemas import InboundOut, InboundRefusedOut
from concierge.mail.services.inbound import check_message_size, receive_mail

router = Router(tags=["mail"])


@router.post(
    "/mail/inbound",
    response={202: InboundOut, 404: InboundRefusedOut, 413: InboundRefusedOut, 422: InboundRefusedOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            # Any content type is read as the raw message (message/rfc822 says it best).
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def receive_inbound_mail(request):
    """Place one email. 202 with the outcome (placed, auto_reply, bounce); 404 when no mailbox of the
    workspace has the address it was sent to, 422 when it cannot be read as an email — both kept for
    a teammate to look at (`kept_as`); 413 when it is larger than the limit (not kept)."""
    raw = _raw_body(request)
    received = receive_mail(raw, via=MailMessage.Via.HTTP, workspace=request.workspace)
    message = received.message
    if message.outcome == MailMessage.Outcome.UNPLACED and not received.duplicate:
        status = 422 if received.malformed else 404
        return Status(status, {"detail": message.reason, "kept_as": message.pk})
    return Status(
        202,
        {
            "id": message.pk,
            "outcome": message.outcome,
            "reason": message.reason,
            "conversation": message.conversation_id,
            "duplicate": received.duplicate,
        },
    )


def _raw_body(request) -> bytes:
    """The body, read past Django's in-memory limit for forms up to the mail limit."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()):
        raise InvalidInput("Content-Length must be a number of bytes.")
    check_message_size(int(declared))
    raw = request.read(settings.MAIL_MAX_MESSAGE_BYTES + 1)
    check_message_size(len(raw))
    if not raw.strip():
        raise InvalidInput("The request body must be the raw email (RFC 5322), and it is empty.")
    return raw
