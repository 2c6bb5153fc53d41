"""The bot's background work. Each task re-reads the database and is safe to run twice."""

from datetime import datetime

from django_tasks import task

from concierge.bot.services import assume_resolved


@task()
def assume_resolved_task(question_id: int, due: str) -> str:
    """At the answer's time plus the setting: close by the bot if the customer said nothing since."""
    return "closed" if assume_resolved(question_id, due=datetime.fromisoformat(due)) else "nothing to do"
