"""Articles and readers for the reading side's tests, made through the services."""

from datetime import UTC, datetime

from concierge.contacts.services import create_contact
from concierge.helpcenter.services.writing import create_article, create_collection, save_translation

AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

EXPORT_BODY = """Exports hold every conversation of the period you choose.

## Start an export

Open **Reports → Export** and pick the period.

## Download the file

The CSV file arrives by email when it is ready.
"""


def export_article(workspace, *, collection=None, state="published", visibility="public", slug="export-csv"):
    """An article in English (published) and Spanish (published)."""
    english = create_article(
        workspace,
        slug=slug,
        locale="en",
        title="Export your conversations to CSV",
        summary="Download every conversation of a period.",
        body=EXPORT_BODY,
        collection=collection,
        visibility=visibility,
        state=state,
        at=AT,
    )
    save_translation(
        english.article,
        locale="es",
        title="Exportar tus conversaciones a CSV",
        body="Las exportaciones contienen cada conversación.\n\n## Iniciar una exportación\n\nAbre **Informes**.",
        state=state,
        at=AT,
    )
    return english


def billing_collection(workspace):
    return create_collection(
        workspace, slug="billing", names={"en": "Billing & plans", "es": "Facturación"}, at=AT
    )


def new_lead(workspace, visitor_id="hc_test-visitor-0001"):
    return create_contact(workspace, visitor_id=visitor_id, kind="lead", at=AT)
