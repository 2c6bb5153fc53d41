"""The demo's product feedback: a believable share of conversations tagged bug / feature request, four
product issues with the conversations that asked, one shipped, and the stand-up's counts over them."""

from concierge.demo.seed import seed_demo_workspace
from concierge.insights import selectors
from concierge.insights.forms import PeriodForm


def test_the_demo_has_feedback_and_product_issues(db):
    workspace = seed_demo_workspace(contacts=60, conversations=120, sessions=4).workspace
    issues = list(selectors.issues(workspace))
    assert len(issues) == 4
    assert [i.title for i in issues if i.state == "shipped"] == ["Charts in each viewer's own time zone"]
    assert sum(i.conversations for i in issues) >= 4
    form = PeriodForm({"period": "90"}, workspace=workspace)
    assert form.is_valid()
    standup = selectors.standup(workspace, form.chosen_period())
    assert {f.tag.name for f in standup.tags} == {"bug", "feature-request"}
    share = standup.conversations / workspace.conversations.count()
    assert 0.05 <= share <= 0.4, share
    for figure in standup.tags:
        behind = selectors.conversations_behind(workspace, standup.period, tag_id=figure.tag.pk)
        assert (len(behind), len({c.contact_id for c in behind})) == (figure.conversations, figure.customers)
