import pytest

from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
from tests.live.conftest import asgi_server  # noqa: F401  (the ASGI server, for the live streams)
from tests.meetings.conftest import run_tasks  # noqa: F401  (the queue run as the worker runs it)


@pytest.fixture(autouse=True)
def files_in_a_temporary_folder(settings, tmp_path):
    """Files sent in the messenger go through default_storage; each test keeps them in its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
