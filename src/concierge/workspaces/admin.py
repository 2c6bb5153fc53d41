from django import forms
from django.contrib import admin, messages

from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline, checked_by_service
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import ApiKey, Team, Teammate, Workspace
from concierge.workspaces.services import revoke_api_key, update_teammate, update_workspace


class ZoneAndLocaleChecks:
    def clean_timezone(self):
        return checked_by_service(validate_zone_name, self.cleaned_data["timezone"])

    def clean_locale(self):
        return checked_by_service(validate_locale_name, self.cleaned_data["locale"])


class WorkspaceForm(ZoneAndLocaleChecks, forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "timezone", "locale"]


class TeammateForm(ZoneAndLocaleChecks, forms.ModelForm):
    class Meta:
        model = Teammate
        fields = ["name", "role", "timezone", "locale"]


class TeammateInline(ReadOnlyTabularInline):
    model = Teammate
    fields = ["name", "email", "role", "timezone", "is_active"]
    readonly_fields = ["email"]
    show_change_link = True


class TeamInline(ReadOnlyTabularInline):
    model = Team
    fields = ["name", "created_at"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    """New workspaces come from `concierge createworkspace`; here their name, zone and locale change."""

    form = WorkspaceForm
    list_display = ["name", "slug", "timezone", "locale", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "created_at"]
    fields = ["name", "slug", "timezone", "locale", "created_at"]
    inlines = [TeammateInline, TeamInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        update_workspace(obj, name=data["name"], timezone_name=data["timezone"], locale=data["locale"])


@admin.register(Teammate)
class TeammateAdmin(admin.ModelAdmin):
    form = TeammateForm
    list_display = ["name", "email", "workspace", "role", "timezone", "is_active"]
    list_filter = ["role", "is_active", "workspace"]
    search_fields = ["name", "user__email", "external_id"]
    list_select_related = ["workspace", "user"]
    readonly_fields = ["workspace", "user", "external_id", "is_active", "created_at"]
    fields = [
        "workspace",
        "user",
        "name",
        "role",
        "timezone",
        "locale",
        "external_id",
        "is_active",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        update_teammate(
            obj, name=data["name"], role=data["role"], timezone_name=data["timezone"], locale=data["locale"]
        )


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "workspace", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]
    list_select_related = ["workspace"]
    fields = ["workspace", "name", "members", "created_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    """Keys are created with `concierge createapikey` (shown once); here they are listed and revoked."""

    list_display = ["name", "prefix", "workspace", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["workspace"]
    search_fields = ["name", "prefix"]
    list_select_related = ["workspace"]
    fields = ["workspace", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_revoke_permission(self, request):
        return request.user.has_perm("workspaces.change_apikey")

    @admin.action(description="Revoke the selected API keys", permissions=["revoke"])
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_api_key(key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)
