"""The proactive messages' pages under /w/<slug>/outbound/ (web/urls.py includes them; names in the
`web` namespace)."""

from django.urls import path

from concierge.outbound.views import editor, messages, preview

urlpatterns = [
    path("", messages.messages_page, name="outbound"),
    path("new/", editor.message_new, name="outbound-new"),
    path("preview/", editor.live_preview, name="outbound-live-preview"),
    path("audience-size/", editor.audience_count, name="outbound-audience-size"),
    path("rule-row/", editor.rule_row, name="outbound-rule-row"),
    path("<int:message_id>/", messages.message_page, name="outbound-message"),
    path("<int:message_id>/edit/", editor.message_edit, name="outbound-edit"),
    path("<int:message_id>/state/", messages.message_state, name="outbound-state"),
    path("<int:message_id>/preview/", preview.message_preview, name="outbound-preview"),
]
