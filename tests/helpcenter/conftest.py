from tests.api_client import api, other_api  # noqa: F401  (API fixtures)
