"""The product stand-up: counts by distinct customers with plans and seats, the trend against the
period before, the customers' words, and every count equal to the list behind it."""

import csv
import io
import re

import pytest
from django.test import Client

from concierge.insights import selectors
from concierge.insights.forms import PeriodForm
from concierge.insights.services.feedback_tags import set_tag_product_feedback
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor
from tests.conftest import PASSWORD


@pytest.fixture
def client_of_owner(owner):
    client = Client()
    assert client.login(username="owner@acme.test", password=PASSWORD)
    return client


def last_30_days(workspace):
    form = PeriodForm({"period": "30"}, workspace=workspace)
    assert form.is_valid()
    return form.chosen_period()


def figures_by_tag(standup):
    return {figure.tag.name: figure for figure in standup.tags}


def test_tags_are_counted_by_distinct_customers_with_plans_and_seats(workspace, feedback):
    standup = selectors.standup(workspace, last_30_days(workspace))
    figures = figures_by_tag(standup)
    assert set(figures) == {"bug", "feature request"}  # billing is not product feedback
    bug = figures["bug"]
    # Ana wrote twice: one customer, her 12 seats once.
    assert (bug.conversations, bug.customers, bug.seats) == (3, 2, 12 + 25)
    assert {(p.plan, p.customers, p.seats) for p in bug.plans} == {("pro", 2, 37)}
    assert (bug.previous_conversations, bug.previous_customers) == (3, 3)
    assert bug.change == -1
    request = figures["feature request"]
    assert (request.conversations, request.customers, request.seats) == (3, 3, 25 + 250)
    assert {(p.plan, p.customers, p.seats) for p in request.plans} == {
        ("pro", 1, 25),
        ("enterprise", 1, 250),
        (selectors.NO_PLAN, 1, 0),
    }
    # Ben's conversation carries both tags: once in the total.
    assert (standup.conversations, standup.customers, standup.seats) == (5, 4, 12 + 25 + 250)
    assert standup.previous_customers == 3


def test_the_customers_own_words_one_quote_per_customer(workspace, feedback):
    bug = figures_by_tag(selectors.standup(workspace, last_30_days(workspace)))["bug"]
    assert [q.contact_name for q in bug.quotes] == ["Ana Doe", "Ben Doe"]  # newest first
    assert bug.quotes[0].text == "Exports time out after a minute"  # her newest conversation's first words
    assert bug.quotes[0].conversation_id == feedback["ana_bug_1"].pk


