"""Audience rules, compiled to one query that gives the same contacts on SQLite and PostgreSQL: contact
fields, attributes (numbers compared as numbers, never matching text), signed up and last seen, tags
of their conversations, events their product tracked; all or any; users, leads or everyone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.contacts.services import create_contact, merge_lead_into_user, touch_contact
from concierge.conversations.services import start_conversation, tag_conversation, tag_for_name
from concierge.core.errors import InvalidInput
from concierge.events.services import track_contact_event
from concierge.outbound.selectors import audience_contacts, audience_size

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def people(workspace):
    """Five contacts who differ in every way a rule can tell."""
    made = {
        "ana": create_contact(
            workspace,
            external_id="ana",
            name="Ana Alves",
            locale="pt-BR",
            city="Lisbon",
            attributes={"plan": "pro", "seats": 12, "company": "Acme Corp", "beta": True},
            at=NOW - timedelta(days=400),
        ),
        "ben": create_contact(
            workspace,
            external_id="ben",
            locale="en",
            city="London",
            attributes={"plan": "free", "seats": 3, "company": "Globex"},
            at=NOW - timedelta(days=10),
        ),
        "cho": create_contact(
            workspace,
            external_id="cho",
            locale="en-GB",
            attributes={"plan": "Pro", "seats": "12", "beta": False},
            at=NOW - timedelta(days=40),
        ),
        "dev": create_contact(
            workspace, external_id="dev", attributes={"seats": 40.5}, at=NOW - timedelta(days=2)
        ),
        "lee": create_contact(workspace, visitor_id="v-lee", city="Lisbon", at=NOW - timedelta(days=1)),
    }
    touch_contact(made["ana"])
    return made


def names(workspace, people, audience, kind="everyone", at=None) -> set[str]:
    by_id = {contact.pk: name for name, contact in people.items()}
    found = audience_contacts(workspace, audience, kind=kind, at=at).values_list("pk", flat=True)
    assert audience_size(workspace, audience, kind=kind, at=at) == len(found)
    return {by_id[pk] for pk in found}


def rule(**rule):
    return {"match": "all", "rules": [rule]}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ({"rules": []}, {"ana", "ben", "cho", "dev", "lee"}),
        (rule(attribute="plan", op="is", value="pro"), {"ana", "cho"}),  # text ignoring case
        (rule(attribute="plan", op="is_not", value="pro"), {"ben", "dev", "lee"}),
        (rule(attribute="seats", op="gt", value=10), {"ana", "dev"}),  # "12" is text, not a number
        (rule(attribute="seats", op="lte", value=12), {"ana", "ben"}),
        (rule(attribute="seats", op="gte", value=40.5), {"dev"}),
        (rule(attribute="seats", op="is", value=12), {"ana"}),
        (rule(attribute="company", op="contains", value="acme"), {"ana"}),
        (rule(attribute="plan", op="in", value=["free", "pro"]), {"ana", "ben"}),
        (rule(attribute="company", op="is_set"), {"ana", "ben"}),
        (rule(attribute="company", op="is_not_set"), {"cho", "dev", "lee"}),
        (rule(attribute="beta", op="is_true"), {"ana"}),
        (rule(attribute="beta", op="is_false"), {"cho"}),
        (rule(field="city", op="is", value="lisbon"), {"ana", "lee"}),
        (rule(field="city", op="is_not_set"), {"cho", "dev"}),
        (rule(field="locale", op="starts_with", value="en"), {"ben", "cho"}),
        (rule(field="locale", op="in", value=["en", "pt-BR"]), {"ana", "ben"}),
        (
            rule(field="signed_up", op="before", value=(NOW - timedelta(days=30)).date().isoformat()),
            {"ana", "cho"},
        ),
        (rule(field="signed_up", op="less_than_days_ago", value=7), {"dev", "lee"}),
        (rule(field="last_seen", op="is_set"), {"ana"}),
        (rule(field="last_seen", op="is_not_set"), {"ben", "cho", "dev", "lee"}),
        (
            {
                "match": "any",
                "rules": [
                    {"attribute": "seats", "op": "gt", "value": 20},
                    {"field": "city", "op": "is", "value": "London"},
                ],
            },
            {"dev", "ben"},
        ),
        (
            {
                "match": "all",
                "rules": [
                    {"field": "city", "op": "is", "value": "Lisbon"},
                    {"attribute": "plan", "op": "is", "value": "pro"},
                ],
            },
            {"ana"},
        ),
    ],
)
def test_rules_on_contacts(workspace, people, audience, expected):
    assert names(workspace, people, audience) == expected


def test_users_leads_or_everyone_and_a_merged_lead_is_no_one(workspace, people):
    assert names(workspace, people, None, kind="leads") == {"lee"}
    assert names(workspace, people, None, kind="users") == {"ana", "ben", "cho", "dev"}
    merge_lead_into_user(people["lee"], people["ana"])
    assert names(workspace, people, None, kind="leads") == set()


def test_last_seen_a_while_ago(workspace, people):
    later = timezone.now() + timedelta(days=10)
    assert names(workspace, people, rule(field="last_seen", op="more_than_days_ago", value=7), at=later) == {
        "ana"
    }
    assert (
        names(workspace, people, rule(field="last_seen", op="less_than_days_ago", value=7), at=later) == set()
    )


def test_events_tracked_counted_within_their_days(workspace, people):
    now = timezone.now()
    for days_ago in (1, 2, 3):
        track_contact_event(people["ana"], "export failed", at=now - timedelta(days=days_ago))
    for days_ago in (1, 20, 30):
        track_contact_event(people["ben"], "export failed", at=now - timedelta(days=days_ago))
    track_contact_event(people["cho"], "export succeeded", at=now)
    failed_3_in_7 = rule(event="export failed", op="at_least", count=3, days=7)
    assert names(workspace, people, failed_3_in_7) == {"ana"}
    assert names(workspace, people, rule(event="export failed", op="at_least", count=3)) == {"ana", "ben"}
    assert names(workspace, people, rule(event="export failed", op="ever")) == {"ana", "ben"}
    assert names(workspace, people, rule(event="export failed", op="never")) == {"cho", "dev", "lee"}
    assert names(workspace, people, rule(event="export failed", op="at_most", count=1, days=7)) == {
        "ben",
        "cho",
        "dev",
        "lee",
    }


def test_tags_of_the_contacts_conversations(workspace, people):
    conversation = start_conversation(workspace, contact=people["ben"], body="My invoice is wrong")
    tag_conversation(conversation, tag_for_name(workspace, "billing"))
    start_conversation(workspace, contact=people["cho"], body="Hello")
    assert names(workspace, people, rule(tag="billing", op="has")) == {"ben"}
    assert names(workspace, people, rule(tag="billing", op="has_not")) == {"ana", "cho", "dev", "lee"}


def test_another_workspaces_contacts_and_events_never_count(
    workspace, people, other_workspace, other_contact
):
    track_contact_event(other_contact, "export failed")
    assert other_contact.pk not in set(audience_contacts(workspace, None).values_list("pk", flat=True))
    assert audience_size(other_workspace, rule(event="export failed", op="ever")) == 1
    assert audience_size(workspace, rule(event="export failed", op="ever")) == 0


@pytest.mark.parametrize(
    "bad",
    [
        "everyone",
        {"match": "some"},
        {"rules": {"attribute": "plan"}},
        {"rules": [{"attribute": "plan", "op": "resembles", "value": "pro"}]},
        {"rules": [{"attribute": "plan; DROP TABLE", "op": "is", "value": "pro"}]},
        {"rules": [{"field": "signed_up", "op": "before", "value": "last tuesday"}]},
        {"rules": [{"event": "export failed", "op": "at_least", "count": -1}]},
        {"rules": [{"event": "export failed", "op": "ever", "days": 0}]},
        {"rules": [{"tag": "", "op": "has"}]},
    ],
)
def test_a_bad_audience_is_refused_clearly(workspace, bad):
    with pytest.raises(InvalidInput) as refused:
        audience_size(workspace, bad)
    assert refused.value.field.startswith("audience")
