"""A child process for the worker-killed-mid-send test (test_durable_send.py).

    python -m tests.outbound.send_worker setup    # migrate, a workspace, 1,200 contacts, a message live
    python -m tests.outbound.send_worker work     # `concierge worker --batch`
    python -m tests.outbound.send_worker report   # what was delivered, as JSON

With SEND_PROBE_HANG set, the second batch hangs after writing its deliveries and events, before its
transaction commits (a line in SEND_PROBE_LOG says so), so the test can kill the worker there.
"""

import json
import os
import sys
import time

CONTACTS = 1200


def hang_in_the_second_batch() -> None:
    from concierge.outbound.services import delivery

    original = delivery.send_batch
    calls = []

    def probe(message, run, contacts, at):
        counts = original(message, run, contacts, at)
        calls.append(len(contacts))
        if len(calls) == 2:
            with open(os.environ["SEND_PROBE_LOG"], "a") as log:
                log.write(f"batch 2 written, {len(contacts)} contacts, not committed\n")
            time.sleep(120)  # the test kills the worker here
        return counts

    delivery.send_batch = probe


def main(mode: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    if mode == "setup":
        call_command("migrate", verbosity=0)
        from concierge.contacts.models import Contact
        from concierge.outbound.services import create_message, set_state
        from concierge.workspaces.services import create_workspace

        workspace = create_workspace(
            name="Probe", slug="probe", timezone_name="UTC", owner_email="owner@probe.test"
        )
        Contact.objects.bulk_create(
            Contact(workspace=workspace, external_id=f"c{n}", email=f"c{n}@probe.test")
            for n in range(CONTACTS)
        )
        message = create_message(
            workspace, content_type="chat", versions=[{"locale": "en", "body": "Hello {{first_name|there}}"}]
        )
        set_state(message, "live")
    elif mode == "work":
        if os.environ.get("SEND_PROBE_HANG"):
            hang_in_the_second_batch()
        call_command("worker", "--batch", "--no-recurring", verbosity=0)
    elif mode == "report":
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from concierge.events.models import Event
        from concierge.outbound.models import Delivery

        per_contact = (
            Delivery.objects.values("contact_id").annotate(n=Count("id")).values_list("n", flat=True)
        )
        events = Event.objects.filter(type="outbound.sent").values("contact_id").annotate(n=Count("id"))
        print(
            json.dumps(
                {
                    "contacts": CONTACTS,
                    "delivered": Delivery.objects.filter(state="sent").count(),
                    "contacts_delivered": len(per_contact),
                    "most_to_one": max(per_contact, default=0),
                    "events": sum(row["n"] for row in events),
                    "most_events_to_one": max((row["n"] for row in events), default=0),
                    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
                }
            )
        )


if __name__ == "__main__":
    main(sys.argv[1])
