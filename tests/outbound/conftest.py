"""Outbound's fixtures: the background queue run as the worker runs it, and a way to make messages."""

import pytest

from tests.insights.conftest import run_tasks  # noqa: F401  (the queue run as the worker runs it)


@pytest.fixture
def make_message(workspace):
    """A message written through the service: a chat in English by default, with any settings."""
    from concierge.outbound.services import create_message

    def make(content_type="chat", versions=None, **settings):
        if versions is None:
            versions = [{"locale": "en", "subject": "Hello", "body": "Hi {{first_name|there}}!"}]
            if content_type == "tooltip_group":
                versions = [{"locale": "en", "tooltips": [{"selector": "#export", "body": "Export here"}]}]
        return create_message(workspace, content_type=content_type, versions=versions, **settings)

    return make


from tests.api_client import api, other_api  # noqa: E402, F401  (fixtures)
