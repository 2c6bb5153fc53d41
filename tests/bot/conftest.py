"""The bot's fixtures: published articles made through the help center's services, and the worker."""

import pytest

from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
from tests.meetings.conftest import run_tasks  # noqa: F401  (the worker, run in the test)

EXPORT_BODY = """Export your contacts as a CSV file whenever you need them.

## Exporting contacts to CSV

Open Contacts, choose Export in the top right corner and pick CSV. The file arrives by email
within a few minutes and holds every contact with their attributes.

## Scheduling a weekly export

Under Settings, Exports, choose a day and time; the CSV file is emailed to you every week.
"""

PASSWORD_BODY = """Forgot your password? You can reset it yourself.

## Resetting your password

On the sign-in page choose "Forgot password", enter your email address and follow the link we
send you. The link works once, for one hour.
"""

BILLING_BODY = """How invoices and payments work.

## Downloading an invoice

Open Billing, then Invoices, and choose Download next to the month you need. Invoices are PDF files.

## Changing your payment card

Open Billing, then Payment method, and enter the new card's number.
"""


@pytest.fixture
def articles(workspace):
    from concierge.helpcenter.services.writing import create_article

    return [
        create_article(workspace, slug=slug, locale="en", title=title, body=body, state="published")
        for slug, title, body in [
            ("export-contacts", "Exporting your contacts", EXPORT_BODY),
            ("reset-password", "Resetting your password", PASSWORD_BODY),
            ("billing", "Invoices and payments", BILLING_BODY),
        ]
    ]
