from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
from tests.meetings.conftest import run_tasks  # noqa: E402, F401  (runs the queue like the worker)
