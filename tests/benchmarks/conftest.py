from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: F401  (API fixtures)
