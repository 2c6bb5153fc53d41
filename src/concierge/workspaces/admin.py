from django import forms
from django.contrib import admin, messages

from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline, checked_by_service
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import ApiKey, AuditEntry, Team, Teammate, Workspace
from concierge.workspaces.selectors import has_another_active_owner, teammate_by_email
from concierge.workspaces.services import (
    Actor,
    add_teammate,
    revoke_api_key,
    update_teammate,
    update_workspace,
)
from concierge.workspaces.services.teammates import check_new_password
from concierge.workspaces.services.teammates import clean_email as checked_email


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


class NewTeammateForm(ZoneAndLocaleChecks, forms.ModelForm):
    """A person joins a workspace, by email: a new account, or one that already exists (which keeps
    its password). The same checks as `add_teammate`, said on the form."""

    email = forms.EmailField(help_text="A new account is made for an address Concierge does not know yet.")
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=(
            "For a new account only. Left empty, the teammate sets their own with "
            "\u201cForgot your password?\u201d on the sign-in page."
        ),
    )

    class Meta:
        model = Teammate
        fields = ["workspace", "email", "name", "role", "timezone", "locale", "password"]

    def clean_email(self):
        return checked_by_service(checked_email, self.cleaned_data["email"])

    def clean_password(self):
        password = self.cleaned_data["password"]
        return checked_by_service(check_new_password, password) if password else ""

    def clean(self):
        data = super().clean()
        workspace, email = data.get("workspace"), data.get("email")
        if workspace and email and teammate_by_email(workspace, email) is not None:
            self.add_error("email", f"{email} is already a teammate in {workspace.name}.")
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
    """Teammates are added here through `add_teammate` (a person joins a workspace, by email) and
    changed through `update_teammate`; the audit trail names the admin user for both."""

    form = TeammateForm
    add_form = NewTeammateForm
    add_fields = NewTeammateForm.Meta.fields
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            added = add_teammate(
                data["workspace"],
                email=data["email"],
                name=data["name"],
                role=data["role"],
                timezone_name=data["timezone"],
                locale=data["locale"],
                password=data["password"] or None,
                actor=Actor.for_admin(request.user),
            )
            # The admin goes on with the object it handed over (its log entry, the "added" message).
            for field in Teammate._meta.concrete_fields:
                setattr(obj, field.attname, getattr(added, field.attname))
            obj._state.adding = False
            return
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
