from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "concierge.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from concierge.conversations.announcements import TeammateReplied
        from concierge.core.reactions import subscribe
        from concierge.mail.reactions import email_the_teammates_reply

        subscribe(TeammateReplied, email_the_teammates_reply)
