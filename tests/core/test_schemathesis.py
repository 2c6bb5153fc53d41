"""Schemathesis against the OpenAPI schema, with the app in-process (WSGI): whatever it sends, valid
or not, the API never answers with a 5xx, and its successful answers match the schema.

Every operation in the schema is tested, other apps' too; the messenger's with a visitor's headers,
the rest with an API key. Dates and instants include the calendar's edges."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from concierge.contacts.services import create_contact
from concierge.conversations import services as conversation_services
from concierge.workspaces.services import create_api_key, create_team

EXAMPLES_PER_OPERATION = 15

# Dates and instants are drawn from the whole calendar and, often, from its very edges (where a day
# or a zone's offset more overflows), so no date field is trusted to stay near today.
EDGE_DATES = ["0001-01-01", "0001-01-02", "1899-12-31", "9000-12-31", "9999-12-30", "9999-12-31"]
EDGE_INSTANTS = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59.999999+00:00",
    "9000-12-31T23:59:59-12:00",
]
schemathesis.openapi.format(
    "date", st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(lambda day: day.isoformat()))
)
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.sampled_from(EDGE_INSTANTS),
        st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    ),
)


@pytest.fixture
def seeded(workspace, owner, agent, contact):
    """A small workspace with one of everything, so generated small ids often hit real rows."""
    team = create_team(workspace, name="Reliability", members=[agent])
    lead = create_contact(workspace, visitor_id="fuzz-visitor")
    for who in (contact, lead):
        conversation = conversation_services.start_conversation(workspace, contact=who, body="Seeded")
        conversation_services.assign_conversation(conversation, teammate=owner, assignee=agent, team=team)
        conversation_services.tag_conversation(
            conversation, conversation_services.tag_for_name(workspace, "seed")
        )
        conversation_services.add_note(conversation, agent, "note")
    _, raw_key = create_api_key(workspace, name="schemathesis")
    return {
        "api": {"Authorization": f"Bearer {raw_key}"},
        "messenger": {"X-Workspace": workspace.slug, "X-Visitor-Id": "fuzz-visitor"},
    }


@pytest.fixture
def connection_kept_between_requests():
    """Django's WSGI handler closes the database connection after each request, which would end the
    test's transaction; like Django's test client, keep it open while the test runs."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def load_schema():
    from concierge.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


OPERATIONS = [result.ok() for result in load_schema().get_all_operations()]


def generated_requests(operation):
    """Valid requests, and requests that break the schema on purpose."""
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_no_operation_answers_with_a_server_error(operation, seeded, connection_kept_between_requests):
    credentials = seeded["messenger"] if operation.path.startswith("/api/v1/messenger/") else seeded["api"]

    @given(case=generated_requests(operation))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call_and_check(case):
        response = case.call(headers=credentials)
        # Every answer: never a 5xx. A success: exactly the documented shape.
        checks = [not_a_server_error] + ([response_schema_conformance] if response.status_code < 300 else [])
        case.validate_response(response, checks=checks)

    call_and_check()
