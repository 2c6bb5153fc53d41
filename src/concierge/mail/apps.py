from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "concierge.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from concierge.conversations.announcements import TeammateReplied
        from concierge.conversations.views import show_in_composer, show_in_inbox_header
        from concierge.core.reactions import subscribe
        from concierge.mail.reactions import email_the_teammates_reply
        from concierge.mail.views import email_composer_fields, read_email_reply_fields, write_an_email_link

        subscribe(TeammateReplied, email_the_teammates_reply)
        show_in_inbox_header("mail/_write_an_email.html", write_an_email_link)
        show_in_composer("email", "mail/_composer_email.html", email_composer_fields, read_email_reply_fields)
