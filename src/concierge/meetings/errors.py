"""The errors a booking can meet besides plain bad input; each carries what to tell the customer.

`extra` is added to the API's error body next to `detail` and `field`."""

from concierge.core.errors import Conflict, PermissionDenied


class CustomerIneligible(PermissionDenied):
    """An eligibility rule matched: the team's message, and where it fits something better to do."""

    def __init__(self, message: str, *, alternative_url: str = "", alternative_label: str = ""):
        super().__init__(message, field="eligibility")
        self.alternative_url = alternative_url
        self.alternative_label = alternative_label
        self.extra = {
            "alternative_url": alternative_url or None,
            "alternative_label": alternative_label or None,
        }


class NightConfirmationNeeded(Conflict):
    """A start between 00:00 and 05:59 in the customer's zone: book again with the confirmation flag."""

    def __init__(self, question: str):
        super().__init__(question, field="confirm_night")
        self.question = question
        self.extra = {"question": question}
