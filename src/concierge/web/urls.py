"""The teammates' pages. Workspace pages live under /w/<slug>/; an app adds its pages with one
`path("<prefix>/", include("concierge.<app>.urls"))` line in `workspace_pages` (names land in the
`web` namespace, e.g. {% url 'web:inbox' slug %})."""

from django.urls import include, path

from concierge.conversations.views import delete_tag_setting, rename_tag_setting, tags_settings_page
from concierge.mail.urls import mail_pages, mailbox_settings_pages
from concierge.messenger.views import teammate_file
from concierge.replies.urls import composer_pages, saved_reply_pages
from concierge.replies.views.coach import coach_conversations, coach_hints, coach_page, coach_voice_setting
from concierge.web import views
from concierge.workspaces.views import accept_invite_page

app_name = "web"

workspace_pages = [
    path("", views.workspace_home, name="workspace"),
    path("inbox/", include("concierge.conversations.urls")),
    path("contacts/", include("concierge.contacts.urls")),
    path("sessions/", include("concierge.meetings.urls")),
    path("articles/", include("concierge.helpcenter.urls")),
    path("reports/", include("concierge.reports.urls")),
    path("insights/", include("concierge.insights.urls")),
    path("coach/", coach_page, name="coach"),
    path("coach/voice/", coach_voice_setting, name="coach-voice"),
    path("coach/conversations/", coach_conversations, name="coach-conversations"),
    path("inbox/<int:conversation_id>/coach/", coach_hints, name="coach-hints"),
    path("inbox/", include(composer_pages)),
    path("replies/", include(saved_reply_pages)),
    path("bot/", include("concierge.bot.urls")),
    path("messenger/files/<int:attachment_id>/", teammate_file, name="messenger-file"),
    path("routing/", include("concierge.routing.urls")),
    path("outbound/", include("concierge.outbound.urls")),
    path("settings/tags/", tags_settings_page, name="settings_tags"),
    path("settings/tags/<int:tag_id>/rename/", rename_tag_setting, name="settings_tag_rename"),
    path("settings/tags/<int:tag_id>/delete/", delete_tag_setting, name="settings_tag_delete"),
    path("mail/", include(mail_pages)),
    path("settings/mailboxes/", include(mailbox_settings_pages)),
    path("settings/", include("concierge.workspaces.urls")),
    path("live/", include("concierge.live.urls")),
    path("account/", views.account, name="account"),
    path("account/profile/", views.update_profile, name="account_profile"),
    path("account/password/", views.change_password, name="account_password"),
    path("account/sessions/", views.sign_out_elsewhere, name="account_sessions"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", views.reset_request_view, name="password_reset"),
    path("password-reset/sent/", views.reset_sent_view, name="password_reset_sent"),
    path("password-reset/done/", views.reset_complete_view, name="password_reset_complete"),
    path("password-reset/<uidb64>/<token>/", views.new_password_view, name="password_reset_confirm"),
    path("invite/<str:token>/", accept_invite_page, name="accept_invite"),
    path("w/<slug:slug>/", include(workspace_pages)),
]
