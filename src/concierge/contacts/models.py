import django.utils.timezone
from django.db import models

from concierge.workspaces.models import Workspace


class Contact(models.Model):
    """A customer: a user (known by external id and/or email) or a lead (an anonymous visitor)."""

    class Kind(models.TextChoices):
        USER = "user"
        LEAD = "lead"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.USER)
    external_id = models.CharField(max_length=190, null=True, blank=True)
    visitor_id = models.CharField(max_length=190, null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=190, blank=True, default="")
    timezone = models.CharField(max_length=64, blank=True, default="")
    locale = models.CharField(max_length=20, blank=True, default="")
    city = models.CharField(max_length=120, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=django.utils.timezone.now)  # when the contact first appeared
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="contact_external_id_unique_in_workspace",
            ),
            models.UniqueConstraint(
                fields=["workspace", "visitor_id"],
                condition=models.Q(visitor_id__isnull=False),
                name="contact_visitor_id_unique_in_workspace",
            ),
            # A contact with an external id is a user, reached only with its verified identity; a
            # lead with one would open the user's conversations to whoever knows its visitor id.
            models.CheckConstraint(
                condition=~models.Q(kind="lead") | models.Q(external_id__isnull=True),
                name="contact_lead_has_no_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "email"]),
            models.Index(fields=["workspace", "-created_at"]),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How every page names the contact (`display_name_of`)."""
        return display_name_of(self.name, self.email, self.external_id, self.city, self.pk)

    @property
    def ref(self) -> str:
        """How the event log names this contact."""
        return self.external_id or (f"visitor:{self.visitor_id}" if self.visitor_id else f"contact:{self.pk}")


def display_name_of(name: str, email: str | None, external_id: str | None, city: str, pk: int | None) -> str:
    """How every page names a contact: their name, else their email or external id; an anonymous
    visitor by the city they write from ("Visitor from Lisbon"), else by a short number that stays
    theirs ("Visitor #412"), never by the messenger's long visitor id. From a contact's columns, for
    lists that read them as values."""
    if name or email or external_id:
        return name or email or external_id
    if city:
        return f"Visitor from {city}"
    return f"Visitor #{pk}" if pk else "Visitor"
