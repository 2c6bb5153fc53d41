"""The demo's history has the bot's own answers, made through its services, when the help center has
published articles; without articles the demo seeds as before."""

from django.db.models import Count

from concierge.bot.models import BotQuestion
from concierge.demo import seed
from concierge.events.models import Event
from tests.bot.conftest import BILLING_BODY, EXPORT_BODY, PASSWORD_BODY

SMALL = {"contacts": 30, "conversations": 60, "sessions": 0}


def publish_demo_articles(workspace) -> None:
    from concierge.helpcenter.services.writing import create_article

    for slug, title, body in [
        ("export-contacts", "Exporting your contacts", EXPORT_BODY),
        ("reset-password", "Resetting your password", PASSWORD_BODY),
        ("billing", "Invoices and payments", BILLING_BODY),
    ]:
        create_article(workspace, slug=slug, locale="en", title=title, body=body, state="published")


def test_with_articles_the_demo_history_has_bot_answers_and_their_outcomes(db, monkeypatch):
    opened = seed.DemoDesk.open_workspace

    def open_with_articles(desk):
        opened(desk)
        publish_demo_articles(desk.workspace)

    monkeypatch.setattr(seed.DemoDesk, "open_workspace", open_with_articles)
    workspace = seed.seed_demo_workspace(**SMALL).workspace
    questions = BotQuestion.objects.filter(workspace=workspace)
    assert questions.exists()
    outcomes = dict(questions.values_list("outcome").annotate(n=Count("id")))
    assert outcomes.get("confirmed", 0) + outcomes.get("assumed", 0) > 0
    answered = questions.exclude(verdict="unanswered").count()
    assert Event.objects.filter(workspace=workspace, type="bot.answered").count() >= answered


def test_without_articles_the_bot_records_nothing_in_the_demo(db):
    workspace = seed.seed_demo_workspace(**SMALL).workspace
    assert not BotQuestion.objects.filter(workspace=workspace).exists()
