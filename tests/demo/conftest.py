import pytest

from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
from tests.mail.conftest import run_tasks  # noqa: F401  (the worker's queue, run)
from tests.meetings.conftest import adelaide_agent, agents, chicago_agent, london_agent  # noqa: F401


@pytest.fixture(autouse=True)
def media_in_a_throwaway_folder(settings, tmp_path):
    """The demo's emails are kept through the storage API: in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
