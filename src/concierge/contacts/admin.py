from django import forms
from django.contrib import admin

from concierge.contacts.models import Contact
from concierge.contacts.services import update_contact
from concierge.core.admin import checked_by_service
from concierge.core.zones import validate_locale_name, validate_zone_name

EDITABLE_FIELDS = ["name", "email", "timezone", "locale", "city", "attributes"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = EDITABLE_FIELDS

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        return checked_by_service(validate_zone_name, value) if value else value

    def clean_locale(self):
        value = self.cleaned_data["locale"]
        return checked_by_service(validate_locale_name, value) if value else value

    def clean_attributes(self):
        value = self.cleaned_data["attributes"]
        if not isinstance(value, dict):
            raise forms.ValidationError("Attributes must be a JSON object of names to values.")
        return value


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Contacts come from the messenger, the API and imports; here their details can be corrected."""

    form = ContactForm
    list_display = ["__str__", "email", "external_id", "kind", "workspace", "city", "created_at"]
    list_filter = ["kind", "workspace"]
    search_fields = ["name", "email", "external_id", "visitor_id"]
    list_select_related = ["workspace"]
    readonly_fields = [
        "workspace",
        "kind",
        "external_id",
        "visitor_id",
        "merged_into",
        "created_at",
        "last_seen_at",
    ]
    fields = [*readonly_fields[:4], *EDITABLE_FIELDS, *readonly_fields[4:]]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        update_contact(obj, **{field: form.cleaned_data[field] for field in EDITABLE_FIELDS})
