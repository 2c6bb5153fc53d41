"""Child processes for test_database_busy.py, sharing a SQLite file: one holds a large import's
transaction open, another writes beside it as a teammate's page and an API client do.

    python -m tests.core.busy_import import FOLDER  # migrate, set up a workspace (FOLDER/setup.json),
                                                    # then import EVENTS events and, after the first
                                                    # batch, hold the transaction until FOLDER/release
                                                    # appears; the summary, as JSON
    python -m tests.core.busy_import write FOLDER   # a tag through the API, one through a page; what
                                                    # came back and what the database holds, as JSON
"""

import json
import sys
import time
from pathlib import Path

EVENTS = 300
BATCH_SIZE = 100
HOLDING, RELEASE = "holding", "release"


def log_lines(count: int) -> list[str]:
    """A support log of `count` help center visits by fifty contacts."""
    return [
        json.dumps(
            {
                "type": "help_center.visited",
                "at": f"2026-03-02T09:{number % 60:02d}:00Z",
                "contact": f"c{number % 50}",
                "channel": "help_center",
                "id": f"e{number}",
            }
        )
        for number in range(count)
    ]


def set_up(folder: Path):
    from django.conf import settings
    from django.test import Client

    from concierge.contacts.services import create_contact
    from concierge.conversations.services import start_conversation
    from concierge.workspaces.services import create_api_key, create_workspace, mark_api_key_used

    workspace = create_workspace(
        name="Busy", slug="busy", timezone_name="UTC", owner_email="owner@busy.test", owner_password=None
    )
    owner = workspace.teammates.get()
    key, raw_key = create_api_key(workspace, name="tests")
    mark_api_key_used(key)  # so the key's use is not written again while the import holds the database
    browser = Client()
    browser.force_login(owner.user)  # before the import, as a teammate already signed in is
    customer = create_contact(workspace, external_id="customer-1")
    conversation = start_conversation(workspace, contact=customer, body="Where is my invoice?")
    (folder / "setup.json").write_text(
        json.dumps(
            {
                "key": raw_key,
                "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
                "conversation": conversation.pk,
            }
        )
    )
    return workspace


def import_holding_the_database(folder: Path) -> dict:
    from concierge.events.services.importing import import_log

    workspace = set_up(folder)
    held = False

    def hold_after_the_first_batch(summary) -> None:
        nonlocal held
        if held:
            return
        held = True
        (folder / HOLDING).touch()
        deadline = time.monotonic() + 120
        while not (folder / RELEASE).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never released the import")
            time.sleep(0.05)

    summary = import_log(
        workspace, log_lines(EVENTS), batch_size=BATCH_SIZE, on_batch=hold_after_the_first_batch
    )
    return {"events_taken": summary.events_taken, "rejected": summary.rejected}


def write_beside(folder: Path) -> dict:
    from django.conf import settings
    from django.test import Client

    from concierge.conversations.models import Tag
    from concierge.events.models import Event

    setup = json.loads((folder / "setup.json").read_text())
    api_answer = Client().post(
        "/api/v1/tags",
        {"name": "from the API"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {setup['key']}"},
    )
    page = Client()
    page.cookies[settings.SESSION_COOKIE_NAME] = setup["session"]
    page_answer = page.post(f"/w/busy/inbox/{setup['conversation']}/tags/add/", {"tag": "from a page"})
    return {
        "api": {
            "status": api_answer.status_code,
            "retry_after": api_answer.get("Retry-After"),
            "content_type": api_answer["Content-Type"],
            "body": api_answer.content.decode(),
        },
        "page": {
            "status": page_answer.status_code,
            "retry_after": page_answer.get("Retry-After"),
            "content_type": page_answer["Content-Type"],
            "body": page_answer.content.decode(),
        },
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "imported_events": Event.objects.filter(type="help_center.visited").count(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "import":
        call_command("migrate", verbosity=0)
        print(json.dumps(import_holding_the_database(folder)))
    else:
        print(json.dumps(write_beside(folder)))
