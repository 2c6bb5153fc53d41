"""Shared pieces of the Django admin (the back office).

The admin may only change what a service can change: everything else is shown read-only, so the
event log keeps matching what happened (architecture rules 1 and 3).
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from concierge.core.errors import ServiceError


class ShownOnly:
    """Every field shown, nothing added, changed or deleted (for a model admin or an inline)."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ShownOnly, admin.ModelAdmin):
    """Shown, searched and filtered; never added, changed or deleted here."""


class ReadOnlyTabularInline(ShownOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


def checked_by_service(check, value):
    """Run a service's validator on a form value, turning its error into the form's error."""
    try:
        return check(value)
    except ServiceError as error:
        raise ValidationError(error.message) from error
