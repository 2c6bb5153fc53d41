"""The email channel's pages, under /w/<slug>/mail/ and /w/<slug>/settings/mailboxes/ (names in the
`web` namespace)."""

from django.urls import path

from concierge.mail import views

mail_pages = [
    path("", views.mail_page, name="mail"),
    path("new/", views.new_email_page, name="mail_new"),
    path("<int:message_pk>/", views.message_page, name="mail_message"),
    path("<int:message_pk>/raw/", views.raw_message, name="mail_raw"),
    path("<int:message_pk>/place/", views.place_again_view, name="mail_place_again"),
    path("attachments/<int:attachment_pk>/", views.attachment, name="mail_attachment"),
]

mailbox_settings_pages = [
    path("", views.mailboxes_settings_page, name="settings_mailboxes"),
    path("<int:mailbox_pk>/", views.mailbox_settings_page, name="settings_mailbox"),
    path("<int:mailbox_pk>/delete/", views.delete_mailbox_setting, name="settings_mailbox_delete"),
]
