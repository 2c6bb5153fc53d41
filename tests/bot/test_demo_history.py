"""The demo's history has the bot's own answers, made through its services from the demo's help
center: answered, confirmed, assumed and handed-over conversations, each with its events."""

from django.db.models import Count

from concierge.bot.models import BotQuestion
from concierge.demo import seed
from concierge.events.models import Event

SMALL = {"contacts": 30, "conversations": 60, "sessions": 0}


def test_the_demo_history_has_bot_answers_and_their_outcomes(db):
    workspace = seed.seed_demo_workspace(**SMALL).workspace
    questions = BotQuestion.objects.filter(workspace=workspace)
    assert questions.exists()
    outcomes = dict(questions.values_list("outcome").annotate(n=Count("id")))
    assert outcomes.get("confirmed", 0) + outcomes.get("assumed", 0) > 0
    answered = questions.exclude(verdict="unanswered").count()
    assert Event.objects.filter(workspace=workspace, type="bot.answered").count() >= answered
