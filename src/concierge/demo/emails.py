"""The demo's email conversations, played through the email channel as if Acme's mailbox had received
them: each customer message is a real RFC 5322 message (with its Message-ID, and the answers'
In-Reply-To, References and quoted history, as mail clients write them) handed to the one parser,
and each teammate's reply is composed and kept as the email that was sent. So a reply written in
the demo's inbox today goes out as an email that threads with the rest."""

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from concierge.contacts.models import Contact
from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Part
from concierge.mail import selectors as mail_selectors
from concierge.mail.composing import reply_subject
from concierge.mail.models import Mailbox, MailMessage
from concierge.mail.services.inbound import receive_mail
from concierge.mail.services.outbound import queue_reply_email, start_email_conversation
from concierge.workspaces.models import Teammate


class DemoMailClient:
    """Writes the customers' emails to the demo's mailbox and keeps the teammates' replies as sent."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox
        self.written = 0

    def customer_starts(self, contact: Contact, *, subject: str, text: str, at: datetime) -> Conversation:
        raw = self._raw(contact, subject=subject, text=text, at=at)
        received = receive_mail(raw, via=MailMessage.Via.LISTENER, mailbox=self.mailbox, at=at, replayed=True)
        return received.message.conversation

    def customer_answers(self, conversation: Conversation, text: str, *, at: datetime) -> None:
        workspace = conversation.workspace
        ids = mail_selectors.thread_message_ids(workspace, conversation.pk)
        answered = (
            MailMessage.objects.filter(workspace=workspace, message_id=ids[-1]).first() if ids else None
        )
        quoted = ""
        if answered is not None:
            when = format_datetime(answered.created_at)
            lines = "\n".join(f"> {line}" for line in answered.text.strip().splitlines())
            quoted = f"\n\nOn {when}, {answered.from_name or answered.from_address} wrote:\n{lines}\n"
        raw = self._raw(
            conversation.contact,
            subject=reply_subject(answered.subject if answered else conversation.subject),
            text=text + quoted,
            at=at,
            in_reply_to=ids[-1] if ids else "",
            references=ids,
        )
        receive_mail(raw, via=MailMessage.Via.LISTENER, mailbox=self.mailbox, at=at, replayed=True)

    def teammate_replies(
        self, conversation: Conversation, teammate: Teammate, text: str, *, at: datetime
    ) -> Part:
        part = conversations.reply_as_teammate(conversation, teammate, text, at=at)
        queue_reply_email(part, replayed=True)
        return part

    def teammate_starts(
        self, contact: Contact, teammate: Teammate, *, subject: str, text: str, at: datetime
    ) -> Conversation:
        return start_email_conversation(
            self.mailbox.workspace,
            teammate=teammate,
            mailbox=self.mailbox,
            to_address=contact.email,
            subject=subject,
            body=text,
            at=at,
            replayed=True,
        )

    def _raw(
        self,
        contact: Contact,
        *,
        subject: str,
        text: str,
        at: datetime,
        in_reply_to: str = "",
        references: list[str] | None = None,
    ) -> bytes:
        self.written += 1
        domain = contact.email.partition("@")[2] or "customer.example"
        email = EmailMessage()
        email["From"] = formataddr((contact.name, contact.email))
        email["To"] = formataddr((self.mailbox.sender_name, self.mailbox.address))
        email["Subject"] = subject
        email["Date"] = format_datetime(at)
        email["Message-ID"] = f"<demo.{int(at.timestamp())}.{self.written}@mail.{domain}>"
        if in_reply_to:
            email["In-Reply-To"] = f"<{in_reply_to}>"
        if references:
            email["References"] = " ".join(f"<{ref}>" for ref in references)
        email.set_content(text)
        return email.as_bytes()
