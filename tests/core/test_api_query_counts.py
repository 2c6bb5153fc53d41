"""No N+1: each list endpoint makes the same number of queries for 2 rows as for 24."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.contacts.services import create_contact
from concierge.conversations import services as conversation_services
from concierge.workspaces.services import add_teammate, create_team
from tests.api_client import messenger_for_user


def grow(workspace, contact, owner, start: int, count: int) -> None:
    """Rows with everything a list row shows: contact, assignee, team, tags, team members."""
    for n in range(start, start + count):
        teammate = add_teammate(workspace, email=f"t{n}@acme.test", name=f"Teammate {n}")
        team = create_team(workspace, name=f"Team {n}", members=[owner, teammate])
        customer = create_contact(workspace, external_id=f"c{n}", name=f"Customer {n}")
        for who in (customer, contact):
            conversation = conversation_services.start_conversation(workspace, contact=who, body=f"#{n}")
            conversation_services.assign_conversation(
                conversation, teammate=owner, assignee=teammate, team=team
            )
            for tag_name in (f"tag {n}", "common"):
                conversation_services.tag_conversation(
                    conversation, conversation_services.tag_for_name(workspace, tag_name)
                )
            conversation_services.add_note(conversation, teammate, "note")


LISTS = [
    ("/conversations", {}),
    ("/conversations", {"state": "open"}),
    ("/conversations", {"tag": "common"}),
    ("/conversations", {"unassigned": "false", "contact_id": "CONTACT"}),
    ("/contacts", {}),
    ("/contacts", {"search": "customer"}),
    ("/teammates", {}),
    ("/teams", {}),
    ("/tags", {}),
    ("/audit-entries", {}),
    ("/audit-entries", {"action": "team"}),
    ("/messenger/conversations", {}),
]


def queries_for(client, path, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, **params)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_a_list_makes_a_fixed_number_of_queries_however_many_rows(
    api, workspace, contact, owner, path, params, django_assert_max_num_queries
):
    params = {key: (contact.pk if value == "CONTACT" else value) for key, value in params.items()}
    client = messenger_for_user(workspace, contact.external_id) if path.startswith("/messenger") else api
    grow(workspace, contact, owner, 0, 1)
    client.get(path)  # the first call also records when the key or contact was last seen
    few_queries, few_rows = queries_for(client, path, params)
    grow(workspace, contact, owner, 1, 11)
    many_queries, many_rows = queries_for(client, path, params)
    assert many_rows > few_rows
    assert many_queries == few_queries
    with django_assert_max_num_queries(4):
        client.get(path, **params)
