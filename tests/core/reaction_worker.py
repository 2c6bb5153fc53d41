"""A child process for the worker-restart test of task reactions (test_reactions.py).

    python -m tests.core.reaction_worker setup    # migrate, a workspace, a conversation started
    python -m tests.core.reaction_worker work     # `concierge worker --batch`, with the probe subscribed
    python -m tests.core.reaction_worker report   # what happened, as JSON

The probe reacts to a conversation starting by adding a tag (its effect, in the database) and by
writing a line to REACTION_PROBE_LOG (each time it is called, outside the database). With
REACTION_PROBE_HANG set, its first call hangs after its write, so the test can kill the worker
mid-task.
"""

import json
import os
import sys
import time


def probe(started) -> None:
    from concierge.conversations.services import create_tag
    from concierge.workspaces.models import Workspace

    log = os.environ["REACTION_PROBE_LOG"]
    first_call = not os.path.exists(log) or os.path.getsize(log) == 0
    create_tag(Workspace.objects.get(pk=started.workspace_id), f"reacted to {started.conversation_id}")
    with open(log, "a") as calls:
        calls.write(f"{started.conversation_id}\n")
    if first_call and os.environ.get("REACTION_PROBE_HANG"):
        time.sleep(120)  # the test kills the worker here, before the transaction commits


def main(mode: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from concierge.conversations.announcements import ConversationStarted
    from concierge.core.reactions import subscribe, subscriptions, unsubscribe

    # The probe alone: the apps' own subscribers (the bot) would add tasks and runs of their own.
    for subscription in subscriptions(ConversationStarted):
        unsubscribe(ConversationStarted, subscription.react)
    subscribe(ConversationStarted, probe)
    if mode == "setup":
        call_command("migrate", verbosity=0)
        from concierge.contacts.services import create_contact
        from concierge.conversations.services import start_conversation
        from concierge.workspaces.services import create_workspace

        workspace = create_workspace(
            name="Probe", slug="probe", timezone_name="UTC", owner_email="owner@probe.test"
        )
        contact = create_contact(workspace, external_id="c1")
        start_conversation(workspace, contact=contact, body="hello")
    elif mode == "work":
        call_command("worker", "--batch", "--no-recurring", verbosity=0)
    elif mode == "report":
        from django_tasks_db.models import DBTaskResult

        from concierge.conversations.models import Tag
        from concierge.core.models import ReactionRun

        print(
            json.dumps(
                {
                    "tags": sorted(Tag.objects.values_list("name", flat=True)),
                    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
                    "runs": ReactionRun.objects.count(),
                }
            )
        )


if __name__ == "__main__":
    main(sys.argv[1])
