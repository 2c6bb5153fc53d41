"""Twenty conversations assigned by one team's method at the same moment, each in its own thread with
its own connection: no teammate ends past the limit. On SQLite it runs in a child process on a
database file (`python -m tests.routing.assignment_race ATTEMPTS` prints the outcome as JSON)."""

import json
import sys
import threading
from datetime import timedelta

LIMIT = 3


def set_up(attempts: int) -> dict:
    from django.utils import timezone

    from concierge.contacts.services import create_contact
    from concierge.conversations import services
    from concierge.routing.services.assignment import set_team_routing
    from concierge.workspaces.services import add_teammate, create_team, create_workspace

    workspace = create_workspace(
        name="Race", slug="race", timezone_name="UTC", owner_email="owner@race.test", owner_password=None
    )
    members = [
        add_teammate(workspace, email=f"t{n}@race.test", name=f"T{n}", password=None) for n in range(3)
    ]
    team = create_team(workspace, name="Support", members=members)
    set_team_routing(team, method="balanced", open_limit=LIMIT)
    customer = create_contact(workspace, external_id="user-1")
    start = timezone.now() - timedelta(hours=1)
    made = [
        services.start_conversation(
            workspace, contact=customer, body=f"#{n}", at=start + timedelta(seconds=n)
        ).pk
        for n in range(attempts)
    ]
    return {"team": team.pk, "conversations": made}


def race(ids: dict) -> dict:
    from django.db import connection
    from django.db.models import Count

    from concierge.conversations.models import Conversation
    from concierge.routing.services.assignment import assign_by_team_method
    from concierge.workspaces.models import Team

    attempts = len(ids["conversations"])
    ready = threading.Barrier(attempts)
    outcomes = [""] * attempts

    def run(number: int) -> None:
        try:
            team = Team.objects.get(pk=ids["team"])
            conversation = Conversation.objects.select_related("workspace", "contact").get(
                pk=ids["conversations"][number]
            )
            ready.wait()
            chosen = assign_by_team_method(conversation, team)
            outcomes[number] = "assigned" if chosen else "queued"
        except Exception as error:  # a 500 in the making: the test shows it
            outcomes[number] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_teammate = dict(
        Conversation.objects.filter(team_id=ids["team"], assignee__isnull=False, state="open")
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    queued = Conversation.objects.filter(team_id=ids["team"], assignee__isnull=True).count()
    return {"outcomes": outcomes, "per_teammate": sorted(per_teammate.values()), "queued": queued}


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    attempts = int(sys.argv[1])
    print(json.dumps(race(set_up(attempts))))
