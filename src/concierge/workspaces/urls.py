"""The workspace's settings pages (included under /w/<slug>/settings/ by concierge.web.urls; the
tags' page is conversations', added there too)."""

from django.urls import path

from concierge.workspaces import views

urlpatterns = [
    path("", views.settings_home, name="settings"),
    path("workspace/", views.update_workspace_settings, name="settings_workspace"),
    path("teammates/", views.teammates_page, name="settings_teammates"),
    path("teammates/invite/", views.invite_teammate, name="settings_invite"),
    path("teammates/<int:teammate_id>/role/", views.change_role, name="settings_teammate_role"),
    path(
        "teammates/<int:teammate_id>/deactivate/",
        views.deactivate_teammate,
        name="settings_teammate_deactivate",
    ),
    path(
        "teammates/<int:teammate_id>/reactivate/",
        views.reactivate_teammate,
        name="settings_teammate_reactivate",
    ),
    path("invites/<int:invite_id>/resend/", views.resend_invite, name="settings_invite_resend"),
    path("invites/<int:invite_id>/cancel/", views.cancel_invite, name="settings_invite_cancel"),
    path("teams/", views.teams_page, name="settings_teams"),
    path("teams/create/", views.create_team, name="settings_team_create"),
    path("teams/<int:team_id>/rename/", views.rename_team, name="settings_team_rename"),
    path("teams/<int:team_id>/delete/", views.delete_team, name="settings_team_delete"),
    path("teams/<int:team_id>/members/", views.add_team_member, name="settings_team_member_add"),
    path(
        "teams/<int:team_id>/members/<int:teammate_id>/remove/",
        views.remove_team_member,
        name="settings_team_member_remove",
    ),
    path("api-keys/", views.api_keys_page, name="settings_api_keys"),
    path("api-keys/<int:key_id>/revoke/", views.revoke_api_key, name="settings_api_key_revoke"),
    path("identity/", views.identity_page, name="settings_identity"),
    path("identity/rotate/", views.rotate_identity_secret, name="settings_identity_rotate"),
    path("messenger/", views.messenger_page, name="settings_messenger"),
    path("messenger/save/", views.update_messenger_settings, name="settings_messenger_save"),
    path("audit/", views.audit_trail_page, name="audit_trail"),
]
