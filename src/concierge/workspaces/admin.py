from django import forms
from django.contrib import admin, messages

from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline, checked_by_service
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import ApiKey, AuditEntry, Team, Teammate, Workspace
from concierge.workspaces.selectors import has_another_active_owner
from concierge.workspaces.services import Actor, revoke_api_key, update_teammate, update_workspace


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
        fields = ["name", "role", "timezone", "locale", "is_active"]

    def clean(self):
        """The service refuses to leave a workspace without an active owner; say so on the form."""
        data = super().clean()
        stored = self.instance
        if stored.pk is None or stored.role != Teammate.Role.OWNER or not stored.is_active:
            return data
        stays_owner = data.get("role") == Teammate.Role.OWNER and data.get("is_active")
        if not stays_owner and not has_another_active_owner(stored):
            raise forms.ValidationError(
                f"{stored.name} is the workspace's only active owner: make someone else owner first."
            )
        return data


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
        # The form has already copied its values onto obj: start from what is stored, so the service
        # sees (and the audit trail records) what really changes.
        obj.refresh_from_db(fields=WorkspaceForm.Meta.fields)
        update_workspace(
            obj,
            name=data["name"],
            timezone_name=data["timezone"],
            locale=data["locale"],
            actor=Actor.for_admin(request.user),
        )


@admin.register(Teammate)
class TeammateAdmin(admin.ModelAdmin):
    form = TeammateForm
    list_display = ["name", "email", "workspace", "role", "timezone", "is_active"]
    list_filter = ["role", "is_active", "workspace"]
    search_fields = ["name", "user__email", "external_id"]
    list_select_related = ["workspace", "user"]
    readonly_fields = ["workspace", "user", "external_id", "created_at"]
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
        obj.refresh_from_db(fields=TeammateForm.Meta.fields)
        update_teammate(
            obj,
            name=data["name"],
            role=data["role"],
            timezone_name=data["timezone"],
            locale=data["locale"],
            is_active=data["is_active"],
            actor=Actor.for_admin(request.user),
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
            revoke_api_key(key, actor=Actor.for_admin(request.user))
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The trail of configuration changes: written by the services, never changed here."""

    list_display = ["at", "workspace", "actor_label", "action", "target_label"]
    list_filter = ["workspace", "actor_kind"]
    search_fields = ["action", "actor_label", "target_label"]
    list_select_related = ["workspace"]
    fields = [
        "workspace",
        "at",
        "actor_kind",
        "actor_label",
        "actor_teammate",
        "actor_api_key",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
    ]