def drill_down_numbers(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    conversations = {int(pk) for pk in re.findall(r'data-conversation="(\d+)"', html)}
    shown = re.search(r'data-count="conversations">(\d+)<.*?data-count="customers">(\d+)<', html, re.S)
    assert int(shown.group(1)) == len(conversations)
    return conversations, int(shown.group(2))


def test_every_count_equals_the_conversations_behind_it(workspace, feedback, client_of_owner):
    response = client_of_owner.get(f"/w/{workspace.slug}/insights/?period=30")
    assert response.status_code == 200
    html = response.content.decode()
    standup = selectors.standup(workspace, last_30_days(workspace))
    links = re.findall(r'href="(/w/acme/insights/conversations/\?[^"]+)"', html)
    assert links, "the counts link to their lists"
    checked = 0
    for figure in standup.tags:
        tag_links = {link.replace("&amp;", "&") for link in links if f"tag={figure.tag.pk}" in link}
        main = [
            link for link in tag_links if "plan=" not in link and f"from={standup.period.first_day}" in link
        ]
        assert len(main) == 1
        conversations, customers = drill_down_numbers(client_of_owner, main[0])
        assert (len(conversations), customers) == (figure.conversations, figure.customers)
        contacts = {
            c.contact_id
            for c in selectors.conversations_behind(workspace, standup.period, tag_id=figure.tag.pk)
        }
        seats = sum(
            selectors.seats_of(feedback["people"][k].attributes)
            for k in feedback["people"]
            if feedback["people"][k].pk in contacts
        )
        assert seats == figure.seats
        for plan in figure.plans:
            (link,) = [link for link in tag_links if "plan=" in link and f"plan={plan.plan or '-'}" in link]
            conversations, customers = drill_down_numbers(client_of_owner, link)
            assert customers == plan.customers
            checked += 1
    conversations, customers = drill_down_numbers(
        client_of_owner,
        f"/w/acme/insights/conversations/?from={standup.period.first_day}&to={standup.period.last_day}",
    )
    assert (len(conversations), customers) == (standup.conversations, standup.customers)
    assert checked == 4


def test_a_tag_marked_as_product_feedback_counts_and_the_change_is_audited(workspace, owner, feedback):
    period = last_30_days(workspace)
    assert set_tag_product_feedback(feedback["billing"], True, actor=Actor.for_teammate(owner))
    assert set_tag_product_feedback(feedback["bug"], False, actor=Actor.for_teammate(owner))
    assert not set_tag_product_feedback(feedback["bug"], False, actor=Actor.for_teammate(owner))
    assert set(figures_by_tag(selectors.standup(workspace, period))) == {"billing", "feature request"}
    entries = AuditEntry.objects.filter(workspace=workspace, action="tag.product_feedback_set").order_by("pk")
    assert [(e.target_label, e.changes["product_feedback"]) for e in entries] == [
        ("billing", [False, True]),
        ("bug", [True, False]),
    ]


def test_owners_mark_tags_on_the_page_agents_may_not(workspace, agent, feedback, client_of_owner):
    tags = [feedback["bug"], feedback["request"], feedback["billing"]]
    response = client_of_owner.post(
        f"/w/{workspace.slug}/insights/tags/",
        {"listed": [t.pk for t in tags], "feedback": [feedback["billing"].pk, feedback["bug"].pk]},
    )
    assert response.status_code == 302
    assert {t.name for t in selectors.feedback_tags(workspace)} == {"bug", "billing"}
    agent_client = Client()
    assert agent_client.login(username="agent@acme.test", password=PASSWORD)
    refused = agent_client.post(f"/w/{workspace.slug}/insights/tags/", {"listed": [feedback["bug"].pk]})
    assert refused.status_code == 403
    assert {t.name for t in selectors.feedback_tags(workspace)} == {"bug", "billing"}


def test_the_csv_has_the_pages_figures(workspace, feedback, client_of_owner):
    response = client_of_owner.get(f"/w/{workspace.slug}/insights/product-feedback.csv?period=30")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    totals = {row["tag"]: row for row in rows if not row["plan"]}
    assert (totals["bug"]["conversations"], totals["bug"]["customers"], totals["bug"]["seats"]) == (
        "3",
        "2",
        "37",
    )
    plans = {(row["tag"], row["plan"]): row["plan_customers"] for row in rows if row["plan"]}
    assert plans[("feature request", "(no plan)")] == "1"


@pytest.mark.parametrize(
    "query",
    [
        "period=365",
        "period=custom",
        "from=2026-02-30&to=2026-03-01",
        "from=2026-03-05&to=2026-03-01",
        "from=1900-01-01&to=2026-03-01",
        "from=2000-01-01&to=2026-03-01",
        "from=%C2%B2&to=2026-03-01",
    ],
)
def test_a_bad_period_is_a_clear_400(workspace, feedback, client_of_owner, query):
    for page in ("", "conversations/", "product-feedback.csv"):
        response = client_of_owner.get(f"/w/{workspace.slug}/insights/{page}?{query}")
        assert response.status_code == 400, (page, query)


def test_a_drill_down_of_another_workspaces_tag_is_a_404(
    workspace, feedback, other_workspace, client_of_owner
):
    from concierge.conversations.services import tag_for_name

    theirs = tag_for_name(other_workspace, "bug")
    response = client_of_owner.get(f"/w/{workspace.slug}/insights/conversations/?tag={theirs.pk}")
    assert response.status_code == 404
    for bad in ("abc", "²", "-1", "99999999999999999999999"):
        assert (
            client_of_owner.get(f"/w/{workspace.slug}/insights/conversations/?tag={bad}").status_code == 400
        )


def test_unknown_tags_in_the_setting_change_nothing(workspace, feedback, other_workspace, client_of_owner):
    from concierge.conversations.services import tag_for_name

    theirs = tag_for_name(other_workspace, "ideas")
    response = client_of_owner.post(
        f"/w/{workspace.slug}/insights/tags/",
        {"listed": [feedback["bug"].pk, theirs.pk, "x"], "feedback": [theirs.pk]},
    )
    assert response.status_code == 400
    assert {t.name for t in selectors.feedback_tags(workspace)} == {"bug", "feature request"}
    assert not AuditEntry.objects.filter(action="tag.product_feedback_set").exists()
