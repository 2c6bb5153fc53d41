from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
from tests.meetings.conftest import adelaide_agent, agents, chicago_agent, london_agent  # noqa: F401
