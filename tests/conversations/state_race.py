"""Many people change one conversation (or merge one lead) at the same moment: the races of
test_state_races.py. Each attempt runs in its own thread with its own database connection.

On SQLite it runs in a child process on a database file (the test's in-memory database cannot be
shared between connections): `python -m tests.conversations.state_race ATTEMPTS` prints the outcome
as JSON.
"""

import json
import sys
import threading
from datetime import timedelta


def set_up() -> dict:
    from django.utils import timezone

    from concierge.contacts.services import create_contact
    from concierge.conversations import services
    from concierge.workspaces.services import create_workspace

    workspace = create_workspace(
        name="Race", slug="race", timezone_name="UTC", owner_email="owner@race.test", owner_password=None
    )
    customer = create_contact(workspace, external_id="user-1", email="user@race.test")
    owner = workspace.teammates.get()
    start = timezone.now() - timedelta(hours=1)

    def conversation(body: str) -> int:
        return services.start_conversation(workspace, contact=customer, body=body, at=start).pk

    return {
        "workspace": workspace.pk,
        "teammate": owner.pk,
        "user": customer.pk,
        "lead": create_contact(workspace, visitor_id="visitor-1").pk,
        "to_close": conversation("close me"),
        "to_close_or_snooze": conversation("close or snooze me"),
        "to_tag": conversation("tag me"),
        "tag": services.create_tag(workspace, "urgent").pk,
    }


def _at_once(attempts: int, attempt) -> list[str]:
    """Run `attempt(number)` in `attempts` threads released together; each outcome or error's text."""
    from django.db import connection

    from concierge.core.errors import ServiceError

    ready = threading.Barrier(attempts)
    outcomes = [""] * attempts

    def run(number: int) -> None:
        try:
            ready.wait()
            outcomes[number] = attempt(number)
        except ServiceError as refused:
            outcomes[number] = f"refused: {refused.message}"
        except Exception as error:  # a 500 in the making: the test shows it
            outcomes[number] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def race(ids: dict, attempts: int) -> dict:
    from django.utils import timezone

    from concierge.contacts.models import Contact
    from concierge.contacts.services import merge_lead_into_user
    from concierge.conversations import services
    from concierge.conversations.models import Conversation, Tag
    from concierge.events.models import Event
    from concierge.workspaces.models import Teammate

    def conversation(key: str) -> Conversation:
        return Conversation.objects.select_related("workspace", "contact").get(pk=ids[key])

    teammate = Teammate.objects.get(pk=ids["teammate"])

    def close(_):
        services.close_conversation(conversation("to_close"), teammate=teammate)
        return "closed"

    def close_or_snooze(number):
        if number % 2:
            services.close_conversation(conversation("to_close_or_snooze"), teammate=teammate)
            return "closed"
        services.snooze_conversation(
            conversation("to_close_or_snooze"), until=timezone.now() + timedelta(days=1), teammate=teammate
        )
        return "snoozed"

    def merge(_):
        lead, user = Contact.objects.get(pk=ids["lead"]), Contact.objects.get(pk=ids["user"])
        merge_lead_into_user(lead, user)
        return "merged"

    def tag(_):
        tagged = services.tag_conversation(
            conversation("to_tag"), Tag.objects.get(pk=ids["tag"]), teammate=teammate
        )
        return "tagged" if tagged else "already there"

    def events(key: str, type_: str) -> int:
        ref = Conversation.objects.get(pk=ids[key]).ref
        return Event.objects.filter(conversation_ref=ref, type=type_).count()

    result = {
        "close": _at_once(attempts, close),
        "close_or_snooze": _at_once(attempts, close_or_snooze),
        "merge": _at_once(attempts, merge),
        "tag": _at_once(attempts, tag),
    }
    mixed = Conversation.objects.get(pk=ids["to_close_or_snooze"])
    states = [p.data.get("state") for p in mixed.parts.filter(kind="state").order_by("id")]  # as written
    result["stored"] = {
        "close_events": events("to_close", "conversation.closed"),
        "close_parts": Conversation.objects.get(pk=ids["to_close"]).parts.filter(kind="state").count(),
        "mixed_state": mixed.state,
        "mixed_state_parts": states,
        "mixed_close_events": events("to_close_or_snooze", "conversation.closed"),
        "merge_events": Event.objects.filter(type="contact.merged").count(),
        "tag_events": events("to_tag", "conversation.tagged"),
        "tag_parts": Conversation.objects.get(pk=ids["to_tag"]).parts.filter(kind="tags").count(),
    }
    return result


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(race(set_up(), int(sys.argv[1]))))
